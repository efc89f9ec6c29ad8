"""Writes to the registry. Each action is atomic, re-checks scope and writes its own audit row."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiyang.areas.models import Area
from yiyang.core import audit
from yiyang.core.idnumber import IdNumber
from yiyang.core.models import AccessLog, AuditEntry
from yiyang.core.scoping import allowed, is_in_scope, require
from yiyang.people import stats
from yiyang.people.certifications import categories_on
from yiyang.people.models import Certification, Elder, ElderContact
from yiyang.people.pinyin import name_pinyin

REVEALABLE = {
    "id_number": gettext_lazy("身份证号"),
    "phone": gettext_lazy("联系电话"),
    "health": gettext_lazy("健康状况"),
}


@dataclass
class ElderData:
    """The editable facts of an elder, already validated (forms and the importer build this)."""

    id_number: IdNumber
    name: str
    area: Area
    ethnicity: str = "汉族"
    phone: str = ""
    address: str = ""
    hukou_local: bool = True
    hukou_address: str = ""
    living_situation: str = "with_family"
    health: str = ""
    disability_grade: str = ""
    status: str = "living"
    status_date: datetime.date | None = None
    status_note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _fill(elder: Elder, data: ElderData) -> None:
    elder.set_id_number(data.id_number)
    elder.name = data.name
    elder.name_pinyin, elder.name_initials = name_pinyin(data.name)
    elder.sex = data.id_number.sex
    elder.birth_date = data.id_number.birth_date
    elder.ethnicity = data.ethnicity
    if data.phone != (elder.phone if elder.phone_enc else ""):
        elder.set_phone(data.phone)
    elder.address = data.address
    elder.area = data.area
    elder.hukou_local = data.hukou_local
    elder.hukou_address = data.hukou_address
    elder.living_situation = data.living_situation
    if data.health != (elder.health if elder.health_enc else ""):
        elder.set_health(data.health)
    elder.disability_grade = data.disability_grade
    elder.status = data.status
    elder.status_date = data.status_date
    elder.status_note = data.status_note


def _check_area(actor: Any, area: Area, action: str) -> None:
    """The elder's new area must be one where the actor may ``action`` an elder (asked at the door)."""
    if actor is not None and not allowed(actor, action, Elder(area=area, area_path=area.path)):
        raise ValidationError({"area": _("只能登记到您管辖的社区或网格")})


@transaction.atomic
def elder_create(*, data: ElderData, actor: Any) -> Elder:
    require(actor, "add", Elder)
    _check_area(actor, data.area, "add")
    elder = Elder()
    _fill(elder, data)
    if Elder.objects.filter(id_number_hash=elder.id_number_hash).exists():
        raise ValidationError({"id_number": _("该身份证号已登记，请勿重复登记")})
    elder.save()
    audit.record_change(
        actor=actor,
        obj=elder,
        action=AuditEntry.Action.CREATE,
        verb="elder.create",
        after=audit.snapshot(elder),
    )
    stats.apply_change(None, stats.elder_stat_key(elder, timezone.localdate()))
    return elder


@transaction.atomic
def elder_update(*, elder: Elder, data: ElderData, actor: Any) -> Elder:
    require(actor, "change", elder)
    _check_area(actor, data.area, "change")
    today = timezone.localdate()
    before, before_key = audit.snapshot(elder), stats.elder_stat_key(elder, today)
    _fill(elder, data)
    clash = Elder.objects.filter(id_number_hash=elder.id_number_hash).exclude(pk=elder.pk)
    if clash.exists():
        raise ValidationError({"id_number": _("该身份证号已登记在另一条记录上")})
    elder.save()
    if not is_in_scope(actor, elder, "change"):
        raise ValidationError({"area": _("不能把记录移出您的管辖范围")})
    audit.record_change(
        actor=actor,
        obj=elder,
        action=AuditEntry.Action.UPDATE,
        verb="elder.update",
        before=before,
        after=audit.snapshot(elder),
    )
    stats.apply_change(before_key, stats.elder_stat_key(elder, today))
    return elder


@transaction.atomic
def elder_set_status(
    *, elder: Elder, status: str, date: datetime.date | None, note: str, actor: Any
) -> Elder:
    """登记死亡 / 迁出 / 恢复在册. Later modules stop payments and services from this fact."""
    require(actor, "change", elder)
    if status != "living" and date is None:
        raise ValidationError({"status_date": _("请填写死亡或迁出日期")})
    if date and date > timezone.localdate():
        raise ValidationError({"status_date": _("日期不能晚于今天")})
    today = timezone.localdate()
    before, before_key = audit.snapshot(elder), stats.elder_stat_key(elder, today)
    elder.status, elder.status_date, elder.status_note = status, date, note
    elder.save(update_fields=["status", "status_date", "status_note", "updated_at"])
    audit.record_change(
        actor=actor,
        obj=elder,
        action=AuditEntry.Action.WORKFLOW,
        verb=f"elder.status.{status}",
        before=before,
        after=audit.snapshot(elder),
        message=note,
    )
    stats.apply_change(before_key, stats.elder_stat_key(elder, today))
    return elder


@transaction.atomic
def elder_set_capability_level(*, elder: Elder, level: int | None, actor: Any, reason: str) -> Elder:
    """能力等级 from a confirmed assessment (GB/T 42195 final level 0–4); other modules call this."""
    require(actor, "view", elder)  # the calling module checked its own permission
    if level is not None and not 0 <= level <= 4:
        raise ValidationError({"capability_level": _("能力等级应为 0–4")})
    if level == elder.capability_level:
        return elder
    today = timezone.localdate()
    before, before_key = audit.snapshot(elder), stats.elder_stat_key(elder, today)
    elder.capability_level = level
    elder.save(update_fields=["capability_level", "updated_at"])
    audit.record_change(
        actor=actor,
        obj=elder,
        action=AuditEntry.Action.WORKFLOW,
        verb="elder.capability_level",
        before=before,
        after=audit.snapshot(elder),
        message=reason,
    )
    stats.apply_change(before_key, stats.elder_stat_key(elder, today))
    return elder


def elder_reveal(*, elder: Elder, field_name: str, reason: str, actor: Any) -> str:
    """The clear value of a masked field; the reason is required and the reveal is logged."""
    require(actor, "reveal", elder)
    if field_name not in REVEALABLE:
        raise ValidationError(_("不支持查看该字段"))
    reason = reason.strip()
    if len(reason) < 2:
        raise ValidationError(_("请填写查看事由"))
    audit.record_access(
        actor=actor,
        kind=AccessLog.Kind.REVEAL,
        object_type="people.elder",
        object_id=str(elder.pk),
        subject_id=elder.pk,
        area_path=elder.area_path,
        fields=[field_name],
        reason=reason,
    )
    return str(getattr(elder, field_name))


# -- certifications ---------------------------------------------------------------------------------


def _refresh_elder_categories(elder: Elder, before_key: stats.StatKey | None) -> None:
    today = timezone.localdate()
    value = categories_on(elder, today)
    if value != elder.categories:
        elder.categories = value
        elder.save(update_fields=["categories", "updated_at"])
    stats.apply_change(before_key, stats.elder_stat_key(elder, today))


@transaction.atomic
def certification_save(*, certification: Certification, actor: Any) -> Certification:
    creating = certification.pk is None
    require(actor, "add" if creating else "change", certification)
    elder = certification.elder
    before = None if creating else audit.snapshot(Certification.objects.get(pk=certification.pk))
    before_key = stats.elder_stat_key(elder, timezone.localdate())
    certification.full_clean()
    certification.save()
    audit.record_change(
        actor=actor,
        obj=certification,
        action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
        verb="certification.create" if creating else "certification.update",
        before=before,
        after=audit.snapshot(certification),
    )
    _refresh_elder_categories(elder, before_key)
    return certification


@transaction.atomic
def certification_delete(*, certification: Certification, actor: Any) -> None:
    require(actor, "delete", certification)
    elder = certification.elder
    before_key = stats.elder_stat_key(elder, timezone.localdate())
    audit.record_change(
        actor=actor,
        obj=certification,
        action=AuditEntry.Action.DELETE,
        verb="certification.delete",
        before=audit.snapshot(certification),
    )
    certification.delete()
    _refresh_elder_categories(elder, before_key)


# -- contacts ---------------------------------------------------------------------------------------


@transaction.atomic
def contact_save(*, contact: ElderContact, phone: str | None, actor: Any) -> ElderContact:
    creating = contact.pk is None
    require(actor, "add" if creating else "change", contact)
    before = None if creating else audit.snapshot(ElderContact.objects.get(pk=contact.pk))
    if phone is not None:
        contact.set_phone(phone)
    contact.save()
    audit.record_change(
        actor=actor,
        obj=contact,
        action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
        verb="contact.create" if creating else "contact.update",
        before=before,
        after=audit.snapshot(contact),
    )
    return contact


@transaction.atomic
def contact_delete(*, contact: ElderContact, actor: Any) -> None:
    require(actor, "delete", contact)
    audit.record_change(
        actor=actor,
        obj=contact,
        action=AuditEntry.Action.DELETE,
        verb="contact.delete",
        before=audit.snapshot(contact),
    )
    contact.delete()
