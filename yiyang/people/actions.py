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
from yiyang.core import audit, crypto
from yiyang.core.idnumber import IdNumber
from yiyang.core.models import AccessLog, AuditEntry
from yiyang.core.scoping import allowed, is_in_scope, require
from yiyang.core.workflow import locked
from yiyang.people import lifecycle, residence, stats
from yiyang.people.certifications import categories_on
from yiyang.people.choices import ElderStatus, LivingSituation
from yiyang.people.eligibility import refusal, registry_rule
from yiyang.people.models import Certification, Elder, ElderContact

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
    hukou_date: datetime.date | None = None  # 户籍迁入/迁出日期, when ``hukou_local`` changes (default today)
    extra: dict[str, Any] = field(default_factory=dict)


def _fill(elder: Elder, data: ElderData) -> None:
    elder.set_id_number(data.id_number)
    elder.set_name(data.name)
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
    elder.status_note = data.status_note


def _check_area(actor: Any, area: Area, action: str) -> None:
    """The elder's new area must be one where the actor may ``action`` an elder (asked at the door)."""
    if actor is not None and not allowed(actor, action, Elder(area=area, area_path=area.path)):
        raise ValidationError({"area": _("只能登记到您管辖的社区或网格")})


def _check_age(data: ElderData) -> None:
    """Only people of the registry's age are registered as elders (people.eligibility)."""
    short = registry_rule().shortfall(
        data.id_number.birth_date, today=timezone.localdate(), disabled=bool(data.disability_grade)
    )
    if short is not None:
        raise ValidationError({"id_number": refusal(*short)})


@transaction.atomic
def elder_create(*, data: ElderData, actor: Any) -> Elder:
    require(actor, "add", Elder)
    _check_area(actor, data.area, "add")
    _check_age(data)
    elder = Elder()
    _fill(elder, data)
    elder.status, elder.status_date = data.status, data.status_date
    if Elder.objects.filter(id_number_hash__in=crypto.lookup_hashes(data.id_number.value)).exists():
        raise ValidationError({"id_number": _("该身份证号已登记，请勿重复登记")})
    elder.save()
    if elder.status != ElderStatus.LIVING:  # registered after the event: its date is history already
        residence.ensure_baseline(
            elder, status=elder.status, status_date=elder.status_date, hukou_local=elder.hukou_local
        )
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
def elder_update(*, elder: Elder, data: ElderData, actor: Any, source: str = "编辑表单") -> Elder:
    """编辑: the record as the form (or the API's PUT) gives it. A changed status goes through the
    same steps as ``elder_set_status`` (history, stopping payment, recovery); a changed 户籍 is
    recorded in the history from ``data.hukou_date``."""
    require(actor, "change", elder)
    _check_area(actor, data.area, "change")
    locked(elder)  # decide on the row as it is now: another door may have just changed the status
    today = timezone.localdate()
    before, before_key = audit.snapshot(elder), stats.elder_stat_key(elder, today)
    was = (elder.status, elder.status_date, elder.hukou_local)
    if elder.id_number_hash not in crypto.lookup_hashes(data.id_number.value):
        _check_age(data)  # another person's number: as a new registration
    _fill(elder, data)
    clash = Elder.objects.filter(id_number_hash__in=crypto.lookup_hashes(data.id_number.value)).exclude(
        pk=elder.pk
    )
    if clash.exists():
        raise ValidationError({"id_number": _("该身份证号已登记在另一条记录上")})
    if elder.hukou_local != was[2]:
        on = data.hukou_date or today
        _check_date(elder, on, "hukou_date")
        residence.record_hukou(
            elder, before=was, hukou_local=elder.hukou_local, on=on, source=source, note=data.status_note
        )
    change = _status_change(
        elder,
        was=was,
        status=data.status,
        on=data.status_date,
        note=data.status_note,
        actor=actor,
        source=source,
    )
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
    if change is not None:
        lifecycle.notify(change)
    return elder


def _check_date(elder: Elder, on: datetime.date, field_name: str) -> None:
    if on > timezone.localdate():
        raise ValidationError({field_name: _("日期不能晚于今天")})
    if on < elder.birth_date:
        raise ValidationError({field_name: _("日期不能早于出生日期")})


def _status_change(
    elder: Elder,
    *,
    was: tuple[str, datetime.date | None, bool],
    status: str,
    on: datetime.date | None,
    note: str,
    actor: Any,
    source: str,
) -> lifecycle.StatusChange | None:
    """Record ``status`` from ``on`` on the locked ``elder`` (history and fields, not yet saved);
    None when it is what the row already says — the same death recorded again through another
    door, or a retried request, changes nothing and starts nothing."""
    if status not in ElderStatus.values:
        raise ValidationError({"status": _("状态无效")})
    before_status, before_date, _hukou = was
    if status != ElderStatus.LIVING and on is None:
        raise ValidationError({"status_date": _("请填写死亡或迁出日期")})
    if status == before_status and (status == ElderStatus.LIVING or on == before_date):
        return None
    on = on or timezone.localdate()
    _check_date(elder, on, "status_date")
    if (
        status == ElderStatus.LIVING
        and before_status == ElderStatus.MOVED
        and before_date
        and on < before_date
    ):
        raise ValidationError({"status_date": _("迁回日期不能早于迁出日期")})
    residence.record_status(elder, before=was, status=status, on=on, source=source, note=note)
    elder.status, elder.status_date = status, (on if status != ElderStatus.LIVING else None)
    return lifecycle.StatusChange(
        elder=elder,
        before_status=before_status,
        before_date=before_date,
        status=status,
        on=on,
        actor=actor,
        note=note,
        source=source,
    )


@transaction.atomic
def elder_set_status(
    *,
    elder: Elder,
    status: str,
    date: datetime.date | None,
    note: str,
    actor: Any,
    source: str = "老年人页面",
) -> Elder:
    """登记死亡 / 迁出 / 迁回（恢复在册）: the one action for a status change, whichever door calls it
    (the elder's page, the edit form through ``elder_update``, the API, a death or move-out list).

    Decided on the elder's locked row: the same fact recorded twice (two doors, a retried request)
    changes nothing the second time. Otherwise the dated history is written and the registered
    listeners act in the same transaction (benefits: stop payment from the next month, recover what
    was paid after). ``date`` is the day of the death or move; for a return it defaults to today, and
    taking back a death recorded by mistake undoes it from its date.
    """
    require(actor, "change", elder)
    locked(elder)
    today = timezone.localdate()
    before, before_key = audit.snapshot(elder), stats.elder_stat_key(elder, today)
    was = (elder.status, elder.status_date, elder.hukou_local)
    change = _status_change(elder, was=was, status=status, on=date, note=note, actor=actor, source=source)
    if change is None:
        return elder
    elder.status_note = note[:200]
    elder.save(update_fields=["status", "status_date", "status_note", "updated_at"])
    audit.record_change(
        actor=actor,
        obj=elder,
        action=AuditEntry.Action.WORKFLOW,
        verb=f"elder.status.{status}",
        before=before,
        after=audit.snapshot(elder),
        message=note or source,
    )
    stats.apply_change(before_key, stats.elder_stat_key(elder, today))
    lifecycle.notify(change)
    return elder


def record_imported_changes(
    changes: list[tuple[int, tuple[str, datetime.date | None, bool], tuple[str, datetime.date | None, bool]]],
    *,
    actor: Any,
    source: str = "批量导入",
) -> None:
    """The registry import's door (set-based: it has already written the elder rows): for the few
    elders whose status or 户籍 it changed, ``(elder id, (status, date, 户籍) before, after)``, write
    the dated history and start what a status change starts (the listeners: benefits stops payment
    and recovers), as ``elder_set_status`` does for one elder. Inside the import's transaction."""
    today = timezone.localdate()
    for elder_id, was, now in changes:
        elder = Elder.objects.select_for_update().get(pk=elder_id)
        status, on, hukou = now
        if hukou != was[2]:
            residence.record_hukou(elder, before=was, hukou_local=hukou, on=today, source=source, note="")
        if status == was[0] and (status == ElderStatus.LIVING or on == was[1]):
            continue
        effective = on if on is not None and status != ElderStatus.LIVING else today
        residence.record_status(elder, before=was, status=status, on=effective, source=source, note="")
        lifecycle.notify(
            lifecycle.StatusChange(
                elder=elder,
                before_status=was[0],
                before_date=was[1],
                status=status,
                on=effective,
                actor=actor,
                note="",
                source=source,
            )
        )


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


@transaction.atomic
def elder_set_living_situation(*, elder: Elder, living_situation: str, actor: Any, reason: str) -> Elder:
    """居住情况 from another module's fact (admitted to or discharged from a care home)."""
    require(actor, "view", elder)  # the calling module checked its own permission
    if living_situation not in LivingSituation.values:
        raise ValidationError({"living_situation": _("居住情况无效")})
    if living_situation == elder.living_situation:
        return elder
    today = timezone.localdate()
    before, before_key = audit.snapshot(elder), stats.elder_stat_key(elder, today)
    elder.living_situation = living_situation
    elder.save(update_fields=["living_situation", "updated_at"])
    audit.record_change(
        actor=actor,
        obj=elder,
        action=AuditEntry.Action.WORKFLOW,
        verb="elder.living_situation",
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
