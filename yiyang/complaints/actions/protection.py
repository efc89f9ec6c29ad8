"""保护性跟进: a complaint of neglect or abuse opens a protective follow-up with mandatory steps, each
due by its rule; a step past its deadline undone is escalated (set-based, with the case deadlines).

Nothing of it is written to the case's own record (``CaseEvent``), which the unit complained about may
read: the follow-up is kept on its own rows, seen along the area axis only, and audited.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.complaints import rules
from yiyang.complaints.actions.common import actor_name
from yiyang.complaints.choices import Category, ProtectionStatus, Risk, StepKind
from yiyang.complaints.models import Case, ProtectiveCase, ProtectiveStep
from yiyang.core import audit
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.core.workflow import locked


def open_for(case: Case, actor: Any, at: datetime.datetime | None = None) -> ProtectiveCase:
    """Open the follow-up of ``case`` with its four steps (inside the caller's transaction); a case
    that has one keeps it."""
    found = ProtectiveCase.objects.filter(case=case).first()
    if found is not None:
        return found
    opened = at or timezone.now()
    protection = ProtectiveCase.objects.create(
        case=case, elder=case.elder, area_path=case.area_path, opened_at=opened
    )
    steps = []
    for kind in StepKind.values:
        due, basis = rules.step_deadline(kind, opened)
        steps.append(ProtectiveStep(protection=protection, kind=kind, due_at=due, due_rule=basis))
    ProtectiveStep.objects.bulk_create(steps)
    audit.record_change(actor=actor, obj=protection, action=AuditEntry.Action.CREATE, verb="protectivecase.open",
                        after=audit.snapshot(protection), message=case.number)  # fmt: skip
    return protection


def protection_open(*, case: Case, actor: Any) -> ProtectiveCase:
    """Open a follow-up by hand (a case classified as neglect or abuse after intake, or imported)."""
    require(actor, "add", ProtectiveCase(case=case, area_path=case.area_path))
    require(actor, "view", case)
    if case.category != Category.NEGLECT_ABUSE:
        raise ValidationError(_("只有“疏于照料或虐待”类的投诉才开启保护性跟进"))
    with transaction.atomic():
        locked(case)
        return open_for(case, actor)


def step_complete(*, step: ProtectiveStep, note: str, actor: Any, risk: str = "") -> ProtectiveStep:
    require(actor, "change", step.protection)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请填写情况记录")})
    if step.kind == StepKind.ASSESSMENT and risk not in Risk.values:
        raise ValidationError({"risk": _("风险评估须选择风险等级")})
    with transaction.atomic():
        locked(step)
        protection = locked(step.protection)
        if step.done_at is not None:
            return step  # done already: a second press changes nothing
        if protection.status != ProtectionStatus.OPEN:
            raise ValidationError(_("保护性跟进已结束"))
        before = audit.snapshot(protection)
        step.done_at, step.done_by, step.note = timezone.now(), actor_name(actor), note[:500]
        step.save(update_fields=["done_at", "done_by", "note"])
        if step.kind == StepKind.ASSESSMENT:
            protection.risk = risk
            protection.save(update_fields=["risk"])
        audit.record_change(actor=actor, obj=protection, action=AuditEntry.Action.WORKFLOW,
                            verb=f"protectivecase.{step.kind}", before=before, after=audit.snapshot(protection),
                            message=note[:500])  # fmt: skip
    return step


def protection_close(*, protection: ProtectiveCase, outcome: str, actor: Any) -> ProtectiveCase:
    require(actor, "change", protection)
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("请填写跟进结论")})
    with transaction.atomic():
        locked(protection)
        if protection.status == ProtectionStatus.CLOSED:
            return protection
        undone = [s.get_kind_display() for s in protection.steps.filter(done_at__isnull=True)]
        if undone:
            raise ValidationError(_("还有必做环节未完成：%(steps)s") % {"steps": "、".join(undone)})
        before = audit.snapshot(protection)
        protection.status, protection.closed_at, protection.outcome = (
            ProtectionStatus.CLOSED,
            timezone.now(),
            outcome,
        )
        protection.save(update_fields=["status", "closed_at", "outcome"])
        audit.record_change(actor=actor, obj=protection, action=AuditEntry.Action.WORKFLOW,
                            verb="protectivecase.close", before=before, after=audit.snapshot(protection),
                            message=outcome)  # fmt: skip
    return protection


def escalate_overdue_steps(now: datetime.datetime | None = None) -> int:
    """督办: every step past its deadline and undone is escalated once, and its follow-up goes one level
    up (a community's to the street, then the district), in two statements whatever their number."""
    now = now or timezone.now()
    with transaction.atomic():
        overdue = ProtectiveStep.objects.filter(
            done_at__isnull=True, due_at__lt=now, escalated_at__isnull=True,
            protection__status=ProtectionStatus.OPEN,
        )  # fmt: skip
        rows = list(overdue.select_for_update(of=("self",)).values_list("pk", "protection_id"))
        if not rows:
            return 0
        ProtectiveStep.objects.filter(pk__in=[pk for pk, _p in rows]).update(escalated_at=now)
        ProtectiveCase.objects.filter(pk__in={p for _pk, p in rows}, escalation_level__lt=2).update(
            escalation_level=F("escalation_level") + 1
        )
        audit.record_bulk(actor=None, object_type="complaints.protectivecase", verb="protectivecase.escalate",
                          area_path="", message=f"保护性跟进环节超时督办 {len(rows)} 项")  # fmt: skip
    return len(rows)
