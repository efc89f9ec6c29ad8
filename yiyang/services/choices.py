"""Fixed vocabularies of the service chain (the rules that change over time are tables)."""

from django.db import models


class ServiceCategory(models.TextChoices):
    MEAL = "meal", "助餐"
    BATH = "bath", "助浴"
    CLEANING = "cleaning", "助洁"
    EMERGENCY = "emergency", "助急"
    MEDICAL = "medical", "助医"
    DOMESTIC = "domestic", "家政"
    COMPANIONSHIP = "companionship", "精神慰藉"
    LEGAL = "legal", "法律援助"
    REHAB = "rehab", "康复护理"
    REPAIR = "repair", "维修"
    HAIRCUT = "haircut", "理发"
    ERRAND = "errand", "代购代缴"
    RECREATION = "recreation", "文娱休闲"
    OTHER = "other", "其他"


class ServiceUnit(models.TextChoices):
    VISIT = "visit", "次"
    HOUR = "hour", "小时"
    MEAL = "meal", "餐"
    PIECE = "piece", "件"


class PaymentMode(models.TextChoices):
    FREE = "free", "无偿"
    LOW_COST = "low_cost", "低偿"
    PAID = "paid", "有偿"
    GOVERNMENT = "government", "政府购买"


class ProviderKind(models.TextChoices):
    MEDICAL = "medical", "医疗机构"
    CATERING = "catering", "餐饮"
    SUPERMARKET = "supermarket", "超市"
    DOMESTIC = "domestic", "家政服务"
    HAIR_BATH = "hair_bath", "理发洗浴"
    REPAIR = "repair", "家电维修"
    LEGAL = "legal", "法律服务"
    SOCIAL = "social", "社会组织"
    OTHER = "other", "其他"


class PointKind(models.TextChoices):
    STATION = "station", "居家养老服务站"
    DAY_CARE = "day_care", "日间照料中心"
    CANTEEN = "canteen", "助餐点"
    CLINIC = "clinic", "卫生服务站"
    SHOP = "shop", "服务网点"


class RequestSource(models.TextChoices):
    HOTLINE = "hotline", "热线"
    DESK = "desk", "社区窗口"
    FAMILY = "family", "家属"
    ELDER = "elder", "老人本人"
    PLAN = "plan", "服务计划"
    API = "api", "接口"


class Urgency(models.TextChoices):
    URGENT = "urgent", "紧急"
    NORMAL = "normal", "一般"
    LOW = "low", "不急"


class OrderStatus(models.TextChoices):
    NEW = "new", "待派单"
    DISPATCHED = "dispatched", "待接单"
    ACCEPTED = "accepted", "已接单"
    ASSIGNED = "assigned", "已派人"
    IN_PROGRESS = "in_progress", "服务中"
    COMPLETED = "completed", "待签字"
    VERIFIED = "verified", "已核验"
    CANCELLED = "cancelled", "已取消"


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
    SIGNATURE = "signature", "手写签名"
    CODE = "code", "电话验证码"


class SignoffBy(models.TextChoices):
    ELDER = "elder", "老人本人"
    PROXY = "proxy", "代签人"


class ExceptionKind(models.TextChoices):
    LATE = "late", "迟到"
    MISSED = "missed", "漏服务"
    OUTSIDE_RADIUS = "outside_radius", "位置超范围"
    NO_LOCATION = "no_location", "未获取位置"
    TOO_SHORT = "too_short", "服务时长不足"
    OVERLAP = "overlap", "服务时间重叠"
    REUSED_PHOTO = "reused_photo", "照片重复使用"


class ExceptionStatus(models.TextChoices):
    OPEN = "open", "待处理"
    CONFIRMED = "confirmed", "确认异常"
    DISMISSED = "dismissed", "核实无误"


class EntitlementUnit(models.TextChoices):
    HOURS = "hours", "服务时长（小时）"
    AMOUNT = "amount", "服务金额（元）"


class SettlementStatus(models.TextChoices):
    DRAFT = "draft", "待街道审核"
    REVIEWED = "reviewed", "待区级审批"
    APPROVED = "approved", "已审批"
    RETURNED = "returned", "已退回"


class Weekday(models.IntegerChoices):
    MON = 1, "周一"
    TUE = 2, "周二"
    WED = 3, "周三"
    THU = 4, "周四"
    FRI = 5, "周五"
    SAT = 6, "周六"
    SUN = 7, "周日"
