"""办理: assignment and transfer, extension, reply, return call, reopening and closing.

Each action checks the actor through the one door, locks the case (``core.workflow.locked``) and
decides on the row as it is now; every step leaves an event on the case and an audit row.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.areas.models import Area, AreaLevel
from yiyang.complaints import tallies
from yiyang.complaints.actions.common import record
from yiyang.complaints.calendar import add_working_days, end_of_day
from yiyang.complaints.choices import (
    SATISFIED,
    EventKind,
    ExtensionStatus,
    Finding,
    Satisfaction,
    Status,
    UnitKind,
)
from yiyang.complaints.models import Case
from yiyang.complaints.rules import deadline_for, load_calendar
from yiyang.core import audit
from yiyang.core.i18n import stored
from yiyang.core.scoping import require
from yiyang.core.workflow import locked
from yiyang.services.models import Provider

MAX_EXTENSION_DAYS = 30


def _unit(
    kind: str, area: Area | None, provider: Provider | None, name: str
) -> tuple[Area | None, Provider | None, str]:
    if kind not in UnitKind.values:
        raise ValidationError({"unit_kind": _("请选择承办单位类型")})
    if kind == UnitKind.PROVIDER:
        if provider is None:
            raise ValidationError({"unit_provider": _("请选择承办服务商")})
        return None, provider, provider.name
    if kind in (UnitKind.STREET, UnitKind.COMMUNITY):
        level = AreaLevel.STREET if kind == UnitKind.STREET else AreaLevel.COMMUNITY
        if area is None or area.level != level:
            raise ValidationError({"unit_area": _("请选择承办的街道或社区")})
        return area, None, area.name
    if not name.strip():
        raise ValidationError({"unit_name": _("请填写承办单位名称")})
    return None, None, name.strip()[:100]


@transaction.atomic
def case_assign(
    *,
    case: Case,
    unit_kind: str,
    unit_area: Area | None = None,
    unit_provider: Provider | None = None,
    unit_name: str = "",
    note: str = "",
    actor: Any,
) -> Case:
    """交办 to the responsible unit with the deadline the rules give; on a case already assigned, 转办.

    The deadline is set at the first assignment and runs on through a transfer: the complainant's
    clock does not restart because the case moved between units.
    """
    require(actor, "assign", case)
    locked(case, "status", "unit_kind", "unit_area_id", "unit_provider_id", "unit_name")
    counted = tallies.case_count(case)  # where the case is counted until this action
    if case.status not in (Status.NEW, Status.ASSIGNED):
        raise ValidationError(_("已答复或已办结的件不能交办"))
    area, provider, name = _unit(unit_kind, unit_area, unit_provider, unit_name)
    if area is not None:
        require(actor, "view", area)
    transfer = case.status == Status.ASSIGNED
    if transfer and (case.unit_kind, case.unit_area_id, case.unit_provider_id, case.unit_name) == (
        unit_kind, area.pk if area else None, provider.pk if provider else None, name,
    ):  # fmt: skip
        raise ValidationError(_("已由该单位承办"))
    before = audit.snapshot(case)
    previous = case.unit_label
    case.unit_kind, case.unit_area, case.unit_provider, case.unit_name = unit_kind, area, provider, name
    now = timezone.now()
    if not transfer:
        if case.source_due_at is not None and not case.urgent:
            # A 12345 transfer runs on the centre's own clock.
            case.due_at, case.due_rule = case.source_due_at, "12345中心办理时限"
            case.remind_at = max(now, case.due_at - datetime.timedelta(hours=24))
        else:
            deadline = deadline_for(case.channel, case.category, case.received_at, urgent=case.urgent)
            case.due_at, case.remind_at, case.due_rule = deadline.due_at, deadline.remind_at, deadline.basis
        case.assigned_at = now
    case.status = Status.ASSIGNED
    case.save()
    if transfer:
        text = f"由 {previous} 转至 {name}" + (f"：{note}" if note else "")
        record(case, EventKind.TRANSFER, actor, before, text)
    else:
        text = f"交 {name} 办理，时限 {timezone.localtime(case.due_at):%Y-%m-%d %H:%M}（{case.due_rule}）"
        record(case, EventKind.ASSIGN, actor, before, text + (f"：{note}" if note else ""))
    tallies.apply_change(counted, tallies.case_count(case))
    return case


@transaction.atomic
def case_extension_request(*, case: Case, days: int, reason: str, actor: Any) -> Case:
    """申请延期 by the unit, before the deadline passes and once per round."""
    require(actor, "reply", case)
    locked(case, "status", "extension_status")
    if case.status != Status.ASSIGNED:
        raise ValidationError(_("只有办理中的件可以申请延期"))
    if case.extension_status == ExtensionStatus.PENDING:
        raise ValidationError(_("已有待审批的延期申请"))
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationError({"days": _("延期为 1–30 个工作日")})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写延期理由")})
    before = audit.snapshot(case)
    case.extension_status, case.extension_days, case.extension_reason = (
        ExtensionStatus.PENDING,
        days,
        reason.strip()[:300],
    )
    case.save()
    record(case, EventKind.EXTEND_REQUEST, actor, before, f"{days} 个工作日：{case.extension_reason}")
    return case


@transaction.atomic
def case_extension_decide(*, case: Case, approve: bool, note: str = "", actor: Any) -> Case:
    """批准 or refuse an extension: approved, the deadline moves by the working days asked for."""
    require(actor, "approve", case)
    locked(case, "extension_status", "due_at")
    if case.extension_status != ExtensionStatus.PENDING:
        raise ValidationError(_("没有待审批的延期申请"))
    before = audit.snapshot(case)
    if approve:
        assert case.due_at is not None and case.extension_days
        day = timezone.localtime(case.due_at).date()
        case.due_at = end_of_day(add_working_days(load_calendar(day), day, case.extension_days))
        case.remind_at = case.due_at - datetime.timedelta(hours=24)
        case.reminded_at = None
        case.extension_status = ExtensionStatus.APPROVED
        text = f"延期至 {timezone.localtime(case.due_at):%Y-%m-%d}"
        kind = EventKind.EXTEND_APPROVE
    else:
        case.extension_status = ExtensionStatus.REFUSED
        text, kind = "不予延期", EventKind.EXTEND_REFUSE
    case.save()
    record(case, kind, actor, before, text + (f"：{note}" if note else ""))
    return case


@transaction.atomic
def case_reply(*, case: Case, reply: str, finding: str, actor: Any) -> Case:
    """答复 the complainant: the unit's answer and its finding; the case then awaits the return call."""
    require(actor, "reply", case)
    locked(case, "status")
    counted = tallies.case_count(case)  # where the case is counted until this action
    if case.status != Status.ASSIGNED:
        raise ValidationError(_("只有办理中的件可以答复"))
    if not reply.strip():
        raise ValidationError({"reply": _("请填写答复意见")})
    if finding not in Finding.values:
        raise ValidationError({"finding": _("请选择核实结论")})
    before = audit.snapshot(case)
    case.reply, case.finding, case.replied_at = reply.strip(), finding, timezone.now()
    case.status = Status.REPLIED
    case.save()
    record(case, EventKind.REPLY, actor, before, f"{stored(Finding(finding).label)}：{case.reply[:400]}")
    tallies.apply_change(counted, tallies.case_count(case))
    return case


@transaction.atomic
def case_return_call(*, case: Case, satisfaction: str, note: str = "", actor: Any) -> Case:
    """回访: satisfied, the case is closed (办结); dissatisfied, it goes back to the unit (重新办理)
    with a fresh deadline; not reached, it stays waiting for another call."""
    require(actor, "callback", case)
    locked(case, "status")
    counted = tallies.case_count(case)  # where the case is counted until this action
    if case.status != Status.REPLIED:
        raise ValidationError(_("答复后才能回访"))
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("请选择回访结果")})
    before = audit.snapshot(case)
    now = timezone.now()
    label = stored(Satisfaction(satisfaction).label)
    case.satisfaction, case.return_called_at = satisfaction, now
    if satisfaction == Satisfaction.UNREACHED:
        case.save()
        record(case, EventKind.RETURN_CALL, actor, before, label + (f"：{note}" if note else ""))
        tallies.apply_change(counted, tallies.case_count(case))
        return case
    if satisfaction == Satisfaction.DISSATISFIED:
        deadline = deadline_for(case.channel, case.category, now, urgent=case.urgent)
        case.status, case.reopen_count = Status.ASSIGNED, case.reopen_count + 1
        case.due_at, case.remind_at, case.reminded_at = deadline.due_at, deadline.remind_at, None
        case.escalation_level, case.escalated_path, case.escalated_at = 0, "", None
        case.extension_status = ExtensionStatus.NONE
        case.save()
        record(case, EventKind.RETURN_CALL, actor, before, label + (f"：{note}" if note else ""))
        text = f"第 {case.reopen_count} 次重新办理，时限 {timezone.localtime(case.due_at):%Y-%m-%d %H:%M}"
        record(case, EventKind.REOPEN, actor, None, text, audit_row=False)
        tallies.apply_change(counted, tallies.case_count(case))
        return case
    _close(case, now)
    case.save()
    record(case, EventKind.RETURN_CALL, actor, before, label + (f"：{note}" if note else ""))
    record(case, EventKind.CLOSE, actor, None, "按时办结" if case.on_time else "超期办结", audit_row=False)
    tallies.apply_change(counted, tallies.case_count(case))
    return case


def _close(case: Case, now: datetime.datetime) -> None:
    if not case.reply or case.replied_at is None:
        raise ValidationError(_("没有答复意见的件不能办结"))
    case.status, case.closed_at = Status.CLOSED, now
    case.on_time = bool(case.due_at is None or case.replied_at <= case.due_at)


@transaction.atomic
def case_close(*, case: Case, note: str, actor: Any) -> Case:
    """办结 a replied case without a return call (the complainant cannot be reached after tries)."""
    require(actor, "callback", case)
    locked(case, "status")
    counted = tallies.case_count(case)  # where the case is counted until this action
    if case.status != Status.REPLIED:
        raise ValidationError(_("没有答复意见的件不能办结"))
    if not note.strip():
        raise ValidationError({"note": _("请说明未回访即办结的原因")})
    before = audit.snapshot(case)
    _close(case, timezone.now())
    case.save()
    record(case, EventKind.CLOSE, actor, before, note.strip())
    tallies.apply_change(counted, tallies.case_count(case))
    return case


def is_satisfied(satisfaction: str) -> bool:
    return satisfaction in SATISFIED
