from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProgrammeKind(models.TextChoices):
    AGE_TIER = "age_tier", _("按年龄档（高龄津贴/尊老金）")
    CATEGORY = "category", _("按经济类别（养老服务补贴）")
    CARE_LEVEL = "care_level", _("按能力等级（护理补贴）")


class StartRule(models.TextChoices):
    # The month the condition is met (birthday month, certification month) or the month after.
    SAME_MONTH = "same_month", _("当月起发（生日当月）")
    NEXT_MONTH = "next_month", _("次月起发")


class RollStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    STREET_REVIEWED = "street_reviewed", _("街道已审核")
    APPROVED = "approved", _("区级已审批")
    PUBLISHED = "published", _("已公示")


class ChangeType(models.TextChoices):
    NEW = "new", pgettext_lazy("change type", "新增")
    CONTINUED = "continued", pgettext_lazy("change type", "续发")
    CHANGED = "changed", pgettext_lazy("change type", "变更")
    STOPPED = "stopped", pgettext_lazy("change type", "停发")
    ARREARS = "arrears", pgettext_lazy("change type", "补发")
    ADJUSTMENT = "adjustment", pgettext_lazy("change type", "更正调整")


class AdjustmentKind(models.TextChoices):
    """What a manual adjustment line does to a month already paid (or not paid) in an approved roll."""

    ARREARS = (
        "arrears",
        pgettext_lazy("adjustment kind", "补发"),
    )  # a month the elder qualified for but was not paid
    DEDUCTION = (
        "deduction",
        pgettext_lazy("adjustment kind", "扣减"),
    )  # money paid for a month that was not due (or too much)
    CORRECTION = (
        "correction",
        pgettext_lazy("adjustment kind", "更正"),
    )  # a wrong amount in an approved roll, either way


class CheckChannel(models.TextChoices):
    HOME = "home", _("网格员上门")
    OFFICE = "office", _("窗口办理")
    VIDEO = "video", _("视频认证")


class SuspensionReason(models.TextChoices):
    QUALIFICATION = "qualification", _("逾期未资格认证")
    MANUAL = "manual", _("人工暂停")
    DECEASED = "deceased", _("死亡停发")
    MOVED = "moved", _("迁出停发")


#: Suspensions that a status change writes and lifts (``people.lifecycle``), never a person.
LIFE_EVENT_REASONS = (SuspensionReason.DECEASED.value, SuspensionReason.MOVED.value)


class LifeEventKind(models.TextChoices):
    DEATH = "deceased", _("死亡名单")
    MOVED = "moved", _("户籍迁出名单")


class MatchStatus(models.TextChoices):
    MATCHED = "matched", pgettext_lazy("match status", "身份证号匹配")
    PROPOSED = "proposed", pgettext_lazy("match status", "待确认（姓名+出生日期）")
    UNMATCHED = "unmatched", pgettext_lazy("match status", "未匹配")
    CONFIRMED = "confirmed", pgettext_lazy("match status", "已确认")
    REJECTED = "rejected", pgettext_lazy("match status", "已否决")
    APPLIED = "applied", pgettext_lazy("match status", "已处理")


class RecoveryStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("recovery status", "待追回")
    WAIVER_REQUESTED = "waiver_requested", pgettext_lazy("recovery status", "申请核销")
    SETTLED = "settled", pgettext_lazy("recovery status", "已结清")


class SupportMode(models.TextChoices):
    """特困人员供养方式 a programme pays for: any, only 分散供养 (at home) or only 集中供养 (in a home)."""

    ANY = "", _("不限供养方式")
    DISPERSED = "dispersed", _("分散供养")
    CENTRALISED = "centralised", _("集中供养")
