"""Choices of the 优待证 and 银龄安康 records."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CardStatus(models.TextChoices):
    VALID = "valid", _("有效")
    VOID = "void", _("已作废")
    CANCELLED = "cancelled", _("已注销")


class CardBasis(models.TextChoices):
    HUKOU = "hukou", _("本地户籍")
    PERMIT = "permit", _("居住证")


class VoidReason(models.TextChoices):
    LOST = "lost", _("遗失补办")
    DAMAGED = "damaged", _("损坏换证")
    EXPIRED = "expired", _("到期换证")


class Payer(models.TextChoices):
    GOVERNMENT = "government", _("政府代缴")
    SELF = "self", _("个人自愿")


class InsuredGroup(models.TextChoices):
    TEKUN = "tekun", _("特困")
    DIBAO = "dibao", _("低保")
    AGED = "aged", _("高龄")
    VOLUNTARY = "voluntary", _("自愿参保")


class EnrolmentSource(models.TextChoices):
    GENERATED = "generated", _("按规则生成")
    IMPORTED = "imported", _("保险公司名单导入")
    MANUAL = "manual", _("手工登记")


class ClaimKind(models.TextChoices):
    MEDICAL = "medical", _("意外伤害医疗")
    DISABILITY = "disability", _("意外伤残")
    DEATH = "death", _("意外身故")


class ClaimStatus(models.TextChoices):
    REPORTED = "reported", _("已报案")
    PAID = "paid", _("已赔付")
    REJECTED = "rejected", _("拒赔")
