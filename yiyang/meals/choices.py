from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CanteenKind(models.TextChoices):
    CANTEEN = "canteen", _("长者食堂")
    MEAL_POINT = "meal_point", pgettext_lazy("canteen kind", "助餐点")  # "Meal point", not "Canteen"
    DELIVERY_POINT = "delivery_point", _("送餐点")


class MealSlot(models.TextChoices):
    BREAKFAST = "breakfast", _("早餐")
    LUNCH = "lunch", _("午餐")
    DINNER = "dinner", _("晚餐")


class IdentifiedBy(models.TextChoices):
    ID_NUMBER = "id_number", _("身份证号")
    CARD = "card", _("助餐卡")
    QR = "qr", _("二维码")
    DELIVERY = "delivery", _("送餐登记")


class Channel(models.TextChoices):
    DINE_IN = "dine_in", _("堂食")
    DELIVERY = "delivery", _("送餐")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待送达")
    DELIVERED = "delivered", _("已送达")
    CANCELLED = "cancelled", _("已取消")
