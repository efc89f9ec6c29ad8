"""Reads of the time bank: derived balances and statements."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from types import SimpleNamespace

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from yiyang.volunteers.models import TimeAccount, TimeMovement


def derived_balance(account: TimeAccount, before: datetime.datetime | None = None) -> int:
    """Credits less debits, in minutes: one statement, two index-only sums over the account's
    movements (``time_credit_idx`` and ``time_debit_idx`` carry the minutes), one round trip."""
    m = TimeMovement._meta.db_table
    when, params = ("", []) if before is None else (" AND occurred_at < %s", [before])
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT (SELECT COALESCE(SUM(minutes), 0) FROM {m} WHERE credit_id = %s{when})
                     - (SELECT COALESCE(SUM(minutes), 0) FROM {m} WHERE debit_id = %s{when})""",
            [account.pk, *params, account.pk, *params],
        )
        (balance,) = cursor.fetchone()
    return int(balance)  # PostgreSQL sums are decimals


@dataclass(frozen=True)
class StatementLine:
    movement: TimeMovement
    change: int  # minutes, + in, - out
    balance: int
    counterpart: TimeAccount

    @property
    def change_hours(self) -> float:
        return round(self.change / 60, 2)

    @property
    def balance_hours(self) -> float:
        return round(self.balance / 60, 2)


@dataclass(frozen=True)
class Statement:
    account: TimeAccount
    start: datetime.date
    end: datetime.date
    opening: int
    lines: list[StatementLine]

    @property
    def closing(self) -> int:
        return self.lines[-1].balance if self.lines else self.opening

    @property
    def opening_hours(self) -> float:
        return round(self.opening / 60, 2)

    @property
    def closing_hours(self) -> float:
        return round(self.closing / 60, 2)


def _instant(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def statement(account: TimeAccount, start: datetime.date, end: datetime.date) -> Statement:
    """对账单: the opening balance, every movement from ``start`` to ``end`` (inclusive) with the running
    balance; reversals appear beside what they reverse."""
    since, until = _instant(start), _instant(end + datetime.timedelta(days=1))
    opening = derived_balance(account, since)
    rows = (
        TimeMovement.objects.filter(
            Q(debit=account) | Q(credit=account), occurred_at__gte=since, occurred_at__lt=until
        )
        .select_related("debit", "credit", "reverses")
        .order_by("occurred_at", "id")
    )
    balance, lines = opening, []
    for movement in rows:
        change = movement.minutes if movement.credit_id == account.pk else -movement.minutes
        balance += change
        other = movement.debit if change > 0 else movement.credit
        lines.append(StatementLine(movement, change, balance, other))
    return Statement(account, start, end, opening, lines)


def month_bounds(text: str | None) -> tuple[datetime.date, datetime.date]:
    """``2026-03`` → its first and last day; anything else → this month."""
    today = timezone.localdate()
    try:
        first = datetime.datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        first = today.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def export_rows(result: Statement) -> list[SimpleNamespace]:
    return [
        SimpleNamespace(time=line.movement.occurred_at, kind=line.movement.get_kind_display(), memo=line.movement.memo, counterpart=line.counterpart.name, change=line.change_hours, balance=line.balance_hours, number=line.movement.pk, reverses=line.movement.reverses_id or None)
        for line in result.lines
    ]  # fmt: skip
