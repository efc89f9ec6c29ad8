"""Choices of institutional care (机构养老): kinds of home, beds, stays, the nine GB 38600 risks."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InstitutionKind(models.TextChoices):
    PUBLIC = "public", _("公办")
    PRIVATE = "private", _("民办")
    PUBLIC_PRIVATE = "public_private", _("公建民营")


class LicenceKind(models.TextChoices):
    """Since 2019 a home is filed (备案) with civil affairs; older homes hold a 设立许可证."""

    FILING = "filing", _("备案")
    LICENCE = "licence", _("设立许可")


class MedicalIntegration(models.TextChoices):
    NONE = "", _("无")
    INTERNAL = "internal", _("内设医疗机构")
    CONTRACTED = "contracted", _("与医疗机构签约合作")


class BedKind(models.TextChoices):
    CARE = "care", _("养护床位")
    NURSING = "nursing", _("护理型床位")
    DEMENTIA = "dementia", _("认知障碍照护床位")


class BedStatus(models.TextChoices):
    """The bed as a place; whether someone sleeps in it on a day comes from the bed assignments."""

    IN_USE = "in_use", _("可用")
    MAINTENANCE = "maintenance", _("维修停用")
    RETIRED = "retired", _("撤销")


class StayKind(models.TextChoices):
    LONG = "long", _("长期入住")
    SHORT = "short", _("短期托养")
    SEASONAL = "seasonal", _("季节性入住（候鸟式）")


class StayStatus(models.TextChoices):
    RESIDENT = "resident", _("在院")
    DISCHARGED = "discharged", _("已离院")


class DischargeReason(models.TextChoices):
    HOME = "home", _("返家")
    HOSPITAL = "hospital", _("转医院")
    TRANSFER = "transfer", _("转其他机构")
    DEATH = "death", _("死亡")


class CareLevel(models.TextChoices):
    """护理等级 agreed in the contract (GB/T 42195 levels map onto it; the home decides)."""

    SELF_CARE = "self_care", _("自理")
    LEVEL_1 = "level_1", _("一级护理")
    LEVEL_2 = "level_2", _("二级护理")
    LEVEL_3 = "level_3", _("三级护理")
    SPECIAL = "special", _("特级护理")


class Risk(models.TextChoices):
    """GB 38600-2019 Chapter 6 服务防护: the nine risks to assess and prevent (九防)."""

    CHOKING = "choking", _("噎食")
    MISINGESTION = "misingestion", _("食品药品误食")
    PRESSURE_SORE = "pressure_sore", _("压疮")
    SCALD = "scald", _("烫伤")
    BED_FALL = "bed_fall", _("坠床")
    FALL = "fall", _("跌倒")
    HARM = "harm", _("他伤和自伤")
    WANDERING = "wandering", _("走失")
    ACTIVITY = "activity", _("文娱活动意外")


class RiskLevel(models.IntegerChoices):
    NONE = 0, _("无")
    LOW = 1, _("低")
    MEDIUM = 2, _("中")
    HIGH = 3, _("高")


class RiskAssessmentReason(models.TextChoices):
    ADMISSION = "admission", _("入住前评估")
    CHANGE = "change", _("状况变化再评估")
    INCIDENT = "incident", _("发生事件后调整")
    PERIODIC = "periodic", _("定期评估")


class Shift(models.TextChoices):
    DAY = "day", _("白班")
    NIGHT = "night", _("夜班")


class InspectionStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    CLOSED = "closed", _("已结案")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    RECTIFIED = "rectified", _("已整改待复查")
    VERIFIED = "verified", _("复查通过")
    ESCALATED = "escalated", _("逾期已督办")


class FindingSeverity(models.TextChoices):
    """How grave an inspection finding is: the scorecard rules (complaints.ScoreRule) weigh it."""

    GENERAL = "general", _("一般")
    MAJOR = "major", _("较重")
    SERIOUS = "serious", _("严重")


class ScoringArea(models.TextChoices):
    """GB/T 37276-2018 scoring areas (total 1000)."""

    ENVIRONMENT = "environment", _("环境")
    FACILITIES = "facilities", _("设施设备")
    MANAGEMENT = "management", _("运营管理")
    SERVICE = "service", _("服务")


class SubsidyKind(models.TextChoices):
    CONSTRUCTION = "construction", _("建设补贴（每张新增床位）")
    OPERATING = "operating", _("运营补贴（每张入住床位每月）")


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("已计算")
    REVIEWED = "reviewed", _("已审核")
    APPROVED = "approved", _("已批准")
