"""Death and moving away: life-event lists, the stop of payment and the recovery of overpayments."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yiyang.benefits import rolls
from yiyang.benefits.choices import (
    LIFE_EVENT_REASONS,
    ChangeType,
    LifeEventKind,
    MatchStatus,
    RecoveryStatus,
    SuspensionReason,
)
from yiyang.benefits.dates import add_months, first_of, month_cn
from yiyang.benefits.models import (
    ArrearsMonth,
    LifeEventBatch,
    LifeEventRow,
    Recovery,
    RollLine,
    Suspension,
)
from yiyang.core import audit
from yiyang.core.i18n import stored
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.core.workflow import locked
from yiyang.people import actions as people_actions
from yiyang.people.lifecycle import StatusChange
from yiyang.people.models import Elder

# -- life events and recovery --------------------------------------------------------------------------------


@transaction.atomic
def life_event_row_decide(
    *, row: LifeEventRow, confirm: bool, actor: Any, elder: Elder | None = None
) -> LifeEventRow:
    """确认 / 否决 a proposed match (name + birth date); a confirmed row is applied with the others."""
    require(actor, "change", row.batch)
    locked(row)
    if row.status not in (MatchStatus.PROPOSED, MatchStatus.UNMATCHED, MatchStatus.MATCHED):
        raise ValidationError(_("该行已处理"))
    before = audit.snapshot(row)
    if confirm:
        target = elder or row.elder
        if target is None:
            raise ValidationError(_("请选择对应的老人"))
        require(actor, "view", target)
        row.elder, row.status = target, MatchStatus.CONFIRMED
    else:
        row.status = MatchStatus.REJECTED
    row.decided_by = actor
    row.save(update_fields=["elder", "status", "decided_by"])
    audit.record_change(
        actor=actor,
        obj=row,
        action=AuditEntry.Action.WORKFLOW,
        verb="lifeevent.confirm" if confirm else "lifeevent.reject",
        before=before,
        after=audit.snapshot(row),
    )
    return row


@transaction.atomic
def life_event_batch_apply(*, batch: LifeEventBatch, actor: Any) -> dict[str, int]:
    """Register the deaths / move-outs of matched (by ID) and confirmed rows through the one status
    action (``people.actions.elder_set_status``): payment stops and what was paid for months after
    the stop month goes to the recovery ledger, exactly as when the death is recorded on the elder's
    page, the edit form or the API — and a death already recorded there is not recorded twice.
    Proposed rows wait for a person."""
    require(actor, "change", batch)
    locked(batch)  # a second apply waits here, then finds the rows already applied
    applied = recoveries = skipped = 0
    rows = list(
        batch.rows.filter(status__in=[MatchStatus.MATCHED, MatchStatus.CONFIRMED]).select_related("elder")
    )
    mine = set(
        Elder.objects.for_user(actor, "change")
        .filter(pk__in={r.elder_id for r in rows})
        .values_list("pk", flat=True)
        if actor is not None
        else {r.elder_id for r in rows}
    )
    for row in rows:
        elder = row.elder
        if elder is None or row.event_date is None or elder.pk not in mine:
            skipped += 1
            continue
        try:
            with transaction.atomic():
                people_actions.elder_set_status(
                    elder=elder,
                    status=batch.kind,
                    date=row.event_date,
                    note=f"{stored(LifeEventKind(batch.kind).label)}（{batch.source}）第{row.row_number}行",
                    actor=actor,
                    source="死亡/迁出名单",
                )
        except ValidationError as exc:  # a date the registry refuses (before birth …): reported, not applied
            row.note = f"{row.note}；未处理：{'；'.join(exc.messages)}".lstrip("；")[:200]
            row.save(update_fields=["note"])
            skipped += 1
            continue
        row.status = MatchStatus.APPLIED
        row.decided_by = row.decided_by or actor
        row.save(update_fields=["status", "decided_by"])
        # The ledger names the list row, whichever door recorded the death first.
        recoveries += Recovery.objects.filter(elder=elder, stop_month=stop_month(row.event_date)).update(
            event_row=row
        )
        applied += 1
    batch.counts = {**batch.counts, "applied": batch.counts.get("applied", 0) + applied}
    batch.save(update_fields=["counts", "updated_at"])
    audit.record_change(
        actor=actor,
        obj=batch,
        action=AuditEntry.Action.WORKFLOW,
        verb="lifeevent.apply",
        after={"applied": applied, "recoveries": recoveries, "skipped": skipped},
        message=f"处理 {applied} 人，追回台账 {recoveries} 笔",
    )
    return {"applied": applied, "recoveries": recoveries, "skipped": skipped}


def stop_month(day: datetime.date) -> datetime.date:
    """Payment stops from the month after a death or move (the month itself is still paid)."""
    return add_months(day, 1)


# -- the stop of payment: one listener for every door --------------------------------------------------------


def on_status_change(change: StatusChange) -> None:
    """``people.lifecycle`` listener: a death or move stops payment and starts recovery; a return
    (迁回) restarts payment from its month; a death taken back as a mistake undoes both."""
    if change.stops:
        _payment_stop(change)
    else:
        _payment_restart(change)


def _life_suspension(elder: Elder) -> Suspension | None:
    return (
        Suspension.objects.select_for_update()
        .filter(elder=elder, reason__in=LIFE_EVENT_REASONS, resumed_month__isnull=True)
        .order_by("-from_month")
        .first()
    )


def _payment_stop(change: StatusChange) -> None:
    elder, actor = change.elder, change.actor
    stop = stop_month(change.on)
    label = "死亡" if change.status == SuspensionReason.DECEASED else "户籍迁出"
    notice = f"{change.on.year}年{change.on.month}月{change.on.day}日{label}，{month_cn(stop)}起停发（{change.source}）"
    suspension = _life_suspension(elder)
    if suspension is None:
        suspension = Suspension.objects.create(
            elder=elder,
            programme=None,
            reason=change.status,
            from_month=stop,
            pays_arrears=False,
            notice=notice,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record_change(
            actor=actor,
            obj=suspension,
            action=AuditEntry.Action.CREATE,
            verb="suspension.create",
            after=audit.snapshot(suspension),
            message=notice,
        )
        recovery_compute(elder=elder, stop_month=stop, actor=actor)
        return
    # A new record of the same absence (another date, or a death after a move): one suspension,
    # its recoveries restated for the new stop month.
    before, old_stop = audit.snapshot(suspension), suspension.from_month
    after_a_move = (
        change.before_status == SuspensionReason.MOVED and change.status == SuspensionReason.DECEASED
    )
    if not (after_a_move and change.before_date is not None and change.on > change.before_date):
        suspension.from_month = stop  # a corrected date; a death after a move keeps the move's stop
    suspension.reason, suspension.notice = change.status, notice
    suspension.save(update_fields=["from_month", "reason", "notice", "updated_at"])
    audit.record_change(
        actor=actor,
        obj=suspension,
        action=AuditEntry.Action.UPDATE,
        verb="suspension.update",
        before=before,
        after=audit.snapshot(suspension),
        message=notice,
    )
    _restate(elder=elder, old_stop=old_stop, new_stop=suspension.from_month, until=None, actor=actor)


def _payment_restart(change: StatusChange) -> None:
    """迁回 from ``change.on``: payment restarts from that month, and the months from then on are
    no longer owed back. A death taken back: nothing was ever suspended or owed."""
    elder, actor = change.elder, change.actor
    suspension = _life_suspension(elder)
    if suspension is None:
        return
    before = audit.snapshot(suspension)
    mistaken = change.before_status == SuspensionReason.DECEASED
    resume = suspension.from_month if mistaken else max(first_of(change.on), suspension.from_month)
    suspension.resumed_month = resume
    suspension.save(update_fields=["resumed_month", "updated_at"])
    audit.record_change(
        actor=actor,
        obj=suspension,
        action=AuditEntry.Action.WORKFLOW,
        verb="suspension.resume",
        before=before,
        after=audit.snapshot(suspension),
        message="死亡登记已撤销" if mistaken else f"{change.on:%Y-%m-%d}迁回，恢复发放",
    )
    _restate(
        elder=elder, old_stop=suspension.from_month, new_stop=suspension.from_month, until=resume, actor=actor
    )


def _restate(
    *, elder: Elder, old_stop: datetime.date, new_stop: datetime.date, until: datetime.date | None, actor: Any
) -> None:
    """Bring the recoveries of one absence in line with its (new) stop month and its end: the amount
    owed is what approved rolls paid for the months in between. Nothing is ever owed twice: a
    recovery is changed in place, and one whose months all turn out due is removed if nothing was
    repaid or waived yet (otherwise it keeps what was already settled)."""
    owed = overpayments(elder, new_stop, until=until)
    for recovery in Recovery.objects.select_for_update().filter(elder=elder, stop_month=old_stop):
        amount, months = owed.pop(recovery.programme_id, (Decimal(0), []))
        before = audit.snapshot(recovery)
        settled = recovery.repaid + recovery.waived
        if amount <= 0 and settled == 0:
            audit.record_change(
                actor=actor,
                obj=recovery,
                action=AuditEntry.Action.DELETE,
                verb="recovery.cancel",
                before=before,
                message="停发登记已更正，无多发金额",
            )
            recovery.delete()
            continue
        recovery.stop_month, recovery.owed = new_stop, max(amount, settled)
        recovery.months = _months_label(months) or recovery.months
        _settle(recovery)
        recovery.save(update_fields=["stop_month", "owed", "months", "status", "updated_at"])
        audit.record_change(
            actor=actor,
            obj=recovery,
            action=AuditEntry.Action.UPDATE,
            verb="recovery.restate",
            before=before,
            after=audit.snapshot(recovery),
            message=f"停发登记更正：多发 {recovery.months}",
        )
    if until is None:
        recovery_compute(elder=elder, stop_month=new_stop, actor=actor)


def overpayments(
    elder: Elder, stop_month: datetime.date, until: datetime.date | None = None
) -> dict[int, tuple[Decimal, list[datetime.date]]]:
    """Per programme: money paid in approved rolls for months from ``stop_month`` on (and before
    ``until``, the month payment is due again after a return)."""
    out: dict[int, tuple[Decimal, list[datetime.date]]] = {}
    lines = RollLine.objects.filter(
        elder=elder, month__gte=stop_month, roll__status__in=rolls.LOCKED, excluded=False, base_amount__gt=0
    ).exclude(change_type__in=[ChangeType.ADJUSTMENT, ChangeType.STOPPED])
    arrears = ArrearsMonth.objects.filter(
        elder=elder, month__gte=stop_month, line__roll__status__in=rolls.LOCKED
    )
    if until is not None:
        lines, arrears = lines.filter(month__lt=until), arrears.filter(month__lt=until)
    for programme_id, month, amount in lines.values_list("programme_id", "month", "base_amount"):
        total, months = out.get(programme_id, (Decimal(0), []))
        out[programme_id] = (total + amount, [*months, month])
    for programme_id, month, amount in arrears.values_list("programme_id", "month", "amount"):
        total, months = out.get(programme_id, (Decimal(0), []))
        out[programme_id] = (total + amount, [*months, month])
    return out


def _months_label(months: list[datetime.date]) -> str:
    return "、".join(f"{m.year}年{m.month}月" for m in sorted(months))[:200]


def recovery_compute(
    *, elder: Elder, stop_month: datetime.date, actor: Any, row: LifeEventRow | None = None
) -> list[Recovery]:
    """追回台账 for money paid after ``stop_month``: one row per programme and stop month (a second
    call finds it and adds nothing)."""
    made = []
    for programme_id, (owed, months) in overpayments(elder, stop_month).items():
        if owed <= 0:
            continue
        label = _months_label(months)
        recovery, created = Recovery.objects.get_or_create(
            elder=elder,
            programme_id=programme_id,
            stop_month=stop_month,
            defaults={"owed": owed, "months": label, "event_row": row, "area_path": elder.area_path},
        )
        if not created:
            continue
        audit.record_change(
            actor=actor,
            obj=recovery,
            action=AuditEntry.Action.CREATE,
            verb="recovery.create",
            after=audit.snapshot(recovery),
            message=f"多发 {label}",
        )
        made.append(recovery)
    return made


def _settle(recovery: Recovery) -> None:
    if recovery.outstanding <= 0:
        recovery.status = RecoveryStatus.SETTLED


@transaction.atomic
def recovery_repay(*, recovery: Recovery, amount: Decimal, actor: Any, note: str = "") -> Recovery:
    require(actor, "change", recovery)
    locked(recovery)
    if amount <= 0 or amount > recovery.outstanding:
        raise ValidationError(
            {"amount": _("金额应大于0且不超过未追回金额 %(amount)s 元") % {"amount": recovery.outstanding}}
        )
    before = audit.snapshot(recovery)
    recovery.repaid += amount
    _settle(recovery)
    recovery.save(update_fields=["repaid", "status", "updated_at"])
    audit.record_change(
        actor=actor,
        obj=recovery,
        action=AuditEntry.Action.WORKFLOW,
        verb="recovery.repay",
        before=before,
        after=audit.snapshot(recovery),
        message=note or f"追回 {amount} 元",
    )
    return recovery


@transaction.atomic
def recovery_request_waiver(*, recovery: Recovery, reason: str, actor: Any) -> Recovery:
    require(actor, "change", recovery)
    locked(recovery)
    if recovery.status != RecoveryStatus.OPEN:
        raise ValidationError(_("只有待追回的记录可以申请核销"))
    if len(reason.strip()) < 2:
        raise ValidationError({"reason": _("请填写核销理由")})
    before = audit.snapshot(recovery)
    recovery.status, recovery.waiver_reason, recovery.waiver_requested_by = (
        RecoveryStatus.WAIVER_REQUESTED,
        reason.strip()[:200],
        actor,
    )
    recovery.save(update_fields=["status", "waiver_reason", "waiver_requested_by", "updated_at"])
    audit.record_change(
        actor=actor,
        obj=recovery,
        action=AuditEntry.Action.WORKFLOW,
        verb="recovery.waiver_request",
        before=before,
        after=audit.snapshot(recovery),
        message=reason,
    )
    return recovery


@transaction.atomic
def recovery_decide_waiver(*, recovery: Recovery, approve: bool, actor: Any) -> Recovery:
    """核销审批 (district administrator): waive what is still outstanding, or send it back."""
    require(actor, "waive", recovery)
    locked(recovery)
    if recovery.status != RecoveryStatus.WAIVER_REQUESTED:
        raise ValidationError(_("没有待审批的核销申请"))
    if approve and recovery.waiver_requested_by_id == actor.pk:
        raise ValidationError(_("核销须由申请人以外的区级管理员审批"))
    before = audit.snapshot(recovery)
    if approve:
        recovery.waived += recovery.outstanding
        recovery.waiver_approved_by = actor
        _settle(recovery)
    else:
        recovery.status = RecoveryStatus.OPEN
    recovery.save(update_fields=["waived", "waiver_approved_by", "status", "updated_at"])
    audit.record_change(
        actor=actor,
        obj=recovery,
        action=AuditEntry.Action.WORKFLOW,
        verb="recovery.waive" if approve else "recovery.waiver_refused",
        before=before,
        after=audit.snapshot(recovery),
    )
    return recovery
