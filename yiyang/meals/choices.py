from __future__ import annotations

from django.db import models


class CanteenKind(models.TextChoices):
    CANTEEN = "canteen", "长者食堂"
    MEAL_POINT = "meal_point", "助餐点"
    DELIVERY_POINT = "delivery_point", "送餐点"


class MealSlot(models.TextChoices):
    BREAKFAST = "breakfast", "早餐"
    LUNCH = "lunch", "午餐"
    DINNER = "dinner", "晚餐"


class IdentifiedBy(models.TextChoices):
    ID_NUMBER = "id_number", "身份证号"
    CARD = "card", "助餐卡"
    QR = "qr", "二维码"
    DELIVERY = "delivery", "送餐登记"


class Channel(models.TextChoices):
    DINE_IN = "dine_in", "堂食"
    DELIVERY = "delivery", "送餐"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待送达"
    DELIVERED = "delivered", "已送达"
    CANCELLED = "cancelled", "已取消"
