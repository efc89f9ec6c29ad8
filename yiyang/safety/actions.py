"""Writes of the safety module: each action is atomic, checks permission and scope, and audits.

The alarm workflow runs new → acknowledged → contacting → dispatched → on_site → closed, stamping
the time of each step; the service-level page reads those stamps.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.core import audit
from yiyang.core.i18n import records_language, stored
from yiyang.core.models import AccessLog, AuditEntry
from yiyang.core.scoping import require
from yiyang.core.workflow import locked
from yiyang.people.models import Elder, ElderContact
from yiyang.safety.choices import (
    AlarmOutcome,
    AlarmStatus,
    CalleeKind,
    CallOutcome,
    CheckInMethod,
    DispatchTarget,
    TaskStatus,
)
from yiyang.safety.models import Alarm, AlarmCall, CheckIn, Device, DeviceTest, MaintenanceTask

_STEP_FIELDS = (
    "status",
    "acknowledged_at",
    "contacting_at",
    "reached_at",
    "elder_reached_at",
    "dispatched_at",
    "dispatch_target",
    "dispatch_to",
    "on_site_at",
    "closed_at",
    "outcome",
    "notes",
)


# -- devices -----------------------------------------------------------------------------------------


@transaction.atomic
def device_save(*, device: Device, actor: Any) -> Device:
    """Install (new) or edit a device; a new device counts as active from its installation."""
    creating = device.pk is None
    action = "add" if creating else "change"
    require(actor, action, device)  # as stored (or, new, as given)
    before = None if creating else audit.snapshot(Device.objects.get(pk=device.pk))
    if creating and device.last_activity_at is None:
        device.last_activity_at = timezone.now()
    device.save()
    require(actor, action, device)  # and as saved: never moved to another area's elder
    audit.record_change(
        actor=actor,
        obj=device,
        action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
        verb="device.install" if creating else "device.update",
        before=before,
        after=audit.snapshot(device),
        message=f"安装{stored(device)}" if creating else "",
    )
    return device


@transaction.atomic
def device_test_record(
    *, device: Device, tested_on: datetime.date, passed: bool, note: str = "", actor: Any
) -> DeviceTest:
    require(actor, "add", DeviceTest(device=device))
    test = DeviceTest.objects.create(
        device=device, tested_on=tested_on, passed=passed, note=note, tested_by=str(actor)
    )
    if device.last_tested_on is None or tested_on > device.last_tested_on:
        Device.objects.filter(pk=device.pk).update(last_tested_on=tested_on)
    audit.record_change(
        actor=actor, obj=test, action=AuditEntry.Action.CREATE, verb="device.test", after=audit.snapshot(test)
    )
    return test


@transaction.atomic
def maintenance_task_close(*, task: MaintenanceTask, note: str, actor: Any) -> MaintenanceTask:
    require(actor, "change", task)
    locked(task)
    if task.status != TaskStatus.OPEN:
        raise ValidationError(_("任务已完成"))
    before = audit.snapshot(task)
    task.status, task.closed_at, task.closed_by, task.note = (
        TaskStatus.DONE,
        timezone.now(),
        actor,
        note[:200],
    )
    task.save()
    audit.record_change(
        actor=actor,
        obj=task,
        action=AuditEntry.Action.WORKFLOW,
        verb="maintenance.close",
        before=before,
        after=audit.snapshot(task),
    )
    return task


# -- the alarm workflow ------------------------------------------------------------------------------


def _locked(alarm: Alarm, actor: Any) -> Alarm:
    require(actor, "change", alarm)
    return Alarm.objects.select_for_update().select_related("elder").get(pk=alarm.pk)


def _record(alarm: Alarm, actor: Any, verb: str, before: dict[str, Any], message: str = "") -> None:
    after = {k: v for k, v in audit.snapshot(alarm).items() if k in _STEP_FIELDS}
    audit.record_change(
        actor=actor,
        obj=alarm,
        action=AuditEntry.Action.WORKFLOW,
        verb=verb,
        before={k: v for k, v in before.items() if k in _STEP_FIELDS},
        after=after,
        message=message,
    )


def _expect(alarm: Alarm, *statuses: str) -> None:
    if alarm.status not in statuses:
        raise ValidationError(
            _("告警当前为“%(status)s”，不能执行该操作") % {"status": alarm.get_status_display()}
        )


@transaction.atomic
def alarm_acknowledge(*, alarm: Alarm, actor: Any, now: datetime.datetime | None = None) -> Alarm:
    alarm = _locked(alarm, actor)
    _expect(alarm, AlarmStatus.NEW)
    before = audit.snapshot(alarm)
    alarm.status, alarm.acknowledged_at, alarm.acknowledged_by = (
        AlarmStatus.ACKNOWLEDGED,
        now or timezone.now(),
        actor,
    )
    alarm.save()
    _record(alarm, actor, "alarm.acknowledge", before, "接警")
    return alarm


@transaction.atomic
def alarm_call(
    *,
    alarm: Alarm,
    outcome: str,
    actor: Any,
    contact: ElderContact | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> AlarmCall:
    """Log one call: to the elder (no contact) or to one of the elder's contacts."""
    alarm = _locked(alarm, actor)
    _expect(
        alarm, AlarmStatus.ACKNOWLEDGED, AlarmStatus.CONTACTING, AlarmStatus.DISPATCHED, AlarmStatus.ON_SITE
    )
    if outcome not in CallOutcome.values:
        raise ValidationError(_("请选择通话结果"))
    if contact is not None and contact.elder_id != alarm.elder_id:
        raise ValidationError(_("联系人不属于该老人"))
    now = now or timezone.now()
    before = audit.snapshot(alarm)
    elder: Elder = alarm.elder
    relation = "本人"
    if contact is not None:
        with records_language():  # saved with the call: Chinese whatever the operator's language
            relation = contact.get_relation_display()
    call = AlarmCall.objects.create(
        alarm=alarm,
        callee_kind=CalleeKind.CONTACT if contact else CalleeKind.ELDER,
        contact=contact,
        callee_name=contact.name if contact else elder.name,
        relation=relation,
        is_keyholder=bool(contact and contact.is_keyholder),
        phone_masked=contact.phone_masked if contact else elder.phone_masked,
        outcome=outcome,
        called_at=now,
        called_by=actor,
        note=note[:200],
    )
    if alarm.status == AlarmStatus.ACKNOWLEDGED:
        alarm.status = AlarmStatus.CONTACTING
    alarm.contacting_at = alarm.contacting_at or now
    if outcome == CallOutcome.REACHED:
        alarm.reached_at = alarm.reached_at or now
        if contact is None:
            alarm.elder_reached_at = alarm.elder_reached_at or now
    alarm.save()
    _record(
        alarm,
        actor,
        "alarm.call",
        before,
        f"致电{call.callee_name}（{call.relation}）：{stored(CallOutcome(outcome).label)}",
    )
    return call


@transaction.atomic
def alarm_dispatch(
    *, alarm: Alarm, target: str, to: str = "", actor: Any, now: datetime.datetime | None = None
) -> Alarm:
    alarm = _locked(alarm, actor)
    _expect(alarm, AlarmStatus.ACKNOWLEDGED, AlarmStatus.CONTACTING)
    if target not in DispatchTarget.values:
        raise ValidationError(_("请选择派遣对象"))
    before = audit.snapshot(alarm)
    alarm.status, alarm.dispatched_at = AlarmStatus.DISPATCHED, now or timezone.now()
    alarm.dispatch_target, alarm.dispatch_to = target, to[:100]
    alarm.save()
    _record(
        alarm, actor, "alarm.dispatch", before, f"派遣{stored(DispatchTarget(target).label)} {to}".strip()
    )
    return alarm


@transaction.atomic
def alarm_arrive(*, alarm: Alarm, actor: Any, note: str = "", now: datetime.datetime | None = None) -> Alarm:
    alarm = _locked(alarm, actor)
    _expect(alarm, AlarmStatus.DISPATCHED)
    before = audit.snapshot(alarm)
    alarm.status, alarm.on_site_at = AlarmStatus.ON_SITE, now or timezone.now()
    if note:
        alarm.notes = (alarm.notes + "\n" + note).strip()
    alarm.save()
    _record(alarm, actor, "alarm.arrive", before, "已到场")
    return alarm


@transaction.atomic
def alarm_close(
    *, alarm: Alarm, outcome: str, notes: str, actor: Any, now: datetime.datetime | None = None
) -> Alarm:
    alarm = _locked(alarm, actor)
    _expect(
        alarm, AlarmStatus.ACKNOWLEDGED, AlarmStatus.CONTACTING, AlarmStatus.DISPATCHED, AlarmStatus.ON_SITE
    )
    if outcome not in AlarmOutcome.values:
        raise ValidationError(_("请选择处置结果"))
    if len(notes.strip()) < 2:
        raise ValidationError(_("请填写处置记录"))
    before = audit.snapshot(alarm)
    alarm.status, alarm.closed_at, alarm.closed_by = AlarmStatus.CLOSED, now or timezone.now(), actor
    alarm.outcome = outcome
    alarm.notes = (alarm.notes + "\n" + notes.strip()).strip()
    alarm.save()
    _record(alarm, actor, "alarm.close", before, f"关闭：{stored(AlarmOutcome(outcome).label)}")
    return alarm


def contact_phone_reveal(*, contact: ElderContact, reason: str, actor: Any) -> str:
    """A contact's number in clear for the operator who must call it; logged like ``elder_reveal``."""
    require(actor, "reveal", contact.elder)
    if len(reason.strip()) < 2:
        raise ValidationError(_("请填写查看事由"))
    audit.record_access(
        actor=actor,
        kind=AccessLog.Kind.REVEAL,
        object_type="people.eldercontact",
        object_id=str(contact.pk),
        subject_id=contact.elder_id,
        area_path=contact.elder.area_path,
        fields=["phone"],
        reason=reason.strip(),
    )
    return contact.phone


# -- daily check-in ----------------------------------------------------------------------------------


@transaction.atomic
def checkin_record(
    *, elder: Elder, method: str, actor: Any, note: str = "", now: datetime.datetime | None = None
) -> CheckIn:
    """Log that the elder is fine today (a volunteer's or worker's call or visit)."""
    require(actor, "add", CheckIn(elder=elder))
    if method not in CheckInMethod.values:
        raise ValidationError(_("请选择签到方式"))
    now = now or timezone.now()
    day = timezone.localdate(now)
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                elder=elder, day=day, at=now, method=method, recorded_by=actor, note=note[:200]
            )
    except IntegrityError:
        raise ValidationError(_("今天已签到")) from None
    audit.record_change(
        actor=actor,
        obj=checkin,
        action=AuditEntry.Action.CREATE,
        verb="checkin.record",
        after=audit.snapshot(checkin),
    )
    return checkin
