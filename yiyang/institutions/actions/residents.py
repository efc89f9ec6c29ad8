"""Residents: the GB 38600 risk assessment, admission, bed moves and discharge.

Admission takes an elder of the registry into a home once both assessments are there: a GB/T 42195
capability assessment in force on the admission day (``assessments.selectors.current_assessment``)
and a GB 38600 service-safety risk assessment by this home within ``RISK_ASSESSMENT_DAYS`` before it.
Otherwise it is refused with the reason. The elder's registry facts follow through the people app's
actions: living situation "入住机构" on admission, back on discharge home, and death — registered once,
however many doors record it (the elder row is locked and an elder already recorded dead is left so).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.assessments.selectors import current_assessment
from yiyang.benefits import actions as benefits_actions
from yiyang.core import audit
from yiyang.core.i18n import stored
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.core.workflow import locked
from yiyang.institutions.choices import (
    BedStatus,
    CareLevel,
    DischargeReason,
    Risk,
    RiskAssessmentReason,
    RiskLevel,
    StayKind,
    StayStatus,
)
from yiyang.institutions.models import Bed, BedAssignment, Institution, Resident, RiskAssessment, RiskItem
from yiyang.people import actions as people_actions
from yiyang.people.choices import ElderStatus, LivingSituation
from yiyang.people.lifecycle import StatusChange
from yiyang.people.models import Elder

#: A risk assessment counts for admission when made this many days before it at most.
RISK_ASSESSMENT_DAYS = 90
#: Records are kept this many years after the stay ends (养老机构管理办法 第三十二条).
RETENTION_YEARS = 5
#: GB/T 42195 final level → the care level a contract starts from (the home may agree another).
CARE_LEVEL_FOR_CAPABILITY = {
    0: CareLevel.SELF_CARE, 1: CareLevel.LEVEL_1, 2: CareLevel.LEVEL_2, 3: CareLevel.LEVEL_3, 4: CareLevel.SPECIAL,
}  # fmt: skip

RiskEntry = tuple[int, str]  # (level, measures)


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


# -- the risk register --------------------------------------------------------------------------------


@transaction.atomic
def risk_assessment_create(
    *,
    elder: Elder,
    institution: Institution,
    items: Mapping[str, RiskEntry],
    assessor: str,
    actor: Any,
    assessed_on: datetime.date | None = None,
    reason: str = RiskAssessmentReason.ADMISSION,
    note: str = "",
) -> RiskAssessment:
    """A GB 38600 risk assessment: each of the nine risks with its level and measures (a risk left out
    is recorded as 无)."""
    assessment = RiskAssessment(
        elder=elder, institution=institution, assessed_on=assessed_on or timezone.localdate(),
        reason=reason, assessor=assessor.strip(), note=note,
    )  # fmt: skip
    require(actor, "add", assessment)
    if not assessment.assessor:
        raise ValidationError({"assessor": _("请填写评估人")})
    if assessment.assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("评估日期不能晚于今天")})
    unknown = set(items) - set(Risk.values)
    if unknown:
        raise ValidationError(_("未知的风险类别：%(risks)s") % {"risks": "、".join(sorted(unknown))})
    for risk, (level, _measures) in items.items():
        if level not in RiskLevel.values:
            raise ValidationError(_("%(risk)s 的风险等级无效") % {"risk": Risk(risk).label})
    assessment.save()
    RiskItem.objects.bulk_create(
        RiskItem(assessment=assessment, risk=risk, level=items.get(risk, (0, ""))[0],
                 measures=items.get(risk, (0, ""))[1][:300])
        for risk in Risk.values
    )  # fmt: skip
    audit.record_change(
        actor=actor, obj=assessment, action=AuditEntry.Action.CREATE, verb="riskassessment.create",
        after={**audit.snapshot(assessment), "items": {r: list(v) for r, v in items.items()}},
    )  # fmt: skip
    return assessment


def latest_risk_assessment(
    elder: Elder, institution: Institution, on: datetime.date | None = None
) -> RiskAssessment | None:
    rows = RiskAssessment.objects.filter(elder=elder, institution=institution)
    if on is not None:
        rows = rows.filter(assessed_on__lte=on)
    return rows.order_by("-assessed_on", "-id").first()


# -- beds -------------------------------------------------------------------------------------------------


def _take_bed(resident: Resident, bed: Bed, start: datetime.date) -> BedAssignment:
    """Put ``resident`` in ``bed`` from the night of ``start``; refused if anyone holds it on or after
    that night. Decided on the locked bed row, so two admissions into one bed leave one."""
    if bed.institution_id != resident.institution_id:
        raise ValidationError({"bed": _("床位不属于该养老机构")})
    locked(bed)
    if bed.status != BedStatus.IN_USE:
        raise ValidationError(
            {
                "bed": _("床位 %(bed)s 当前不可用（%(status)s）")
                % {"bed": bed, "status": bed.get_status_display()}
            }
        )
    clash = (
        BedAssignment.objects.filter(bed=bed)
        .exclude(end__isnull=False, end__lte=start)
        .exclude(resident=resident)
        .select_related("resident__elder")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {"bed": _("床位 %(bed)s 已有入住老人（%(name)s，自 %(start)s 起），同一床位同一天不能安排两位老人")
             % {"bed": bed, "name": clash.resident.elder.name, "start": f"{clash.start:%Y-%m-%d}"}}
        )  # fmt: skip
    try:
        with transaction.atomic():
            return BedAssignment.objects.create(
                resident=resident, bed=bed, institution_id=resident.institution_id,
                care_level=resident.care_level, start=start,
            )  # fmt: skip
    except IntegrityError as exc:  # PostgreSQL's exclusion constraint: another transaction got there first
        raise ValidationError({"bed": _("床位 %(bed)s 已被占用，请选择其他床位") % {"bed": bed}}) from exc


def _release_bed(resident: Resident, on: datetime.date) -> BedAssignment | None:
    current = BedAssignment.objects.select_for_update().filter(resident=resident, end__isnull=True).first()
    if current is None:
        return None
    if on <= current.start:
        raise ValidationError(
            _("日期不能早于当前床位的起始日期 %(start)s") % {"start": f"{current.start:%Y-%m-%d}"}
        )
    current.end = on
    current.save(update_fields=["end"])
    return current


# -- admission ------------------------------------------------------------------------------------------


def admission_problems(elder: Elder, institution: Institution, on: datetime.date) -> list[str]:
    """Why ``elder`` cannot be admitted to ``institution`` on ``on`` (empty: nothing stands in the way)."""
    problems = []
    if elder.status != ElderStatus.LIVING:
        problems.append(_("该老人不在册（已故或迁出），不能办理入住"))
    if Resident.objects.filter(elder=elder, status=StayStatus.RESIDENT).exists():
        problems.append(_("该老人已在养老机构入住，请先办理离院或转院"))
    if current_assessment(elder, on) is None:
        problems.append(_("缺少有效的老年人能力评估（GB/T 42195），请先完成能力评估"))
    risk = latest_risk_assessment(elder, institution, on)
    if risk is None or risk.assessed_on < on - datetime.timedelta(days=RISK_ASSESSMENT_DAYS):
        problems.append(
            _("缺少入住前 %(days)s 天内的服务安全风险评估（GB 38600），请先完成风险评估")
            % {"days": RISK_ASSESSMENT_DAYS}
        )
    return problems


@transaction.atomic
def resident_admit(
    *,
    elder: Elder,
    institution: Institution,
    bed: Bed,
    admitted_on: datetime.date,
    actor: Any,
    kind: str = StayKind.LONG,
    care_level: str = "",
    contract_no: str = "",
    planned_end: datetime.date | None = None,
    centralised_support: bool = False,
) -> Resident:
    """入住登记: refused with the reasons unless both assessments are there and the bed is free.

    ``centralised_support``: a 特困 (五保) elder admitted for 集中供养; benefits switch the elder's
    support from dispersed to centralised from the admission day (refused, with the whole admission,
    for an elder not 特困 on that day)."""
    require(actor, "admit", Resident(institution=institution, elder=elder))
    if admitted_on > timezone.localdate() + datetime.timedelta(days=30):
        raise ValidationError({"admitted_on": _("入住日期不能晚于30天之后")})
    if kind not in StayKind.values:
        raise ValidationError({"kind": _("入住类型无效")})
    if planned_end is not None and planned_end <= admitted_on:
        raise ValidationError({"planned_end": _("约定离院日期应晚于入住日期")})
    if kind != StayKind.LONG and planned_end is None:
        raise ValidationError({"planned_end": _("短期托养和季节性入住须填写约定离院日期")})
    elder = Elder.objects.select_for_update().get(pk=elder.pk)  # one admission of one elder at a time
    problems = admission_problems(elder, institution, admitted_on)
    if problems:
        raise ValidationError(problems)
    assessment = current_assessment(elder, admitted_on)
    assert assessment is not None
    level = assessment.final_level
    care = care_level or CARE_LEVEL_FOR_CAPABILITY.get(level if level is not None else 0, CareLevel.SELF_CARE)
    if care not in CareLevel.values:
        raise ValidationError({"care_level": _("护理等级无效")})
    resident = Resident.objects.create(
        elder=elder, institution=institution, kind=kind, care_level=care, contract_no=contract_no.strip(),
        planned_end=planned_end, admitted_on=admitted_on, capability_level=level,
        capability_assessed_on=assessment.assessed_on,
        risk_assessment=latest_risk_assessment(elder, institution, admitted_on),
        previous_living_situation=elder.living_situation, admitted_by=actor if actor is not None else None,
        centralised_support=centralised_support,
    )  # fmt: skip
    _take_bed(resident, bed, admitted_on)
    if centralised_support:
        benefits_actions.centralised_support_start(
            elder=elder, on=admitted_on, place=institution.name, source=support_source(resident), actor=actor
        )
    audit.record_change(
        actor=actor, obj=resident, action=AuditEntry.Action.CREATE, verb="resident.admit",
        after={**audit.snapshot(resident), "bed": str(bed)},
        message=f"入住 {institution.name} {bed}",
    )  # fmt: skip
    # The registry: the elder now lives in an institution (the stay shares the elder with its staff).
    people_actions.elder_set_living_situation(
        elder=elder, living_situation=LivingSituation.INSTITUTION, actor=actor,
        reason=f"入住{institution.name}（{admitted_on:%Y-%m-%d}）",
    )  # fmt: skip
    return resident


@transaction.atomic
def resident_move_bed(*, resident: Resident, bed: Bed, on: datetime.date, actor: Any) -> BedAssignment:
    """调床: the old bed is free from the night of ``on``, the new one taken from it."""
    require(actor, "admit", resident)
    locked(resident, "status")
    if resident.status != StayStatus.RESIDENT:
        raise ValidationError(_("该老人已离院，不能调床"))
    old = _release_bed(resident, on)
    if old is not None and old.bed_id == bed.pk:
        raise ValidationError({"bed": _("已在该床位")})
    assignment = _take_bed(resident, bed, on)
    audit.record_change(
        actor=actor, obj=resident, action=AuditEntry.Action.WORKFLOW, verb="resident.move_bed",
        before={"bed": str(old.bed) if old else None}, after={"bed": str(bed), "on": on.isoformat()},
        message=f"调床 {old.bed if old else '—'} → {bed}（{on:%Y-%m-%d}）",
    )  # fmt: skip
    return assignment


@transaction.atomic
def resident_change_care_level(
    *, resident: Resident, care_level: str, on: datetime.date, actor: Any
) -> Resident:
    """护理等级变更 from ``on``: the bed assignment splits so the subsidy counts each level's nights."""
    require(actor, "admit", resident)
    locked(resident, "status")
    if resident.status != StayStatus.RESIDENT:
        raise ValidationError(_("该老人已离院"))
    if care_level not in CareLevel.values:
        raise ValidationError({"care_level": _("护理等级无效")})
    if care_level == resident.care_level:
        return resident
    before = audit.snapshot(resident)
    current = BedAssignment.objects.filter(resident=resident, end__isnull=True).select_related("bed").first()
    resident.care_level = care_level
    resident.save(update_fields=["care_level", "updated_at"])
    if current is not None:
        if on <= current.start:
            current.care_level = care_level
            current.save(update_fields=["care_level"])
        else:
            _release_bed(resident, on)
            _take_bed(resident, current.bed, on)
    audit.record_change(
        actor=actor, obj=resident, action=AuditEntry.Action.WORKFLOW, verb="resident.care_level",
        before=before, after=audit.snapshot(resident),
    )  # fmt: skip
    return resident


def support_source(resident: Resident) -> str:
    """The key under which a stay's centralised support is recorded in benefits."""
    return f"institutions.resident:{resident.pk}"


def _release_from(resident: Resident, on: datetime.date) -> None:
    """Free the stay's beds from the night of ``on``: assignments starting then or later go, the one
    spanning it ends there (set-based; a bed move after ``on`` is undone too)."""
    BedAssignment.objects.filter(resident=resident, start__gte=on).delete()
    BedAssignment.objects.filter(resident=resident, start__lt=on).filter(
        Q(end__isnull=True) | Q(end__gt=on)
    ).update(end=on)


def _close_stay(
    resident: Resident, *, on: datetime.date, reason: str, note: str, actor: Any, verb: str
) -> None:
    """End a stay (already locked and checked to be open) on ``on``: beds, retention, centralised
    support, audit. The registry is the caller's business."""
    before = audit.snapshot(resident)
    _release_from(resident, on)
    resident.status = StayStatus.DISCHARGED
    resident.discharged_on = on
    resident.discharge_reason = reason
    resident.discharge_note = note.strip()[:200]
    resident.retain_until = _add_years(max(on, resident.planned_end or on), RETENTION_YEARS)
    resident.save()
    if resident.centralised_support:
        benefits_actions.centralised_support_end(
            source=support_source(resident), on=on, actor=actor,
            reason=f"{resident.institution.name}{stored(DischargeReason(reason).label)}",
        )  # fmt: skip
    audit.record_change(
        actor=actor, obj=resident, action=AuditEntry.Action.WORKFLOW, verb=verb,
        before=before, after=audit.snapshot(resident),
        message=f"{stored(DischargeReason(reason).label)}：{note}".strip("："),
    )  # fmt: skip


@transaction.atomic
def resident_discharge(
    *, resident: Resident, on: datetime.date, reason: str, actor: Any, note: str = ""
) -> Resident:
    """离院: home, hospital, transfer or death. The bed is free from the night of ``on``; the registry
    follows (living situation back on going home; death registered once) and so do benefits (a
    centralised support ends)."""
    require(actor, "admit", resident)
    locked(resident, "status")
    if resident.status != StayStatus.RESIDENT:
        raise ValidationError(_("该老人已于 %(day)s 离院") % {"day": f"{resident.discharged_on:%Y-%m-%d}"})
    if reason not in DischargeReason.values:
        raise ValidationError({"discharge_reason": _("请选择离院原因")})
    if on < resident.admitted_on:
        raise ValidationError({"discharged_on": _("离院日期不能早于入住日期")})
    if on > timezone.localdate():
        raise ValidationError({"discharged_on": _("离院日期不能晚于今天")})
    current = BedAssignment.objects.filter(resident=resident, end__isnull=True).first()
    if current is not None and on != resident.admitted_on and on <= current.start:
        raise ValidationError(
            _("日期不能早于当前床位的起始日期 %(start)s") % {"start": f"{current.start:%Y-%m-%d}"}
        )
    elder = Elder.objects.select_for_update().get(pk=resident.elder_id)
    home = resident.institution.name
    # The registry first, while the stay still shares the elder with the home's staff.
    if reason == DischargeReason.HOME:
        people_actions.elder_set_living_situation(
            elder=elder, living_situation=resident.previous_living_situation or LivingSituation.WITH_FAMILY,
            actor=actor, reason=f"离开{home}返家（{on:%Y-%m-%d}）",
        )  # fmt: skip
    _close_stay(resident, on=on, reason=reason, note=note, actor=actor, verb=f"resident.discharge.{reason}")
    if reason == DischargeReason.DEATH and elder.status != ElderStatus.DECEASED:
        # The system registers it (a home's staff may not edit the registry); the stay's audit row names
        # who recorded it. The stay is closed already, so the registry's death listener
        # (``on_status_change``) finds nothing left to do; an elder already registered dead by another
        # door is left as recorded.
        people_actions.elder_set_status(
            elder=elder, status=ElderStatus.DECEASED, date=on, actor=None,
            note=f"{home}登记离院（死亡）",
        )  # fmt: skip
    return resident


def on_status_change(change: StatusChange) -> None:
    """``people.lifecycle`` listener: an elder registered dead by any door (the elder's page, the edit
    form, the API, a death list, the registry import) leaves the home on the day of death — once: a
    stay already closed is left as it is. The home's staff did not record it, so no permission of
    theirs is asked; the audit row names who registered the death."""
    if change.status != ElderStatus.DECEASED:
        return
    stay = (
        Resident.objects.select_for_update()
        .filter(elder=change.elder, status=StayStatus.RESIDENT)
        .select_related("institution")
        .first()
    )
    if stay is None:
        return
    on = max(change.on, stay.admitted_on)  # a death dated before the admission ends the stay at once
    _close_stay(
        stay, on=on, reason=DischargeReason.DEATH, actor=change.actor, verb="resident.discharge.death",
        note=f"登记死亡自动离院（{change.source}，{change.on:%Y-%m-%d}）",
    )  # fmt: skip
