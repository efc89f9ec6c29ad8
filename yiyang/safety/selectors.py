"""Reads of the safety module: the alarm board and the service levels, always for one user."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.areas.models import Area
from yiyang.safety.choices import AlarmOutcome, AlarmStatus, DeviceStatus, Severity
from yiyang.safety.models import Alarm, Device

STREET_PATH_LEN = 9  # 320612001: the district's six digits and the street's three


#: How many alarms the board shows at first, and how many more each "显示更多" adds.
BOARD_STEP = 100


@dataclass(frozen=True)
class BoardCounts:
    """The board's badges, counted in SQL over every open alarm in scope (never from the shown list)."""

    new: int
    open: int
    overdue: int
    urgent: int

    @property
    def handling(self) -> int:
        """Acknowledged and not yet closed."""
        return self.open - self.new


def _overdue_q(now: datetime.datetime) -> Q:
    """The SQL twin of :attr:`Alarm.overdue`: urgent, still new, past the answer limit or escalated."""
    limit = now - datetime.timedelta(seconds=settings.SAFETY_ACK_TIMEOUT_SECONDS)
    return Q(status=AlarmStatus.NEW, severity=Severity.URGENT) & (
        Q(escalated_at__isnull=False) | Q(raised_at__lt=limit)
    )


def board_counts(user: Any) -> BoardCounts:
    row = (
        Alarm.objects.for_user(user)
        .filter(closed_at__isnull=True)
        .aggregate(
            new=Count("pk", filter=Q(status=AlarmStatus.NEW)),
            open=Count("pk"),
            overdue=Count("pk", filter=_overdue_q(timezone.now())),
            urgent=Count("pk", filter=Q(severity=Severity.URGENT)),
        )
    )
    return BoardCounts(**row)


def board_alarms(user: Any, *, limit: int = BOARD_STEP, closed_hours: int = 2) -> list[Alarm]:
    """The first ``limit`` open alarms, urgent before follow-up and oldest first within each; once
    every open alarm is shown, also those closed in the last ``closed_hours`` (latest first).

    Severity is ranked explicitly: ordering by the stored value would rely on the alphabet."""
    scoped = Alarm.objects.for_user(user).select_related("elder", "elder__area", "device")
    rank = Case(When(severity=Severity.URGENT, then=Value(0)), default=Value(1))
    shown = list(scoped.filter(closed_at__isnull=True).order_by(rank, "raised_at", "pk")[: limit + 1])
    if len(shown) > limit:
        return shown[:limit]
    since = timezone.now() - datetime.timedelta(hours=closed_hours)
    return shown + list(scoped.filter(closed_at__gte=since).order_by("-closed_at", "-pk")[:BOARD_STEP])


def street_of(path: str) -> str:
    return path[:STREET_PATH_LEN] if len(path) >= STREET_PATH_LEN else path


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


@dataclass
class SlaRow:
    street_path: str
    month: str
    street_name: str = ""
    alarms: int = 0
    answered_in_time: int = 0
    ack_seconds: list[float] = field(default_factory=list)
    reach_seconds: list[float] = field(default_factory=list)
    arrive_seconds: list[float] = field(default_factory=list)
    closed: int = 0
    false_alarms: int = 0
    device_faults: int = 0

    @property
    def answered_share(self) -> float | None:
        return self.answered_in_time / self.alarms if self.alarms else None

    @property
    def meets_target(self) -> bool:
        share = self.answered_share
        return share is not None and share >= settings.SAFETY_ANSWER_TARGET

    @property
    def false_rate(self) -> float | None:
        return self.false_alarms / self.closed if self.closed else None

    @property
    def median_ack(self) -> float | None:
        return _median(self.ack_seconds)

    @property
    def median_reach(self) -> float | None:
        return _median(self.reach_seconds)

    @property
    def median_arrive(self) -> float | None:
        return _median(self.arrive_seconds)


def sla_rows(user: Any, date_from: datetime.date, date_to: datetime.date) -> list[SlaRow]:
    """Service levels of urgent alarms per street and month, plus a total row (street_path "")."""
    start = timezone.make_aware(datetime.datetime.combine(date_from, datetime.time()))
    end = timezone.make_aware(
        datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time())
    )
    rows = (
        Alarm.objects.for_user(user)
        .filter(severity=Severity.URGENT, raised_at__gte=start, raised_at__lt=end)
        .values_list(
            "elder__area_path",
            "raised_at",
            "acknowledged_at",
            "reached_at",
            "on_site_at",
            "closed_at",
            "outcome",
        )
    )
    limit = settings.SAFETY_ACK_TIMEOUT_SECONDS
    table: dict[tuple[str, str], SlaRow] = {}
    total_name = _("合计")
    total: dict[str, SlaRow] = {}
    for path, raised, acked, reached, on_site, closed, outcome in rows.iterator(chunk_size=2000):
        month = f"{timezone.localtime(raised):%Y-%m}"
        street = street_of(path)
        for row in (
            table.setdefault((street, month), SlaRow(street, month)),
            total.setdefault(month, SlaRow("", month, total_name)),
        ):
            row.alarms += 1
            if acked:
                ack = (acked - raised).total_seconds()
                row.ack_seconds.append(ack)
                row.answered_in_time += int(ack <= limit)
            if reached:
                row.reach_seconds.append((reached - raised).total_seconds())
            if on_site:
                row.arrive_seconds.append((on_site - raised).total_seconds())
            if closed:
                row.closed += 1
                row.false_alarms += int(outcome == AlarmOutcome.FALSE)
                row.device_faults += int(outcome == AlarmOutcome.DEVICE_FAULT)
    names = dict(Area.objects.filter(path__in={s for s, _ in table}).values_list("path", "name"))
    for (street, _month), row in table.items():
        row.street_name = names.get(street, street)
    ordered = sorted(table.values(), key=lambda r: (r.month, r.street_path))
    return ordered + [total[m] for m in sorted(total)]


@dataclass
class DeviceHealth:
    street_path: str
    street_name: str
    active: int = 0
    silent: int = 0
    untested: int = 0
    low_battery: int = 0


def device_health(user: Any, today: datetime.date | None = None) -> list[DeviceHealth]:
    """Per street: active devices, silent ones, and those not tested this month."""
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    silent_since = timezone.now() - datetime.timedelta(hours=settings.SAFETY_SILENT_HOURS)
    low = settings.SAFETY_LOW_BATTERY
    per: dict[str, DeviceHealth] = {}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    rows = (
        Device.objects.for_user(user)
        .filter(status=DeviceStatus.ACTIVE)
        .values_list("elder__area_path", "last_seen_at", "last_tested_on", "battery")
    )
    for path, seen, tested, battery in rows.iterator(chunk_size=5000):
        c = counts[street_of(path)]
        c[0] += 1
        c[1] += int(seen is None or seen < silent_since)
        c[2] += int(tested is None or tested < month_start)
        c[3] += int(battery is not None and battery < low)
    names = dict(Area.objects.filter(path__in=list(counts)).values_list("path", "name"))
    for street, (active, silent, untested, flat) in sorted(counts.items()):
        per[street] = DeviceHealth(street, names.get(street, street), active, silent, untested, flat)
    return list(per.values())


def format_seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 120:
        return _("%(n)s 秒") % {"n": f"{value:.0f}"}
    if value < 7200:
        return _("%(n)s 分钟") % {"n": f"{value / 60:.1f}"}
    return _("%(n)s 小时") % {"n": f"{value / 3600:.1f}"}
