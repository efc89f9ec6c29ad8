"""Choices of home adaptation (适老化改造)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from yiyang.people.choices import EconomicCategory


class Status(models.TextChoices):
    ENROLLED = "enrolled", _("待勘查")
    SURVEYED = "surveyed", _("待审批")
    APPROVED = "approved", _("待指派")
    ASSIGNED = "assigned", _("施工中")
    WORKS_DONE = "works_done", _("待验收")
    ACCEPTED = "accepted", _("待付款")
    PAID = "paid", _("已付款")
    OPTED_OUT = "opted_out", _("已放弃")


#: Before the works are done a household may still opt out.
OPEN_FOR_OPT_OUT = (Status.ENROLLED, Status.SURVEYED, Status.APPROVED, Status.ASSIGNED)
#: Accepted works: their use is checked 3–6 months later.
ACCEPTED_STATES = (Status.ACCEPTED, Status.PAID)

#: The registry's categories whose households are adapted at public cost (seeds 001, 004).
ELIGIBLE_CATEGORIES = (
    EconomicCategory.DIBAO,
    EconomicCategory.DIBIAN,
    EconomicCategory.SANLAO,
    EconomicCategory.TEKUN,
)


class Category(models.TextChoices):
    DIBAO = EconomicCategory.DIBAO.value, _("低保")
    DIBIAN = EconomicCategory.DIBIAN.value, _("低边")
    SANLAO = EconomicCategory.SANLAO.value, _("三老")
    TEKUN = EconomicCategory.TEKUN.value, _("特困")
    APPLICATION = "application", _("自主申请")


class Source(models.TextChoices):
    REGISTRY = "registry", _("台账筛选")
    APPLICATION = "application", _("个人申请")


class PhotoStage(models.TextChoices):
    BEFORE = "before", _("施工前")
    AFTER = "after", _("施工后")


class Acceptor(models.TextChoices):
    STREET = "street", _("街道")
    THIRD_PARTY = "third_party", _("第三方机构")


class OptOutReason(models.TextChoices):
    INSTITUTION = "institution", _("已入住养老机构")
    UNWILLING = "unwilling", _("本人不愿改造")
    FAMILY = "family", _("家属自行改造")
    MOVED = "moved", _("已搬离")
    DECEASED = "deceased", _("已去世")
    OTHER = "other", _("其他")


class UseResult(models.TextChoices):
    IN_USE = "in_use", _("正常使用")
    PARTLY = "partly", _("部分使用")
    NOT_USED = "not_used", _("未使用")
    REMOVED = "removed", _("已拆除")
