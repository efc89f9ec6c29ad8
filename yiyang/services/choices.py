"""Fixed vocabularies of the service chain (the rules that change over time are tables)."""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy


class ServiceCategory(models.TextChoices):
    MEAL = "meal", _("助餐")
    BATH = "bath", _("助浴")
    CLEANING = "cleaning", _("助洁")
    EMERGENCY = "emergency", _("助急")
    MEDICAL = "medical", _("助医")
    DOMESTIC = "domestic", _("家政")
    COMPANIONSHIP = "companionship", _("精神慰藉")
    LEGAL = "legal", _("法律援助")
    REHAB = "rehab", _("康复护理")
    REPAIR = "repair", _("维修")
    HAIRCUT = "haircut", _("理发")
    ERRAND = "errand", _("代购代缴")
    RECREATION = "recreation", _("文娱休闲")
    OTHER = "other", _("其他")


class ServiceUnit(models.TextChoices):
    VISIT = "visit", _("次")
    HOUR = "hour", _("小时")
    MEAL = "meal", _("餐")
    PIECE = "piece", _("件")


class PaymentMode(models.TextChoices):
    FREE = "free", _("无偿")
    LOW_COST = "low_cost", _("低偿")
    PAID = "paid", _("有偿")
    GOVERNMENT = "government", _("政府购买")


class ProviderKind(models.TextChoices):
    MEDICAL = "medical", _("医疗机构")
    CATERING = "catering", _("餐饮")
    SUPERMARKET = "supermarket", _("超市")
    DOMESTIC = "domestic", _("家政服务")
    HAIR_BATH = "hair_bath", _("理发洗浴")
    REPAIR = "repair", _("家电维修")
    LEGAL = "legal", _("法律服务")
    SOCIAL = "social", _("社会组织")
    OTHER = "other", _("其他")


class PointKind(models.TextChoices):
    STATION = "station", _("居家养老服务站")
    DAY_CARE = "day_care", _("日间照料中心")
    CANTEEN = "canteen", _("助餐点")
    CLINIC = "clinic", _("卫生服务站")
    SHOP = "shop", _("服务网点")


class RequestSource(models.TextChoices):
    HOTLINE = "hotline", _("热线")
    DESK = "desk", _("社区窗口")
    FAMILY = "family", _("家属")
    ELDER = "elder", _("老人本人")
    PLAN = "plan", _("服务计划")
    API = "api", _("接口")


class Urgency(models.TextChoices):
    URGENT = "urgent", _("紧急")
    NORMAL = "normal", _("一般")
    LOW = "low", _("不急")


class OrderStatus(models.TextChoices):
    NEW = "new", _("待派单")
    DISPATCHED = "dispatched", _("待接单")
    ACCEPTED = "accepted", _("已接单")
    ASSIGNED = "assigned", _("已派人")
    IN_PROGRESS = "in_progress", _("服务中")
    COMPLETED = "completed", _("待签字")
    VERIFIED = "verified", _("已核验")
    CANCELLED = "cancelled", _("已取消")


OPEN_STATUSES = (
    OrderStatus.NEW,
    OrderStatus.DISPATCHED,
    OrderStatus.ACCEPTED,
    OrderStatus.ASSIGNED,
    OrderStatus.IN_PROGRESS,
    OrderStatus.COMPLETED,
)
#: Waiting for the provider's answer or for a worker: these run against the response deadline.
AWAITING_RESPONSE = (OrderStatus.NEW, OrderStatus.DISPATCHED, OrderStatus.ACCEPTED)


class SignoffMethod(models.TextChoices):
    SIGNATURE = "signature", _("手写签名")
    CODE = "code", _("电话验证码")


class SignoffBy(models.TextChoices):
    ELDER = "elder", _("老人本人")
    PROXY = "proxy", _("代签人")


class ExceptionKind(models.TextChoices):
    LATE = "late", _("迟到")
    MISSED = "missed", _("漏服务")
    OUTSIDE_RADIUS = "outside_radius", _("位置超范围")
    NO_LOCATION = "no_location", _("未获取位置")
    TOO_SHORT = "too_short", _("服务时长不足")
    OVERLAP = "overlap", _("服务时间重叠")
    REUSED_PHOTO = "reused_photo", _("照片重复使用")


class ExceptionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    CONFIRMED = "confirmed", _("确认异常")
    DISMISSED = "dismissed", _("核实无误")


class EntitlementUnit(models.TextChoices):
    HOURS = "hours", _("服务时长（小时）")
    AMOUNT = "amount", _("服务金额（元）")


class SettlementStatus(models.TextChoices):
    DRAFT = "draft", _("待街道审核")
    REVIEWED = "reviewed", _("待区级审批")
    APPROVED = "approved", _("已审批")
    RETURNED = "returned", _("已退回")


class Weekday(models.IntegerChoices):
    MON = 1, _("周一")
    TUE = 2, _("周二")
    WED = 3, _("周三")
    THU = 4, _("周四")
    FRI = 5, _("周五")
    SAT = 6, _("周六")
    SUN = 7, _("周日")


#: One-character weekday names as in "每周二、四" (ISO: 1 = Monday).
_WEEKDAY_SHORT = (
    pgettext_lazy("weekday", "一"),
    pgettext_lazy("weekday", "二"),
    pgettext_lazy("weekday", "三"),
    pgettext_lazy("weekday", "四"),
    pgettext_lazy("weekday", "五"),
    pgettext_lazy("weekday", "六"),
    pgettext_lazy("weekday", "日"),
)


def weekdays_text(days: Iterable[int]) -> str:
    """ISO weekdays as the short list shown after "每周" ("二、四"; "Tue, Thu" in English)."""
    return pgettext("list separator", "、").join(str(_WEEKDAY_SHORT[int(d) - 1]) for d in days)
