"""Writes for capability assessments. Each action is atomic, checks permission and scope, and audits.

The elder's 能力等级 follows the latest confirmed assessment: confirming and voiding both re-derive it
through ``people.actions.elder_set_capability_level`` (which audits the change on the elder).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.assessments import risk_events, scoring
from yiyang.assessments.choices import Reason, Scheme, Status
from yiyang.assessments.models import Assessment, add_months
from yiyang.assessments.selectors import latest_confirmed, rules_in_force
from yiyang.core import audit
from yiyang.core.i18n import records_language
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.core.workflow import locked
from yiyang.people.actions import elder_set_capability_level
from yiyang.people.models import Elder


@dataclass
class AssessmentData:
    """What an assessor enters (the form and the API build this)."""

    assessed_on: datetime.date
    assessor_name: str
    organisation: str
    scheme: str = Scheme.GB42195
    reason: str = Reason.FIRST
    assessor2_name: str = ""
    assessor: Any = None
    answers: Mapping[str, int | None] = field(default_factory=dict)
    coma: bool = False
    dementia: bool = False
    mental_disorder: bool = False
    risk_events: Mapping[str, int] = field(default_factory=dict)
    notes: str = ""


def _actor_name(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "系统"
    return str(actor.get_full_name() or actor.get_username())


def _validate(elder: Elder, data: AssessmentData) -> dict[str, int]:
    errors: dict[str, str] = {}
    if data.scheme not in scoring.SCHEMES:
        raise ValidationError({"scheme": _("未知的评估标准")})
    if data.reason not in Reason.values:
        errors["reason"] = _("请选择评估原因")
    if data.assessed_on > timezone.localdate():
        errors["assessed_on"] = _("评估日期不能晚于今天")
    elif data.assessed_on < elder.birth_date:
        errors["assessed_on"] = _("评估日期早于出生日期")
    if not data.assessor_name.strip():
        errors["assessor_name"] = _("请填写评估员姓名")
    if not data.organisation.strip():
        errors["organisation"] = _("请填写评估机构")
    answers = {code: value for code, value in data.answers.items() if value is not None}
    errors |= scoring.validate_answers(answers, scoring.items_for(data.scheme), complete=False)
    facts = scoring.ChangeFacts(risk_events=dict(data.risk_events))
    errors |= scoring.validate_facts(facts)
    if errors:
        raise ValidationError(errors)
    return {code: int(value) for code, value in answers.items()}


def _fill(assessment: Assessment, data: AssessmentData, answers: dict[str, int]) -> None:
    assessment.scheme = data.scheme
    assessment.reason = data.reason
    assessment.assessed_on = data.assessed_on
    assessment.assessor_name = data.assessor_name.strip()
    assessment.assessor2_name = data.assessor2_name.strip()
    if assessment._state.adding:
        # The account that entered the assessment; a later correction by someone else is in the audit log.
        assessment.assessor = data.assessor
    assessment.organisation = data.organisation.strip()
    assessment.answers = answers
    assessment.coma = data.coma
    assessment.dementia = data.dementia
    assessment.mental_disorder = data.mental_disorder
    for kind, name in Assessment.RISK_FIELDS.items():
        setattr(assessment, name, int(data.risk_events.get(kind, 0)))
    assessment.notes = data.notes


def _apply_result(assessment: Assessment, result: scoring.Result | None) -> None:
    if result is None:
        subtotals, total, _answered = scoring.partial_subtotals(assessment.scheme, assessment.answers)
        assessment.subtotals = subtotals
        assessment.total = total if assessment.scheme == Scheme.GB42195 else None
        assessment.grades = None
        assessment.preliminary_level = assessment.final_level = None
        assessment.level_changes = []
        return
    assessment.subtotals = result.subtotals
    assessment.total = result.total
    assessment.grades = result.grades or None
    assessment.preliminary_level = result.preliminary_level
    assessment.final_level = result.final_level
    assessment.level_changes = [c.as_dict() for c in result.changes]


def preview(
    elder: Elder, scheme: str, answers: Mapping[str, int], facts: scoring.ChangeFacts, on: datetime.date
) -> scoring.Result | None:
    """The result a confirmation would give now, or None while answers are missing or invalid."""
    try:
        return scoring.score(scheme, answers, facts, rules_in_force(elder.area_path, on).rules)
    except scoring.ScoringError:
        return None


@transaction.atomic
def assessment_save_draft(
    *, elder: Elder, data: AssessmentData, actor: Any, assessment: Assessment | None = None
) -> Assessment:
    """Create or update a draft. Partial answers are kept; a complete draft shows its provisional result."""
    creating = assessment is None
    if assessment is None:
        require(actor, "add", Assessment(elder=elder))
    else:
        require(actor, "change", assessment)
        locked(assessment, "status")
        if assessment.status != Status.DRAFT:
            raise ValidationError(_("只有草稿可以修改；已确认的评估请作废后重新评估"))
        if assessment.elder_id != elder.pk:
            raise ValidationError(_("评估对象不能更改"))
    answers = _validate(elder, data)
    before = None if assessment is None else audit.snapshot(assessment)
    if assessment is None:
        assessment = Assessment(elder=elder, status=Status.DRAFT)
    # Risk events recorded elsewhere (a home's incident reports) count, whatever the sheet says.
    data.risk_events = risk_events.at_least_recorded(dict(data.risk_events), elder, data.assessed_on)
    _fill(assessment, data, answers)
    _apply_result(assessment, preview(elder, data.scheme, answers, assessment.facts(), data.assessed_on))
    assessment.save()
    audit.record_change(
        actor=actor,
        obj=assessment,
        action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
        verb="assessment.create" if creating else "assessment.update",
        before=before,
        after=audit.snapshot(assessment),
    )
    return assessment


@transaction.atomic
def assessment_confirm(*, assessment: Assessment, actor: Any) -> Assessment:
    """Score with the rules in force on the assessment date, fix the validity, and let the elder's
    能力等级 follow. Refuses incomplete or impossible answers."""
    require(actor, "confirm", assessment)
    locked(assessment)
    elder = assessment.elder
    if assessment.status != Status.DRAFT:
        raise ValidationError(_("该评估不是草稿，不能确认"))
    before = audit.snapshot(assessment)
    in_force = rules_in_force(elder.area_path, assessment.assessed_on)
    try:
        result = scoring.score(
            assessment.scheme, assessment.int_answers(), assessment.facts(), in_force.rules
        )
    except scoring.ScoringError as exc:
        raise ValidationError(exc.errors) from exc
    _apply_result(assessment, result)
    assessment.config = in_force.config
    assessment.rules_applied = in_force.snapshot()
    assessment.valid_to = add_months(assessment.assessed_on, in_force.reassessment_months)
    assessment.status = Status.CONFIRMED
    assessment.confirmed_at = timezone.now()
    assessment.confirmed_by = _actor_name(actor)
    assessment.save()
    with records_language():  # the audit message is a record
        level_name = assessment.final_level_name
    audit.record_change(
        actor=actor,
        obj=assessment,
        action=AuditEntry.Action.WORKFLOW,
        verb="assessment.confirm",
        before=before,
        after=audit.snapshot(assessment),
        message=f"能力评估确认：{level_name}（总分 {assessment.total}）"
        if assessment.total is not None
        else f"能力评估确认：{level_name}",
    )
    _follow_latest(elder, actor, f"能力评估 #{assessment.pk}")
    return assessment


@transaction.atomic
def assessment_void(*, assessment: Assessment, reason: str, actor: Any) -> Assessment:
    """作废 a draft or a confirmed assessment; the elder's 能力等级 falls back to the latest remaining one."""
    require(actor, "void", assessment)
    locked(assessment)
    elder = assessment.elder
    reason = reason.strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("请填写作废原因")})
    if assessment.status == Status.VOID:
        raise ValidationError(_("该评估已作废"))
    was_confirmed = assessment.status == Status.CONFIRMED
    before = audit.snapshot(assessment)
    assessment.status = Status.VOID
    assessment.voided_at = timezone.now()
    assessment.void_reason = reason[:200]
    assessment.save(update_fields=["status", "voided_at", "void_reason", "updated_at"])
    audit.record_change(
        actor=actor,
        obj=assessment,
        action=AuditEntry.Action.WORKFLOW,
        verb="assessment.void",
        before=before,
        after=audit.snapshot(assessment),
        message=reason,
    )
    if was_confirmed:
        latest = latest_confirmed(elder)
        why = f"能力评估 #{assessment.pk} 作废，" + (
            f"按能力评估 #{latest.pk}" if latest else "无其他已确认评估"
        )
        _follow_latest(elder, actor, why)
    return assessment


def _follow_latest(elder: Elder, actor: Any, reason: str) -> None:
    latest = latest_confirmed(elder)
    elder.refresh_from_db()
    elder_set_capability_level(
        elder=elder, level=latest.final_level if latest else None, actor=actor, reason=reason
    )
