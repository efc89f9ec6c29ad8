"""The deadline jobs, set-based: reminders before a case falls due, escalation once it is overdue.

Run by ``manage.py complaints_deadlines`` (cron, every few minutes). Each pass is a few statements
whatever the number of cases: the due cases are marked with one ``UPDATE`` and their events written
with one ``INSERT``; a case is reminded once per deadline and escalated once per level.

Escalation goes to the level above the responsible unit: a provider's, an institution's or a
community's case to the street it lies in, a street's or a department's case to the district.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case as When_
from django.db.models import Q, When
from django.db.models.functions import Substr
from django.utils import timezone

from yiyang.complaints.choices import UNANSWERED, EventKind, UnitKind
from yiyang.complaints.models import Case, CaseEvent
from yiyang.core import audit

STREET_PATH = 9
DISTRICT_PATH = 6


@dataclass
class DeadlineRun:
    reminded: int = 0
    escalated: int = 0
    protective_escalated: int = 0


def _events(ids: list[int], kind: str, now: datetime.datetime, note: str) -> None:
    CaseEvent.objects.bulk_create(
        [CaseEvent(case_id=pk, kind=kind, at=now, actor_name="系统", note=note) for pk in ids],
        batch_size=2000,
    )


def remind_due(now: datetime.datetime | None = None) -> int:
    """到期提醒: cases whose reminder time has come, once per deadline."""
    now = now or timezone.now()
    with transaction.atomic():
        due = Case.objects.filter(
            status__in=UNANSWERED, remind_at__lte=now, reminded_at__isnull=True, due_at__gt=now
        )
        ids = list(due.select_for_update().values_list("pk", flat=True))
        if not ids:
            return 0
        Case.objects.filter(pk__in=ids).update(reminded_at=now)
        _events(ids, EventKind.REMIND, now, "即将到期，请按时办理")
        audit.record_bulk(actor=None, object_type="complaints.case", verb="case.remind", area_path="",
                          message=f"到期提醒 {len(ids)} 件")  # fmt: skip
    return len(ids)


def escalate_overdue(now: datetime.datetime | None = None) -> int:
    """超期督办: every unanswered case past its deadline and not yet escalated goes up one level."""
    now = now or timezone.now()
    with transaction.atomic():
        overdue = Case.objects.filter(status__in=UNANSWERED, due_at__lt=now, escalation_level=0)
        ids = list(overdue.select_for_update().values_list("pk", flat=True))
        if not ids:
            return 0
        to_district = Q(unit_kind__in=[UnitKind.STREET, UnitKind.DEPARTMENT])
        Case.objects.filter(pk__in=ids).update(
            escalation_level=1,
            escalated_at=now,
            escalated_path=When_(
                When(to_district, then=Substr("area_path", 1, DISTRICT_PATH)),
                default=Substr("area_path", 1, STREET_PATH),
            ),
        )
        _events(ids, EventKind.ESCALATE, now, "超过办理时限，提级督办")
        audit.record_bulk(actor=None, object_type="complaints.case", verb="case.escalate", area_path="",
                          message=f"超期督办 {len(ids)} 件")  # fmt: skip
    return len(ids)


def run(now: datetime.datetime | None = None) -> DeadlineRun:
    now = now or timezone.now()
    from yiyang.complaints.actions.protection import escalate_overdue_steps

    return DeadlineRun(
        reminded=remind_due(now),
        escalated=escalate_overdue(now),
        protective_escalated=escalate_overdue_steps(now),
    )
