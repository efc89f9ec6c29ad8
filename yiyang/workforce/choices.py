"""Choices of the care workforce: employers, posts, certificate levels, training and subsidy states."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmployerKind(models.TextChoices):
    PROVIDER = "provider", _("居家服务商")
    INSTITUTION = "institution", _("养老机构")
    CANTEEN = "canteen", _("助餐点")


class Post(models.TextChoices):
    CARER = "carer", _("养老护理员")
    HOME_AIDE = "home_aide", _("助老员")
    OTHER = "other", _("其他岗位")


class WorkerStatus(models.TextChoices):
    ACTIVE = "active", _("在岗")
    LEFT = "left", _("已离职")


class ExitReason(models.TextChoices):
    RESIGNED = "resigned", _("辞职")
    DISMISSED = "dismissed", _("解聘")
    RETIRED = "retired", _("退休")
    TRANSFERRED = "transferred", _("调离")
    OTHER = "other", _("其他")


class CertificateLevel(models.IntegerChoices):
    """养老护理员国家职业技能等级 (初级/中级/高级/技师), ranked: a higher level outranks a lower."""

    JUNIOR = 5, _("初级")
    MIDDLE = 4, _("中级")
    SENIOR = 3, _("高级")
    TECHNICIAN = 2, _("技师")


class ClassStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    RUNNING = "running", _("培训中")
    FINISHED = "finished", _("已结业")


class SubsidyKind(models.TextChoices):
    POST = "post", _("岗位补贴")
    SENIORITY = "seniority", _("工龄补贴")


class RollStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REVIEWED = "reviewed", _("已审核")
    APPROVED = "approved", _("已审批")
