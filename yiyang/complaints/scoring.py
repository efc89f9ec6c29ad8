"""Monthly provider scorecards (服务商月度考评), computed in a handful of SQL statements.

The rules in force on the month's first day (``ScoreRule``) say what each kind of event costs. One
``INSERT … SELECT`` per kind writes a ``ScorePoint`` for every event of the month — upheld complaints
(by the month of the reply), complaints the provider answered late, missed and late visits and the
other service exceptions not dismissed, return calls that were dissatisfied or raised a complaint,
ratings under three stars — each pointing back to its case or work order. One more statement adds the
points per provider to the base score and places the provider on the credit list (红黑榜). Providers
with neither a visit nor an event that month get no score. Rerunning a month replaces it.

Institutions (养老机构) are scored in the same run and the same way: upheld complaints against the
home (by the month of the reply), inspection findings by severity (by the inspection's date), a
rectification deadline that passed without the finding put right (once, in the deadline's month) or
one kept and verified (in the month of the rectification), incidents that harmed a resident. Every
active home gets a score, eventful or not. The base and the credit-list thresholds are shared.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from yiyang.complaints.choices import Finding, ScoreSource
from yiyang.complaints.models import (
    Case,
    InstitutionScore,
    InstitutionScorePoint,
    ProviderScore,
    ScorePoint,
    ScoreRule,
)
from yiyang.core.dated import in_force_q
from yiyang.institutions.choices import FindingSeverity, FindingStatus
from yiyang.institutions.models import Finding as InspectionFinding
from yiyang.institutions.models import Incident, Inspection, Institution
from yiyang.services.choices import ExceptionKind, ExceptionStatus
from yiyang.services.models import Provider, ReturnCall, ServiceException, Visit, VisitRating

DEFAULTS = {ScoreSource.BASE: Decimal("100"), ScoreSource.RED_MIN: Decimal("95"),
            ScoreSource.BLACK_BELOW: Decimal("80")}  # fmt: skip
LOW_RATING = 2  # 1 or 2 stars


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def rules_for(month: datetime.date) -> dict[str, Decimal]:
    """Points by source in force on the month's first day (the newest rule of each source)."""
    found: dict[str, Decimal] = {}
    for rule in ScoreRule.objects.filter(in_force_q(month)).order_by("source", "-valid_from"):
        found.setdefault(rule.source, rule.points)
    for source, value in DEFAULTS.items():
        found.setdefault(source, value)
    return found


@dataclass
class ScoreRun:
    month: datetime.date
    points: int
    providers: int
    institutions: int = 0
    institution_points: int = 0


def _t(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _insert(select: str, params: list[Any]) -> int:
    columns = "provider_id, month, source, points, at, area_path, ref_type, ref_id, note"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {_t(ScorePoint)} ({columns}) {select}", params)
        return int(cursor.rowcount or 0)


def compute_month(month: datetime.date) -> ScoreRun:
    """Score ``month`` for every provider; runs inside the caller's transaction."""
    month = month_start(month)
    tz = timezone.get_current_timezone()
    low = datetime.datetime.combine(month, datetime.time(), tz)
    high = datetime.datetime.combine(next_month(month), datetime.time(), tz)
    rules = rules_for(month)
    ScorePoint.objects.filter(month=month).delete()
    ProviderScore.objects.filter(month=month).delete()
    case, exc, call, rating, visit = (
        _t(Case),
        _t(ServiceException),
        _t(ReturnCall),
        _t(VisitRating),
        _t(Visit),
    )
    points = 0

    def rule(source: str) -> Decimal | None:
        return rules.get(source)

    for source, finding in (
        (ScoreSource.COMPLAINT_UPHELD, Finding.UPHELD),
        (ScoreSource.COMPLAINT_PARTLY, Finding.PARTLY),
    ):
        if rule(source) is not None:
            points += _insert(
                f"SELECT c.subject_provider_id, %s, %s, %s, c.replied_at, c.area_path, 'complaints.case', c.id, c.number "
                f"FROM {case} c WHERE c.subject_provider_id IS NOT NULL AND c.finding = %s "
                f"AND c.replied_at >= %s AND c.replied_at < %s",
                [month, source, rule(source), finding, low, high],
            )  # fmt: skip
    if rule(ScoreSource.CASE_LATE) is not None:
        points += _insert(
            f"SELECT c.unit_provider_id, %s, %s, %s, c.closed_at, c.area_path, 'complaints.case', c.id, c.number "
            f"FROM {case} c WHERE c.unit_provider_id IS NOT NULL AND c.on_time = %s "
            f"AND c.closed_at >= %s AND c.closed_at < %s",
            [month, ScoreSource.CASE_LATE, rule(ScoreSource.CASE_LATE), False, low, high],
        )  # fmt: skip
    kinds = [(ScoreSource.VISIT_MISSED, "= %s", [ExceptionKind.MISSED]), (ScoreSource.VISIT_LATE, "= %s", [ExceptionKind.LATE]),
             (ScoreSource.SERVICE_EXCEPTION, "NOT IN (%s, %s)", [ExceptionKind.MISSED, ExceptionKind.LATE])]  # fmt: skip
    for source, condition, values in kinds:
        if rule(source) is not None:
            points += _insert(
                f"SELECT e.provider_id, %s, %s, %s, e.created_at, e.area_path, 'services.workorder', e.work_order_id, "
                f"SUBSTR(e.detail, 1, 200) FROM {exc} e WHERE e.provider_id IS NOT NULL AND e.status <> %s "
                f"AND e.kind {condition} AND e.created_at >= %s AND e.created_at < %s",
                [month, source, rule(source), ExceptionStatus.DISMISSED, *values, low, high],
            )  # fmt: skip
    if rule(ScoreSource.CALLBACK_DISSATISFIED) is not None:
        points += _insert(
            f"SELECT r.provider_id, %s, %s, %s, r.called_at, r.area_path, 'services.workorder', v.work_order_id, "
            f"SUBSTR(r.note, 1, 200) FROM {call} r JOIN {visit} v ON v.id = r.visit_id "
            f"WHERE (r.satisfied = %s OR r.complaint = %s) AND r.called_at >= %s AND r.called_at < %s",
            [month, ScoreSource.CALLBACK_DISSATISFIED, rule(ScoreSource.CALLBACK_DISSATISFIED), False, True, low, high],
        )  # fmt: skip
    if rule(ScoreSource.RATING_LOW) is not None:
        points += _insert(
            f"SELECT r.provider_id, %s, %s, %s, r.created_at, r.area_path, 'services.workorder', v.work_order_id, "
            f"SUBSTR(r.comment, 1, 200) FROM {rating} r JOIN {visit} v ON v.id = r.visit_id "
            f"WHERE r.score <= %s AND r.created_at >= %s AND r.created_at < %s",
            [month, ScoreSource.RATING_LOW, rule(ScoreSource.RATING_LOW), LOW_RATING, low, high],
        )  # fmt: skip
    base, red, black = rules[ScoreSource.BASE], rules[ScoreSource.RED_MIN], rules[ScoreSource.BLACK_BELOW]
    now = timezone.now()
    score = "(CAST(%s AS NUMERIC) + COALESCE(t.total, 0))"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_t(ProviderScore)} (provider_id, month, score, deducted, events, credit_list, computed_at) "
            f"SELECT p.id, %s, {score}, -COALESCE(t.total, 0), COALESCE(t.n, 0), "
            f"CASE WHEN {score} >= CAST(%s AS NUMERIC) THEN 'red' WHEN {score} < CAST(%s AS NUMERIC) THEN 'black' ELSE '' END, %s "
            f"FROM {_t(Provider)} p LEFT JOIN (SELECT s.provider_id, SUM(s.points) AS total, COUNT(*) AS n "
            f"FROM {_t(ScorePoint)} s WHERE s.month = %s GROUP BY s.provider_id) t ON t.provider_id = p.id "
            f"WHERE t.n > 0 OR EXISTS (SELECT 1 FROM {visit} v WHERE v.provider_id = p.id "
            f"AND v.service_date >= %s AND v.service_date < %s)",
            [month, base, base, red, base, black, now, month, month, next_month(month)],
        )  # fmt: skip
        providers = int(cursor.rowcount or 0)
    home_points, homes = compute_institutions(month, rules)
    return ScoreRun(month, points, providers, homes, home_points)


def _local_midnight(column: str, days: int, offset: datetime.timedelta) -> tuple[str, list[Any]]:
    """SQL for the instant the local day ``column`` (+ ``days``) begins, as the UTC timestamp the
    database stores; the zone's offset is the month's (Asia/Shanghai keeps one all year)."""
    seconds = int(offset.total_seconds())
    if connection.vendor == "postgresql":
        return f"(CAST({column} AS TIMESTAMP) + %s * INTERVAL '1 second')", [days * 86400 - seconds]
    return f"datetime({column}, %s)", [f"{days * 86400 - seconds} seconds"]


def compute_institutions(month: datetime.date, rules: dict[str, Decimal]) -> tuple[int, int]:
    """Score ``month`` for every home (points written, homes scored); inside the caller's transaction."""
    tz = timezone.get_current_timezone()
    low = datetime.datetime.combine(month, datetime.time(), tz)
    end = next_month(month)
    high = datetime.datetime.combine(end, datetime.time(), tz)
    offset = low.utcoffset() or datetime.timedelta()
    InstitutionScorePoint.objects.filter(month=month).delete()
    InstitutionScore.objects.filter(month=month).delete()
    case, home, finding, inspection, incident = (
        _t(Case), _t(Institution), _t(InspectionFinding), _t(Inspection), _t(Incident),
    )  # fmt: skip
    columns = "institution_id, month, source, points, at, area_path, ref_type, ref_id, note"

    def insert(select: str, params: list[Any]) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {_t(InstitutionScorePoint)} ({columns}) {select}", params)
            return int(cursor.rowcount or 0)

    points = 0
    for source, found in (
        (ScoreSource.HOME_UPHELD, Finding.UPHELD),
        (ScoreSource.HOME_PARTLY, Finding.PARTLY),
    ):
        if source in rules:
            points += insert(
                f"SELECT c.subject_institution_id, %s, %s, %s, c.replied_at, h.area_path, 'complaints.case', c.id, "
                f"c.number FROM {case} c JOIN {home} h ON h.id = c.subject_institution_id WHERE c.finding = %s "
                f"AND c.replied_at >= %s AND c.replied_at < %s",
                [month, source, rules[source], found, low, high],
            )  # fmt: skip
    inspected_at, inspected_params = _local_midnight("i.inspected_on", 0, offset)
    for source, severity in (
        (ScoreSource.FINDING_GENERAL, FindingSeverity.GENERAL),
        (ScoreSource.FINDING_MAJOR, FindingSeverity.MAJOR),
        (ScoreSource.FINDING_SERIOUS, FindingSeverity.SERIOUS),
    ):
        if source in rules:
            points += insert(
                f"SELECT f.institution_id, %s, %s, %s, {inspected_at}, h.area_path, 'institutions.finding', f.id, "
                f"SUBSTR(f.description, 1, 200) FROM {finding} f JOIN {inspection} i ON i.id = f.inspection_id "
                f"JOIN {home} h ON h.id = f.institution_id WHERE f.severity = %s "
                f"AND i.inspected_on >= %s AND i.inspected_on < %s",
                [month, source, rules[source], *inspected_params, severity, month, end],
            )  # fmt: skip
    if ScoreSource.FINDING_OVERDUE in rules:
        # Overdue the day after the deadline: only deadlines that have passed by today count.
        overdue_at, overdue_params = _local_midnight("f.deadline", 1, offset)
        points += insert(
            f"SELECT f.institution_id, %s, %s, %s, {overdue_at}, h.area_path, 'institutions.finding', f.id, "
            f"SUBSTR(f.description, 1, 200) FROM {finding} f JOIN {home} h ON h.id = f.institution_id "
            f"WHERE f.deadline >= %s AND f.deadline < %s AND f.deadline < %s "
            f"AND (f.rectified_on IS NULL OR f.rectified_on > f.deadline)",
            [month, ScoreSource.FINDING_OVERDUE, rules[ScoreSource.FINDING_OVERDUE], *overdue_params,
             month, end, timezone.localdate()],
        )  # fmt: skip
    if ScoreSource.FINDING_FIXED in rules:
        fixed_at, fixed_params = _local_midnight("f.rectified_on", 0, offset)
        points += insert(
            f"SELECT f.institution_id, %s, %s, %s, {fixed_at}, h.area_path, 'institutions.finding', f.id, "
            f"SUBSTR(f.description, 1, 200) FROM {finding} f JOIN {home} h ON h.id = f.institution_id "
            f"WHERE f.status = %s AND f.rectified_on <= f.deadline AND f.rectified_on >= %s AND f.rectified_on < %s",
            [month, ScoreSource.FINDING_FIXED, rules[ScoreSource.FINDING_FIXED], *fixed_params,
             FindingStatus.VERIFIED, month, end],
        )  # fmt: skip
    for source, harms in (
        (ScoreSource.INCIDENT_HARM, [Incident.Harm.MINOR]),
        (ScoreSource.INCIDENT_SERIOUS, [Incident.Harm.SERIOUS, Incident.Harm.DEATH]),
    ):
        if source in rules:
            marks = ", ".join(["%s"] * len(harms))
            points += insert(
                f"SELECT e.institution_id, %s, %s, %s, e.occurred_at, h.area_path, 'institutions.incident', e.id, "
                f"SUBSTR(e.description, 1, 200) FROM {incident} e JOIN {home} h ON h.id = e.institution_id "
                f"WHERE e.harm IN ({marks}) AND e.occurred_at >= %s AND e.occurred_at < %s",
                [month, source, rules[source], *harms, low, high],
            )  # fmt: skip
    base, red, black = rules[ScoreSource.BASE], rules[ScoreSource.RED_MIN], rules[ScoreSource.BLACK_BELOW]
    score = "(CAST(%s AS NUMERIC) + COALESCE(t.total, 0))"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_t(InstitutionScore)} (institution_id, month, area_path, score, deducted, events, "
            f"credit_list, computed_at) SELECT h.id, %s, h.area_path, {score}, -COALESCE(t.total, 0), COALESCE(t.n, 0), "
            f"CASE WHEN {score} >= CAST(%s AS NUMERIC) THEN 'red' WHEN {score} < CAST(%s AS NUMERIC) THEN 'black' ELSE '' END, %s "
            f"FROM {home} h LEFT JOIN (SELECT s.institution_id, SUM(s.points) AS total, COUNT(*) AS n "
            f"FROM {_t(InstitutionScorePoint)} s WHERE s.month = %s GROUP BY s.institution_id) t ON t.institution_id = h.id "
            f"WHERE t.n > 0 OR h.is_active = %s",
            [month, base, base, red, base, black, timezone.now(), month, True],
        )  # fmt: skip
        homes = int(cursor.rowcount or 0)
    return points, homes
