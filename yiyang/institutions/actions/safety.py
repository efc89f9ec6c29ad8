"""GB 38600 safety and supervision: incident reports that raise the resident's risk register, findings
of inspections with rectification deadlines, re-checks and escalation, and GB/T 37276 self-assessments."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.core import audit
from yiyang.core.dated import in_force_q
from yiyang.core.i18n import stored
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require, scope_q
from yiyang.core.workflow import locked
from yiyang.institutions import stars
from yiyang.institutions.actions.residents import latest_risk_assessment, risk_assessment_create
from yiyang.institutions.choices import (
    FindingSeverity,
    FindingStatus,
    InspectionStatus,
    Risk,
    RiskAssessmentReason,
    RiskLevel,
    StayStatus,
)
from yiyang.institutions.models import (
    Finding,
    Incident,
    Inspection,
    Institution,
    Resident,
    StarAssessment,
    StarThreshold,
)

# -- incidents ----------------------------------------------------------------------------------------


@transaction.atomic
def incident_report(
    *,
    resident: Resident,
    kind: str,
    occurred_at: datetime.datetime,
    description: str,
    actor: Any,
    harm: str = Incident.Harm.NONE,
    place: str = "",
    handling: str = "",
) -> Incident:
    """安全事件报告. The resident's risk register of that kind goes up one level (at least 中) through a
    new risk assessment (reason: incident), which the home reviews when it next re-assesses."""
    incident = Incident(
        institution_id=resident.institution_id, resident=resident, kind=kind, occurred_at=occurred_at,
        description=description.strip(), harm=harm, place=place.strip(), handling=handling.strip(),
        reported_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    require(actor, "add", incident)
    if kind not in Risk.values:
        raise ValidationError({"kind": _("请选择事件类型")})
    if harm not in Incident.Harm.values:
        raise ValidationError({"harm": _("伤害程度无效")})
    if not incident.description:
        raise ValidationError({"description": _("请填写事件经过")})
    if occurred_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("发生时间不能晚于现在")})
    # The local day: between midnight and 08:00 in Asia/Shanghai an aware UTC time's .date() is yesterday.
    day = timezone.localtime(occurred_at).date()
    if day < resident.admitted_on or (resident.discharged_on and day > resident.discharged_on):
        raise ValidationError({"occurred_at": _("发生时间不在该老人的入住期间")})
    incident.save()
    audit.record_change(
        actor=actor, obj=incident, action=AuditEntry.Action.CREATE, verb="incident.report",
        after=audit.snapshot(incident),
    )  # fmt: skip
    if resident.status == StayStatus.RESIDENT:
        latest = latest_risk_assessment(resident.elder, resident.institution)
        items = {i.risk: (i.level, i.measures) for i in latest.items.all()} if latest else {}
        level, measures = items.get(kind, (RiskLevel.NONE, ""))
        items[kind] = (min(RiskLevel.HIGH, max(level + 1, RiskLevel.MEDIUM)), measures)
        raised = risk_assessment_create(
            elder=resident.elder, institution=resident.institution, items=items, actor=None,
            assessor=stored(_("系统（事件提级）")), assessed_on=day if day <= timezone.localdate() else None,
            reason=RiskAssessmentReason.INCIDENT, note=f"{stored(Risk(kind).label)}事件，风险提级，请复核防护措施",
        )  # fmt: skip
        raised.incident = incident
        raised.save(update_fields=["incident"])
    return incident


def risk_events(elder_id: int, on: datetime.date, days: int = 30) -> dict[str, int]:
    """Incidents of each kind in the ``days`` before ``on``: the risk events a GB/T 42195 assessment
    asks about (附录 A.2.14 近30天照护风险事件)."""
    start = timezone.make_aware(
        datetime.datetime.combine(on - datetime.timedelta(days=days), datetime.time())
    )
    end = timezone.make_aware(datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time()))
    counts: dict[str, int] = {}
    for kind in Incident.objects.filter(
        resident__elder_id=elder_id, occurred_at__gte=start, occurred_at__lt=end
    ).values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    return counts


# -- inspections ---------------------------------------------------------------------------------------


def _require_supervisor(actor: Any, inspection: Inspection) -> None:
    require(actor, "supervise", inspection)


@transaction.atomic
def finding_add(
    *,
    inspection: Inspection,
    description: str,
    deadline: datetime.date,
    actor: Any,
    item: Any = None,
    severity: str = FindingSeverity.GENERAL,
) -> Finding:
    _require_supervisor(actor, inspection)
    locked(inspection)
    if not description.strip():
        raise ValidationError({"description": _("请填写问题")})
    if deadline < inspection.inspected_on:
        raise ValidationError({"deadline": _("整改期限不能早于检查日期")})
    if severity not in FindingSeverity.values:
        raise ValidationError({"severity": _("请选择问题的严重程度")})
    finding = Finding.objects.create(
        inspection=inspection, institution_id=inspection.institution_id, item=item,
        description=description.strip(), deadline=deadline, severity=severity,
    )  # fmt: skip
    if inspection.status != InspectionStatus.OPEN:
        inspection.status = InspectionStatus.OPEN
        inspection.save(update_fields=["status", "updated_at"])
    audit.record_change(
        actor=actor,
        obj=finding,
        action=AuditEntry.Action.CREATE,
        verb="finding.create",
        after=audit.snapshot(finding),
    )
    return finding


@transaction.atomic
def finding_rectify(*, finding: Finding, on: datetime.date, note: str, actor: Any) -> Finding:
    """The home reports the problem put right (or the supervisor records it)."""
    require(actor, "change", finding)
    locked(finding, "status")
    if finding.status not in (FindingStatus.OPEN, FindingStatus.ESCALATED):
        raise ValidationError(_("该问题已报整改"))
    if not note.strip():
        raise ValidationError({"rectification": _("请填写整改情况")})
    before = audit.snapshot(finding)
    finding.status, finding.rectified_on, finding.rectification = (
        FindingStatus.RECTIFIED,
        on,
        note.strip()[:300],
    )
    finding.save()
    audit.record_change(
        actor=actor, obj=finding, action=AuditEntry.Action.WORKFLOW, verb="finding.rectify",
        before=before, after=audit.snapshot(finding),
    )  # fmt: skip
    return finding


@transaction.atomic
def finding_recheck(*, finding: Finding, passed: bool, on: datetime.date, note: str, actor: Any,
                    new_deadline: datetime.date | None = None) -> Finding:  # fmt: skip
    """复查: passed closes the finding (and the inspection when it was the last one open); failed
    sends it back with a new deadline."""
    _require_supervisor(actor, finding.inspection)
    locked(finding, "status")
    if finding.status != FindingStatus.RECTIFIED:
        raise ValidationError(_("只有已报整改的问题才能复查"))
    before = audit.snapshot(finding)
    finding.rechecked_on, finding.recheck_note = on, note.strip()[:300]
    if passed:
        finding.status = FindingStatus.VERIFIED
    else:
        if new_deadline is None or new_deadline <= on:
            raise ValidationError({"deadline": _("复查未通过须给出新的整改期限")})
        finding.status, finding.deadline = FindingStatus.OPEN, new_deadline
    finding.save()
    audit.record_change(
        actor=actor, obj=finding, action=AuditEntry.Action.WORKFLOW,
        verb="finding.recheck.pass" if passed else "finding.recheck.fail", before=before, after=audit.snapshot(finding),
    )  # fmt: skip
    inspection = finding.inspection
    if not inspection.findings.exclude(status=FindingStatus.VERIFIED).exists():
        inspection.status = InspectionStatus.CLOSED
        inspection.save(update_fields=["status", "updated_at"])
    return finding


@transaction.atomic
def inspection_close(*, inspection: Inspection, actor: Any) -> Inspection:
    """结案 an inspection that found nothing (or whose every finding passed its re-check): without this
    an inspection with no findings stayed 整改中 for ever."""
    _require_supervisor(actor, inspection)
    locked(inspection, "status")
    if inspection.status == InspectionStatus.CLOSED:
        raise ValidationError(_("该检查已结案"))
    if inspection.findings.exclude(status=FindingStatus.VERIFIED).exists():
        raise ValidationError(_("还有未复查通过的整改事项，不能结案"))
    before = audit.snapshot(inspection)
    inspection.status = InspectionStatus.CLOSED
    inspection.save(update_fields=["status", "updated_at"])
    audit.record_change(
        actor=actor, obj=inspection, action=AuditEntry.Action.WORKFLOW, verb="inspection.close",
        before=before, after=audit.snapshot(inspection),
    )  # fmt: skip
    return inspection


@transaction.atomic
def findings_escalate_overdue(*, today: datetime.date | None = None, actor: Any = None) -> int:
    """督办: every open finding past its deadline (within the actor's reach; all for the system) is
    escalated in one statement; running it again escalates nothing twice."""
    today = today or timezone.localdate()
    rows = Finding.objects.filter(status=FindingStatus.OPEN, deadline__lt=today)
    if actor is not None:
        if not actor.has_perm("institutions.supervise_inspection"):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(_("您没有此操作的权限"))
        rows = rows.filter(scope_q(actor, Finding, "change"))
    ids = list(rows.values_list("pk", flat=True))
    if not ids:
        return 0
    Finding.objects.filter(pk__in=ids, status=FindingStatus.OPEN).update(
        status=FindingStatus.ESCALATED, escalated_on=today, updated_at=timezone.now()
    )
    audit.record_bulk(
        actor=actor, object_type="institutions.finding", verb="finding.escalate", area_path="",
        message=f"逾期未整改，督办 {len(ids)} 项", after={"findings": ids, "on": today.isoformat()},
    )  # fmt: skip
    return len(ids)


# -- GB/T 37276 ---------------------------------------------------------------------------------------------


def thresholds_on(day: datetime.date) -> list[stars.Threshold]:
    rows = StarThreshold.objects.filter(in_force_q(day))
    return [stars.Threshold(t.level, t.min_total, t.min_area_share) for t in rows]


@transaction.atomic
def star_assessment_submit(*, institution: Institution, scores: dict[str, int], actor: Any,
                           assessed_on: datetime.date | None = None) -> StarAssessment:  # fmt: skip
    """等级自评: the level the four areas' scores reach under the thresholds in force that day."""
    day = assessed_on or timezone.localdate()
    row = StarAssessment(institution=institution, assessed_on=day, **scores)
    require(actor, "add", row)
    try:
        stars.check_scores(scores)
    except stars.ScoreError as exc:
        raise ValidationError(_("分数超出范围：%(detail)s") % {"detail": exc}) from exc
    thresholds = thresholds_on(day)
    if not thresholds:
        raise ValidationError(_("尚未设置在该日期生效的星级评定标准"))
    row.total = stars.total(scores)
    row.level = stars.star_level(scores, thresholds)
    row.save()
    audit.record_change(
        actor=actor,
        obj=row,
        action=AuditEntry.Action.CREATE,
        verb="starassessment.submit",
        after=audit.snapshot(row),
    )
    return row


@transaction.atomic
def star_assessment_confirm(*, assessment: StarAssessment, actor: Any) -> Institution:
    """评定: the district confirms a self-assessment and the home's star level follows it."""
    require(actor, "confirm", assessment)
    locked(assessment, "confirmed")
    if assessment.confirmed:
        raise ValidationError(_("该自评已评定"))
    assessment.confirmed = True
    assessment.save(update_fields=["confirmed", "updated_at"])
    home = Institution.objects.select_for_update().get(pk=assessment.institution_id)
    before = audit.snapshot(home)
    home.star_level = assessment.level
    home.save(update_fields=["star_level", "updated_at"])
    audit.record_change(
        actor=actor, obj=home, action=AuditEntry.Action.WORKFLOW, verb="institution.star_level",
        before=before, after=audit.snapshot(home), message=f"等级评定：{assessment.level or 0}星（总分 {assessment.total}）",
    )  # fmt: skip
    return home
