"""The time bank's ledger at scale on PostgreSQL: an account's balance, and the month-end check (issue 14).

Targets (issue 14): with 10,000,000 movements, any account's balance p95 under 20 ms and the month-end
check under 10 s. On this shared 2-core machine the default is a tenth of that (``--movements
1000000``) over 20,000 volunteer accounts; say the scale with the figures.

In a dedicated database (yiyang_bench_volunteers) it writes, set-based, the volunteers, their accounts
and the movements (nine in ten from the district's issue account to a volunteer, one in ten from a
volunteer to the services account), then sets every maintained balance from the ledger, so the check
has a true ledger to prove. Measured:

* balance of a volunteer's account: the maintained balance the pages show (one row by key) and the
  derived balance (credits less debits, two index-only sums) for 300 random accounts; baseline in the
  same run: a bare primary-key fetch of a movement row;
* the derived balance of the busiest account (the district's issue account, on one side of 90 % of
  all movements), for the record;
* the month-end check over the whole ledger with no checkpoint (the first check); then ``--months``
  further months of ``--month-movements`` each (default 2 % of the ledger) are appended and each
  month is checked incrementally from the previous check's checkpoint (the way checks run month after
  month); baseline in the same run: one bare aggregate scan (``SELECT count(*), sum(minutes)``) of the
  movements, before and after the further months.

    .venv/bin/python bench/volunteers_ledger.py [--movements 1000000] [--accounts 20000] [--keep]
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import ROOT, ensure_database, sample, save, summary_ms

URL = os.environ.get("BENCH_LEDGER_URL", "postgres://postgres@127.0.0.1:5432/yiyang_bench_volunteers")


def build(accounts: int, movements: int) -> None:
    from django.db import connection, transaction

    from yiyang.areas.models import Area
    from yiyang.volunteers.actions import bank
    from yiyang.volunteers.choices import AccountKind
    from yiyang.volunteers.models import TimeAccount, TimeMovement, Volunteer

    v, a, m = Volunteer._meta.db_table, TimeAccount._meta.db_table, TimeMovement._meta.db_table
    with transaction.atomic(), connection.cursor() as c:
        c.execute(f"TRUNCATE {m}, {a}, {v} CASCADE")
        district, _created = Area.objects.get_or_create(code="329901", defaults={"path": "329901", "name": "基准区", "level": 3,
                                                                          "vintage": "bench"})  # fmt: skip
        community, _ = Area.objects.get_or_create(
            code="329901001001",
            defaults={
                "path": "329901001001",
                "name": "基准社区",
                "level": 5,
                "vintage": "bench",
                "parent": district,
            },
        )
        c.execute(
            f"""INSERT INTO {v} (created_at, updated_at, id_number_enc, id_number_hash, id_number_masked, name, sex,
                    birth_date, phone_enc, phone_hash, phone_masked, kind, skills, available_days, available_slots,
                    area_id, area_path, address, team_id, elder_id, former_profession, willingness, status,
                    joined_on, note)
                SELECT now(), now(), 'v1:x', md5(i::text), '329901********' || lpad(i::text, 4, '0'), '志愿者' || i,
                       'F', DATE '1990-01-01', '', '', '', 'medical', ',health,', ',1,', ',am,', %s, %s, '', NULL,
                       NULL, '', '', 'active', CURRENT_DATE, ''
                FROM generate_series(1, %s) i""",
            [community.pk, community.path, accounts],
        )
        c.execute(
            f"""INSERT INTO {a} (kind, name, volunteer_id, team_id, elder_id, area_path, balance_minutes, opened_at)
                SELECT 'personal', name, id, NULL, NULL, area_path, 0, now() FROM {v}"""
        )
        issue = bank.district_account(AccountKind.ISSUE, community.path)
        service = bank.district_account(AccountKind.SERVICE, community.path)
        c.execute(f"SELECT min(id), max(id) FROM {a} WHERE kind = 'personal'")
        low, high = c.fetchone()
        start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
        c.execute("SET LOCAL work_mem = '256MB'")
        c.execute(
            f"""INSERT INTO {m} (kind, debit_id, credit_id, minutes, occurred_at, area_path, memo, source_key,
                    reverses_id, relation, requested_by, proxy_relation, consent, actor_id, actor_name)
                SELECT 'transfer',
                       CASE WHEN i %% 10 = 0 THEN acct ELSE %s END,
                       CASE WHEN i %% 10 = 0 THEN %s ELSE acct END,
                       CASE WHEN i %% 10 = 0 THEN 30 ELSE 60 END,
                       %s::timestamptz + (i * (interval '365 days' / %s)), %s, '', '', NULL, '', '', '', '', NULL,
                       'bench'
                FROM (SELECT i, %s + (hashint4(i) & 2147483647) %% %s AS acct FROM generate_series(1, %s) i) s""",
            [issue.pk, service.pk, start, movements + 1, community.path, low, high - low + 1, movements],
        )
        c.execute(
            f"""UPDATE {a} acct SET balance_minutes = COALESCE(cr.s, 0) - COALESCE(de.s, 0)
                FROM {a} x
                LEFT JOIN (SELECT credit_id id, SUM(minutes) s FROM {m} GROUP BY credit_id) cr ON cr.id = x.id
                LEFT JOIN (SELECT debit_id id, SUM(minutes) s FROM {m} GROUP BY debit_id) de ON de.id = x.id
                WHERE acct.id = x.id"""
        )
    with connection.cursor() as c:
        c.execute(f"VACUUM ANALYZE {m}")
        c.execute(f"VACUUM ANALYZE {a}")


def append_month(month: datetime.date, movements: int) -> None:
    """A further month's movements (the same mix), with the maintained balances moved as posting does."""
    from django.db import connection, transaction

    from yiyang.volunteers.models import TimeAccount, TimeMovement

    a, m = TimeAccount._meta.db_table, TimeMovement._meta.db_table
    issue = TimeAccount.objects.get(kind="issue", area_path="329901")
    service = TimeAccount.objects.get(kind="service", area_path="329901")
    with transaction.atomic(), connection.cursor() as c:
        c.execute(f"SELECT min(id), max(id) FROM {a} WHERE kind = 'personal'")
        low, high = c.fetchone()
        c.execute(f"SELECT COALESCE(max(id), 0) FROM {m}")
        (after,) = c.fetchone()
        start = datetime.datetime.combine(month, datetime.time(), datetime.UTC)
        c.execute(
            f"""INSERT INTO {m} (kind, debit_id, credit_id, minutes, occurred_at, area_path, memo, source_key,
                    reverses_id, relation, requested_by, proxy_relation, consent, actor_id, actor_name)
                SELECT 'transfer',
                       CASE WHEN i %% 10 = 0 THEN acct ELSE %s END,
                       CASE WHEN i %% 10 = 0 THEN %s ELSE acct END,
                       CASE WHEN i %% 10 = 0 THEN 30 ELSE 60 END,
                       %s::timestamptz + (i * (interval '27 days' / %s)), '329901', '', '', NULL, '', '', '', '',
                       NULL, 'bench'
                FROM (SELECT i, %s + (hashint4(i + %s) & 2147483647) %% %s AS acct
                      FROM generate_series(1, %s) i) s""",
            [issue.pk, service.pk, start, movements + 1, low, after, high - low + 1, movements],
        )
        c.execute(
            f"""UPDATE {a} acct SET balance_minutes = acct.balance_minutes + x.delta
                FROM (SELECT id, SUM(delta) AS delta FROM (
                        SELECT credit_id AS id, minutes AS delta FROM {m} WHERE id > %s
                        UNION ALL SELECT debit_id, -minutes FROM {m} WHERE id > %s) y GROUP BY id) x
                WHERE acct.id = x.id""",
            [after, after],
        )
    with connection.cursor() as c:
        c.execute(f"ANALYZE {m}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--movements", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--reuse", action="store_true", help="measure the ledger already built")
    parser.add_argument(
        "--month-movements",
        type=int,
        default=0,
        help="movements of each further month checked incrementally (default: 2%% of --movements)",
    )
    parser.add_argument("--months", type=int, default=3, help="further months appended and checked")
    args = parser.parse_args()

    ensure_database(URL)
    os.environ["YIYANG_DATABASE_URL"] = URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], check=True, cwd=ROOT)
    import django

    django.setup()
    from django.db import connection

    from yiyang.volunteers import checks, selectors
    from yiyang.volunteers.models import TimeAccount, TimeMovement

    build_seconds = 0.0
    if not args.reuse:
        started = time.perf_counter()
        build(args.accounts, args.movements)
        build_seconds = time.perf_counter() - started
    total = TimeMovement.objects.count()
    ids = list(TimeAccount.objects.filter(kind="personal").values_list("id", flat=True))
    rng = random.Random(14)
    picks = [rng.choice(ids) for _ in range(args.samples)]
    movement_ids = [rng.randint(1, total) for _ in range(args.samples)]
    first_movement = TimeMovement.objects.order_by("id").values_list("id", flat=True).first() or 1

    accounts = iter(picks)
    maintained = sample(lambda: TimeAccount.objects.values_list("balance_minutes", flat=True).get(pk=next(accounts)),
                        args.samples)  # fmt: skip
    accounts = iter(picks)
    objects = {pk: TimeAccount(pk=pk) for pk in picks}
    derived = sample(lambda: selectors.derived_balance(objects[next(accounts)]), args.samples)
    keys = iter(movement_ids)
    baseline = sample(lambda: TimeMovement.objects.filter(pk=first_movement + next(keys) - 1).values_list(
        "minutes", flat=True).first(), args.samples)  # fmt: skip
    issue = TimeAccount.objects.get(kind="issue", area_path="329901")
    busiest = sample(lambda: selectors.derived_balance(issue), 5)

    with connection.cursor() as c:
        started = time.perf_counter()
        c.execute(f"SELECT count(*), sum(minutes) FROM {TimeMovement._meta.db_table}")
        c.fetchone()
        scan = time.perf_counter() - started
    from yiyang.volunteers.models import LedgerCheckpoint, MonthEndCheck

    LedgerCheckpoint.objects.all().delete()
    MonthEndCheck.objects.all().delete()
    # The month of the latest movement is checked first (December 2026 for a new ledger; with --reuse,
    # after the months an earlier run appended), then the months after it.
    latest = TimeMovement.objects.order_by("-occurred_at").values_list("occurred_at", flat=True).first()
    first_month = (latest.date() if latest else datetime.date(2026, 12, 1)).replace(day=1)
    started = time.perf_counter()
    check = checks.run_check(month=first_month, actor=None)
    check_seconds = time.perf_counter() - started
    assert not check.incremental
    # The following months: each appends its movements and is checked from the previous checkpoint.
    per_month = args.month_movements or max(1, args.movements // 50)
    incremental, month = [], (first_month + datetime.timedelta(days=32)).replace(day=1)
    for _n in range(args.months):
        append_month(month, per_month)
        started = time.perf_counter()
        later = checks.run_check(month=month, actor=None)
        incremental.append(time.perf_counter() - started)
        assert later.incremental and later.ok, later.problems[:3]
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    with connection.cursor() as c:
        started = time.perf_counter()
        c.execute(f"SELECT count(*), sum(minutes) FROM {TimeMovement._meta.db_table}")
        c.fetchone()
        scan_after = time.perf_counter() - started

    result = {
        "movements": total,
        "accounts": len(ids),
        "build_seconds": round(build_seconds, 1),
        "balance_maintained": summary_ms(maintained),
        "balance_derived": summary_ms(derived),
        "baseline_pk_fetch": summary_ms(baseline),
        "balance_derived_busiest_account": summary_ms(busiest),
        "month_end_check_full_seconds": round(check_seconds, 2),
        "month_end_check_incremental_seconds": [round(x, 2) for x in incremental],
        "month_end_check_incremental_median_seconds": round(sorted(incremental)[len(incremental) // 2], 2),
        "movements_per_further_month": per_month,
        "movements_after": TimeMovement.objects.count(),
        "baseline_aggregate_scan_after_seconds": round(scan_after, 2),
        "month_end_check_ok": check.ok,
        "month_end_problems": check.problems[:5],
        "baseline_aggregate_scan_seconds": round(scan, 2),
        "ratio_derived_p95_to_baseline_p95": round(
            summary_ms(derived)["p95_ms"] / summary_ms(baseline)["p95_ms"], 2
        ),
        "ratio_full_check_to_scan": round(check_seconds / scan, 2) if scan else None,
        "ratio_incremental_check_to_scan": round(sorted(incremental)[len(incremental) // 2] / scan_after, 2),
    }
    path = save("volunteers_ledger", result)
    for key, value in result.items():
        print(f"{key}: {value}")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
