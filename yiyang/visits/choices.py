from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Cycle(models.TextChoices):
    """How often an elder of a tier is visited; ``event`` rules visit once after a trigger."""

    HALF_MONTH = "half_month", _("每半月")
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")
    EVENT = "event", _("事件后一次")


class Trigger(models.TextChoices):
    NONE = "", _("无（按周期）")
    REAL_ALARM = "real_alarm", _("真实警情处置后")
    MISSED_CHECKIN = "missed_checkin", _("未平安签到告警后")


class TaskKind(models.TextChoices):
    ROUTINE = "routine", _("定期走访")
    EVENT = "event", _("事件回访")
    RETRY = "retry", _("再次走访")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待走访")
    DONE = "done", _("已走访")
    NOBODY_HOME = "nobody_home", _("未遇（已安排再访）")
    CANCELLED = "cancelled", _("已取消")


class Seen(models.TextChoices):
    ELDER = "elder", _("见到老人本人")
    FAMILY = "family", _("见到家属")
    NOBODY = "nobody", _("无人在家")


class Condition(models.TextChoices):
    GOOD = "good", _("良好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("较差")


class Mood(models.TextChoices):
    CALM = "calm", _("平稳")
    LOW = "low", _("低落")
    ANXIOUS = "anxious", _("焦虑")


class Need(models.TextChoices):
    NONE = "", _("无")
    SERVICE = "service", _("需要上门服务")
    URGENT = "urgent", _("紧急危险（立即告警）")


class SignedBy(models.TextChoices):
    ELDER = "elder", _("老人签字")
    FAMILY = "family", _("家属签字")
    NONE = "none", _("未签字")


class Festival(models.TextChoices):
    DUANWU = "duanwu", _("端午")
    CHONGYANG = "chongyang", _("重阳/敬老月")
    CHUNJIE = "chunjie", _("春节")
    OTHER = "other", _("其他")


class CampaignStatus(models.TextChoices):
    COLLECTING = "collecting", _("登记中")
    PURCHASING = "purchasing", _("已查重，可采购发放")
    CLOSED = "closed", _("已结束")


class ContributorKind(models.TextChoices):
    UNION = "union", _("工会")
    WOMEN = "women", _("妇联")
    YOUTH = "youth", _("团委")
    CHARITY = "charity", _("慈善会")
    ENTERPRISE = "enterprise", _("企业")
    GOVERNMENT = "government", _("政府部门")
    OTHER = "other", _("其他")


class GiftKind(models.TextChoices):
    MONEY = "money", _("慰问金")
    GOODS = "goods", _("慰问品")


class ContributionStatus(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    KEPT = "kept", _("查重后保留")
    CANCELLED = "cancelled", _("查重后撤销")


class RecipientSource(models.TextChoices):
    RULE = "rule", _("按条件")
    ADDITION = "addition", _("增补")


# -- needs surveys (摸底调查) ------------------------------------------------------------------------------


class QuestionKind(models.TextChoices):
    CHOICE = "choice", _("单选")
    MULTI = "multi", _("多选")
    NUMBER = "number", _("数字题")
    TEXT = "text", _("文字")
    YESNO = "yesno", _("是/否")


class RegistryField(models.TextChoices):
    """The registry fact an answer corresponds to: a differing answer becomes a proposed change."""

    NONE = "", _("无")
    LIVING = "living_situation", _("居住情况")
    PHONE = "phone", _("联系电话")
    EMERGENCY = "emergency_phone", _("紧急联系人电话")


class FollowUp(models.TextChoices):
    NONE = "", _("无")
    WORK_ORDER = "work_order", _("转服务工单")
    VISIT = "visit", _("列入走访（加访一次）")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("调查中")
    CLOSED = "closed", _("已结束")


class ResponseStatus(models.TextChoices):
    OPEN = "open", _("待调查")
    DONE = "done", _("已调查")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACCEPTED = "accepted", _("已采纳")
    REJECTED = "rejected", _("已驳回")
