from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from yiyang.assessments import scoring


class Scheme(models.TextChoices):
    GB42195 = scoring.GB42195, "GB/T 42195-2022"
    MZT039 = scoring.MZT039, _("MZ/T 039-2013（旧标准）")


class Reason(models.TextChoices):
    """Annex A.1 评估原因."""

    FIRST = "first", _("首次评估")
    ROUTINE = "routine", _("常规评估")
    IMMEDIATE = "immediate", _("即时评估")
    REVIEW = "review", _("因对评估结果有疑问进行的复评")
    OTHER = "other", _("其他")


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    CONFIRMED = "confirmed", _("已确认")
    VOID = "void", _("已作废")


class Level(models.IntegerChoices):
    INTACT = 0, scoring.LEVEL_NAMES[0]
    MILD = 1, scoring.LEVEL_NAMES[1]
    MODERATE = 2, scoring.LEVEL_NAMES[2]
    SEVERE = 3, scoring.LEVEL_NAMES[3]
    TOTAL = 4, scoring.LEVEL_NAMES[4]


class ComaLevel(models.IntegerChoices):
    TOTAL = 4, _("完全失能（附录C.4）")
    SEVERE = 3, _("重度失能（B.3.9 注 / MZ/T 039 表述）")


class RiskCounting(models.TextChoices):
    TOTAL = "total", _("各类事件合计")
    SAME_TYPE = "same_type", _("同一类型事件")
