from __future__ import annotations

from django.db import models


class ProgrammeKind(models.TextChoices):
    AGE_TIER = "age_tier", "按年龄档（高龄津贴/尊老金）"
    CATEGORY = "category", "按经济类别（养老服务补贴）"
    CARE_LEVEL = "care_level", "按能力等级（护理补贴）"


class StartRule(models.TextChoices):
    # The month the condition is met (birthday month, certification month) or the month after.
    SAME_MONTH = "same_month", "当月起发（生日当月）"
    NEXT_MONTH = "next_month", "次月起发"


class RollStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    STREET_REVIEWED = "street_reviewed", "街道已审核"
    APPROVED = "approved", "区级已审批"
    PUBLISHED = "published", "已公示"


class ChangeType(models.TextChoices):
    NEW = "new", "新增"
    CONTINUED = "continued", "续发"
    CHANGED = "changed", "变更"
    STOPPED = "stopped", "停发"
    ARREARS = "arrears", "补发"
    ADJUSTMENT = "adjustment", "更正调整"


class AdjustmentKind(models.TextChoices):
    """What a manual adjustment line does to a month already paid (or not paid) in an approved roll."""

    ARREARS = "arrears", "补发"  # a month the elder qualified for but was not paid
    DEDUCTION = "deduction", "扣减"  # money paid for a month that was not due (or too much)
    CORRECTION = "correction", "更正"  # a wrong amount in an approved roll, either way


class CheckChannel(models.TextChoices):
    HOME = "home", "网格员上门"
    OFFICE = "office", "窗口办理"
    VIDEO = "video", "视频认证"


class SuspensionReason(models.TextChoices):
    QUALIFICATION = "qualification", "逾期未资格认证"
    MANUAL = "manual", "人工暂停"


class LifeEventKind(models.TextChoices):
    DEATH = "deceased", "死亡名单"
    MOVED = "moved", "户籍迁出名单"


class MatchStatus(models.TextChoices):
    MATCHED = "matched", "身份证号匹配"
    PROPOSED = "proposed", "待确认（姓名+出生日期）"
    UNMATCHED = "unmatched", "未匹配"
    CONFIRMED = "confirmed", "已确认"
    REJECTED = "rejected", "已否决"
    APPLIED = "applied", "已处理"


class RecoveryStatus(models.TextChoices):
    OPEN = "open", "待追回"
    WAIVER_REQUESTED = "waiver_requested", "申请核销"
    SETTLED = "settled", "已结清"
