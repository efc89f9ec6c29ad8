"""月末核对: proof that the time bank's ledger balances and no account exceeds its cap.

A handful of set-based statements over the whole ledger, whatever its size:

1. every account's maintained balance equals the credits less the debits of its movements;
2. the maintained balances of all accounts sum to zero (each movement moved minutes, never made them);
3. at the month's end no holder (person, team, elder) or pool is below zero, and no holder above the cap
   in force that day;
4. every reversal names a movement and mirrors it (same minutes, accounts swapped);
5. every earning names a verified service or attendance.

A passed check leaves a checkpoint (each account's credits and debits up to its last movement, and the
fingerprint of those movements); the next check sums only the movements since, so its cost follows the
month's movements rather than the ledger's size, plus one ungrouped scan for the fingerprint.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from yiyang.core import audit
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.volunteers.actions.bank import rule_on
from yiyang.volunteers.choices import HOLDER_KINDS, AccountKind
from yiyang.volunteers.models import (
    LedgerCheckpoint,
    MonthEndCheck,
    Participation,
    ServiceRecord,
    TimeAccount,
    TimeMovement,
)

#: Earnings' sources: a prefix of ``source_key`` and the table whose verified rows may be named.
EARNING_SOURCES: list[tuple[str, str, str]] = [
    ("service:", ServiceRecord._meta.db_table, "status = 'verified'"),
    ("activity:", Participation._meta.db_table, "attended_at IS NOT NULL AND s.volunteer_id IS NOT NULL"),
]


def month_end(month: datetime.date) -> datetime.datetime:
    """The first instant after the month (local time)."""
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return timezone.make_aware(datetime.datetime.combine(following, datetime.time()))


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


#: The fingerprint of a stretch of the ledger: one scan, no grouping. A movement edited or deleted after
#: a check changes it, so the next check sees that the part it did not sum again is not what was checked.
_FINGERPRINT = ("COUNT(*)", "COALESCE(SUM(minutes), 0)", "COALESCE(SUM(CAST(debit_id AS BIGINT) * minutes), 0)",
                "COALESCE(SUM(CAST(credit_id AS BIGINT) * minutes), 0)", "COALESCE(SUM(id %% 9973), 0)")  # fmt: skip


def _fingerprint(low: int, high: int) -> list[int]:
    """The fingerprint of the movements ``low < id <= high``; from the first, and with ``high`` the
    last (the check holds the ledger still), the pass needs no filter at all."""
    m = TimeMovement._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {m}")
        (last,) = cursor.fetchone()
    where, params = (
        ("", []) if low <= 0 and high >= int(last) else (" WHERE id > %s AND id <= %s", [low, high])
    )
    [row] = _rows(f"SELECT {', '.join(_FINGERPRINT)} FROM {m}{where}", params)
    return [int(v) for v in row]


def _sum_since(low: int, high: int, end: datetime.datetime, *, fingerprint_terms: bool) -> None:
    """The movements ``low < id <= high``, per account, in one pass over them (the temporary table
    ``volunteers_check_delta``): credits and debits, those before ``end``, and with
    ``fingerprint_terms`` the count and id terms of their fingerprint (for the month's few movements;
    over the whole ledger one ungrouped pass is cheaper than two more grouped sums)."""
    m = TimeMovement._meta.db_table
    sums, credit_terms, debit_terms = (
        (", SUM(n) AS n, SUM(idm) AS idm", ", 1 AS n, id %% 9973 AS idm", ", 0, 0")
        if fingerprint_terms
        else ("", "", "")
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS volunteers_check_delta")
        cursor.execute(
            f"""CREATE TEMPORARY TABLE volunteers_check_delta AS
                SELECT account_id, SUM(cr) AS credits, SUM(de) AS debits, SUM(cr_end) AS credits_end,
                       SUM(de_end) AS debits_end{sums}
                FROM (SELECT credit_id AS account_id, minutes AS cr, 0 AS de,
                             CASE WHEN occurred_at < %s THEN minutes ELSE 0 END AS cr_end, 0 AS de_end{credit_terms}
                      FROM {m} WHERE id > %s AND id <= %s
                      UNION ALL
                      SELECT debit_id, 0, minutes, 0, CASE WHEN occurred_at < %s THEN minutes ELSE 0 END{debit_terms}
                      FROM {m} WHERE id > %s AND id <= %s) x
                GROUP BY account_id""",
            [end, low, high, end, low, high],
        )


def _delta_fingerprint() -> list[int]:
    """The fingerprint of the movements since the checkpoint, read from their per-account sums (the
    temporary table ``volunteers_check_delta``) rather than by another pass over them: each movement
    is counted once on its credit side, and ``SUM(debit_id * minutes)`` over the movements is
    ``SUM(account_id * debits)`` over the accounts (likewise for credits). Equal, term by term, to
    :func:`_fingerprint` over the same movements."""
    [row] = _rows(
        """SELECT COALESCE(SUM(n), 0), COALESCE(SUM(credits), 0),
                  COALESCE(SUM(CAST(account_id AS BIGINT) * debits), 0),
                  COALESCE(SUM(CAST(account_id AS BIGINT) * credits), 0), COALESCE(SUM(idm), 0)
           FROM volunteers_check_delta WHERE 1 = %s""",
        [1],
    )
    return [int(v) for v in row]


def _since(end: datetime.datetime) -> MonthEndCheck | None:
    """The latest passed check whose checkpoint this month's check may start from: every movement it
    covers occurred before this month's end."""
    return (
        MonthEndCheck.objects.filter(ok=True, checkpointed=True, through_occurred__lt=end)
        .order_by("-through_id")
        .first()
    )


def _lock_ledger() -> None:
    """One consistent picture: on PostgreSQL the check waits for movements being posted and holds new
    ones back until it commits (seconds, once a month); SQLite writes one at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {TimeMovement._meta.db_table} IN SHARE MODE")


def run_check(*, month: datetime.date, actor: Any) -> MonthEndCheck:
    """Set-based and incremental: the per-account sums start from the last passed check's checkpoint and
    add only the movements since; the older part is proved unchanged by its fingerprint (one scan
    without grouping). Without a usable checkpoint the whole ledger is summed."""
    require(actor, "add", MonthEndCheck)
    started = time.perf_counter()
    end = month_end(month)
    cap = rule_on(end.date() - datetime.timedelta(days=1)).cap_hours
    a, m, cp = TimeAccount._meta.db_table, TimeMovement._meta.db_table, LedgerCheckpoint._meta.db_table
    problems: list[dict[str, Any]] = []
    holders = "', '".join(HOLDER_KINDS)
    with transaction.atomic():
        _lock_ledger()
        last = TimeMovement.objects.aggregate(through=Max("id"), occurred=Max("occurred_at"))
        through, through_occurred = int(last["through"] or 0), last["occurred"]
        base = _since(end)
        low = int(base.through_id or 0) if base else 0
        _sum_since(low, through, end, fingerprint_terms=base is not None)
        whole: list[int] | None = None
        if base is not None:
            # The part checked before is proved unchanged by its fingerprint: the whole ledger's (one
            # pass without grouping and without a filter: nothing is above ``through`` under the lock)
            # less the new movements' (from their per-account sums).
            whole = _fingerprint(0, through) if through else [0] * len(_FINGERPRINT)
            older = [x - y for x, y in zip(whole, _delta_fingerprint(), strict=True)]
            if older != base.fingerprint:
                problems.append({"problem": "上次核对后已核对的流水被改动", "through": low})
                base, low = None, 0  # sum the whole ledger instead
                _sum_since(low, through, end, fingerprint_terms=False)
        base_id = base.pk if base else 0
        per_account = f"""
            SELECT acct.id, acct.kind, acct.name, acct.balance_minutes,
                   COALESCE(p.credits, 0) - COALESCE(p.debits, 0)
                       + COALESCE(d.credits, 0) - COALESCE(d.debits, 0) AS derived,
                   COALESCE(p.credits, 0) - COALESCE(p.debits, 0)
                       + COALESCE(d.credits_end, 0) - COALESCE(d.debits_end, 0) AS at_end
            FROM {a} acct
            LEFT JOIN {cp} p ON p.account_id = acct.id AND p.month_end_id = %s
            LEFT JOIN volunteers_check_delta d ON d.account_id = acct.id
        """
        rows = _rows(
            f"""SELECT id, kind, name, balance_minutes, derived, at_end FROM ({per_account}) x
                WHERE balance_minutes <> derived
                   OR (kind IN ('{holders}', '{AccountKind.POOL}') AND at_end < 0)
                   OR (kind IN ('{holders}') AND at_end > %s)""",
            [base_id, cap * 60],
        )
        for pk, kind, name, balance, derived, at_end in [
            (r[0], r[1], r[2], *map(int, r[3:])) for r in rows[:200]
        ]:
            if balance != derived:
                problems.append({"account": pk, "name": name, "problem": "余额与流水不符",
                                 "balance": balance, "derived": derived})  # fmt: skip
            if at_end < 0:
                problems.append({"account": pk, "name": name, "problem": "月末余额为负", "minutes": at_end})
            elif kind in HOLDER_KINDS and at_end > cap * 60:
                problems.append(
                    {"account": pk, "name": name, "problem": "月末余额超出存储上限", "minutes": at_end}
                )
        [(accounts, total)] = _rows(
            f"SELECT COUNT(*), COALESCE(SUM(balance_minutes), 0) FROM {a} WHERE 1 = %s", [1]
        )
        accounts, total = int(accounts), int(total)  # PostgreSQL sums are decimals
        if total != 0:
            problems.append({"problem": "全部账户余额合计不为零", "minutes": total})
        # The movements up to ``through``: the first check reads them in one more pass, ungrouped.
        fingerprint = whole if whole is not None else _fingerprint(0, through)
        # Reversals and earnings of the movements since the checkpoint (the older ones were checked).
        [(bad_reversals,)] = _rows(
            f"""SELECT COUNT(*) FROM {m} r LEFT JOIN {m} o ON o.id = r.reverses_id
                WHERE r.id > %s AND r.id <= %s AND r.kind = %s AND (o.id IS NULL OR o.minutes <> r.minutes
                      OR o.debit_id <> r.credit_id OR o.credit_id <> r.debit_id)""",
            [low, through, "reversal"],
        )
        if bad_reversals:
            problems.append({"problem": "冲正流水与原流水不对应", "count": bad_reversals})
        # The source's key is read back from the text (``service:42``) so the lookup is by primary key.
        sourced, patterns = [], []
        for prefix, table, condition in EARNING_SOURCES:
            sourced.append(
                f"EXISTS (SELECT 1 FROM {table} s WHERE s.id = CASE WHEN e.source_key LIKE %s "
                f"THEN CAST(SUBSTR(e.source_key, {len(prefix) + 1}) AS BIGINT) END AND s.{condition})"
            )
            patterns.append(prefix + "%")
        [(unsourced,)] = _rows(
            f"SELECT COUNT(*) FROM {m} e WHERE e.id > %s AND e.id <= %s AND e.kind = %s AND NOT ({' OR '.join(sourced)})",
            [low, through, "earn", *patterns],
        )
        if unsourced:
            problems.append({"problem": "存入时间没有对应的已核验服务或签到", "count": unsourced})
        check = MonthEndCheck.objects.create(
            month=month.replace(day=1), movements=fingerprint[0], accounts=accounts, total_minutes=total,
            cap_hours=cap, problems=problems, ok=not problems, actor_name=audit._actor_fields(actor)["actor_name"],
            through_id=through, through_occurred=through_occurred, fingerprint=fingerprint,
            incremental=base is not None,
        )  # fmt: skip
        if check.ok:  # the next check starts here; older checkpoints are no longer needed
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {cp} WHERE month_end_id <> %s", [base_id])
                cursor.execute(
                    f"""INSERT INTO {cp} (month_end_id, account_id, credits, debits)
                        SELECT %s, acct.id, COALESCE(p.credits, 0) + COALESCE(d.credits, 0),
                               COALESCE(p.debits, 0) + COALESCE(d.debits, 0)
                        FROM {a} acct
                        LEFT JOIN {cp} p ON p.account_id = acct.id AND p.month_end_id = %s
                        LEFT JOIN volunteers_check_delta d ON d.account_id = acct.id
                        WHERE p.account_id IS NOT NULL OR d.account_id IS NOT NULL""",
                    [check.pk, base_id],
                )
                cursor.execute(f"DELETE FROM {cp} WHERE month_end_id <> %s", [check.pk])
            MonthEndCheck.objects.filter(checkpointed=True).update(checkpointed=False)
            check.checkpointed = True
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS volunteers_check_delta")
        check.seconds = round(time.perf_counter() - started, 3)
        check.save(update_fields=["checkpointed", "seconds"])
        audit.record_change(actor=actor, obj=check, action=AuditEntry.Action.CREATE, verb="monthendcheck.run",
                            after=audit.snapshot(check))  # fmt: skip
    return check
