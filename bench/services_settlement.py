"""Monthly settlement over 1,000,000 visits on PostgreSQL: under 30 s (issue 3).

In a dedicated database (yiyang_bench_services; run services_dispatch.py first or let this script
build its own base rows) it writes, set-based, 50,000 elders, 1,000,000 work orders and visits in one
month (90 % verified, a few with open exceptions, half the elders with an entitlement), then times
``settlement_generate`` for that month. Baselines in the same run: the SQL floor (one
aggregate scan over the same visits) and the naive per-visit Python loop measured on 20,000 visits
and extrapolated linearly. Checks: no visit settled twice, every line's shares add up, the lines of
300 entitled elders recomputed in Python (Decimal) agree, and a second run adds nothing.

    .venv/bin/python bench/services_settlement.py [--visits 1000000]
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import ensure_database

URL = "postgres://postgres@127.0.0.1:5432/yiyang_bench_services"
MONTH = datetime.date(2026, 10, 1)


def _fill(cursor, table: str, explicit: dict[str, str]) -> tuple[str, str]:
    """Column list and SELECT expressions: explicit ones, then a neutral value for every NOT NULL column."""
    cursor.execute(
        "SELECT column_name, is_nullable, data_type, column_default FROM information_schema.columns "
        "WHERE table_name = %s ORDER BY ordinal_position",
        [table],
    )
    cols, exprs = [], []
    for name, nullable, dtype, default in cursor.fetchall():
        if name in explicit:
            cols.append(name)
            exprs.append(explicit[name])
        elif (
            nullable == "NO"
            and not (default or "").startswith("nextval")
            and "identity" not in (default or "")
        ):
            if name == "id":
                continue
            cols.append(name)
            exprs.append(
                {
                    "boolean": "false",
                    "integer": "0",
                    "smallint": "0",
                    "bigint": "0",
                    "numeric": "0",
                    "double precision": "0",
                    "date": "CURRENT_DATE",
                    "timestamp with time zone": "now()",
                }.get(dtype, "''")
            )
    return ", ".join(cols), ", ".join(exprs)


def _check_entitlements(month: datetime.date) -> tuple[int, int]:
    """Recompute the lines of 300 entitled elders in Python (Decimal) and count disagreements.

    The reference: the elder's visits in service order, each taking from the monthly quota what is
    left (hours by minutes, amounts by the line's gross), the programme paying the covered part less
    the co-payment.
    """
    from yiyang.services.models import Entitlement, SettlementLine

    ents = {e.elder_id: e for e in Entitlement.objects.order_by("elder_id")[:300]}
    lines = (
        SettlementLine.objects.filter(elder_id__in=ents)
        .select_related("visit")
        .order_by("elder_id", "visit__checkin_at", "visit_id")
    )
    used: dict[int, Decimal] = {}
    bad = checked = 0
    for line in lines:
        ent = ents[line.elder_id]
        measure = Decimal(line.visit.minutes or 0) / 60 if ent.unit == "hours" else Decimal(line.gross)
        before = used.get(line.elder_id, Decimal(0))
        left = max(Decimal(0), ent.monthly_quota - before)
        covered = Decimal(0) if measure <= 0 else min(Decimal(1), left / measure)
        used[line.elder_id] = before + measure
        expected = (line.gross * covered * (1 - ent.copay_rate)).quantize(Decimal("0.01"))
        checked += 1
        if abs(expected - line.payable) > Decimal("0.01") or line.payable + line.elder_share != line.gross:
            bad += 1
    return bad, checked


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--url", default=URL)
    args = parser.parse_args()
    ensure_database(args.url)
    os.environ["YIYANG_DATABASE_URL"] = args.url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from yiyang.core.testing import build_areas
    from yiyang.people.models import Elder
    from yiyang.people.tests.factories import ElderFactory
    from yiyang.services.actions.settlements import settlement_generate
    from yiyang.services.models import (
        AgreementItem,
        Provider,
        ServiceAgreement,
        ServiceItem,
        Settlement,
        SettlementLine,
        Visit,
        Worker,
    )

    areas = build_areas()
    item, _ = ServiceItem.objects.get_or_create(
        code="S1",
        valid_from=datetime.date(2020, 1, 1),
        defaults={
            "name": "居家保洁",
            "category": "cleaning",
            "unit": "hour",
            "price": 40,
            "payment_mode": "government",
        },
    )
    providers = list(Provider.objects.filter(name__startswith="结算服务商"))
    if not providers:
        for n in range(40):
            p = Provider.objects.create(name=f"结算服务商{n}", kind="domestic")
            a = ServiceAgreement.objects.create(
                provider=p, number=f"S{n}", valid_from=datetime.date(2020, 1, 1)
            )
            a.areas.set([areas.district])
            AgreementItem.objects.create(agreement=a, item=item, price=Decimal("38.00"))
            Worker.objects.create(provider=p, name=f"SW{n}", base_latitude=32, base_longitude=121)
            providers.append(p)
    have = Visit.objects.filter(
        service_date__gte=MONTH, service_date__lt=MONTH.replace(month=MONTH.month + 1)
    ).count()
    with connection.cursor() as c:
        if have < args.visits:
            print("building data …", flush=True)
            t0 = time.perf_counter()
            SettlementLine.objects.all().delete()
            Settlement.objects.all().delete()
            c.execute(
                "DELETE FROM services_serviceexception; DELETE FROM services_returncall; DELETE FROM services_visitrating;"
                " DELETE FROM services_visitphoto; DELETE FROM services_visit; DELETE FROM services_workorder;"
                " DELETE FROM services_entitlement"
            )
            if Elder.objects.count() < 50_000:
                # Existing elders (e.g. from services_dispatch.py) serve as templates; the factory's
                # counter restarts per process and would repeat their ID numbers.
                seeds = list(Elder.objects.order_by("id")[:4]) or [
                    ElderFactory(area=a) for a in (areas.community_a1, areas.community_a2, areas.community_b1)
                ]
                cols, exprs = _fill(c, "people_elder", {})
                cols_list = [x.strip() for x in cols.split(",")]
                select = ", ".join(
                    "md5(random()::text || g::text)" if col == "id_number_hash" else f"e.{col}"
                    for col in cols_list
                )
                c.execute(
                    f"INSERT INTO people_elder ({cols}) SELECT {select} FROM people_elder e "
                    f"CROSS JOIN generate_series(1, %s) g WHERE e.id = ANY(%s)",
                    [50_000 // len(seeds), [s.pk for s in seeds]],
                )
            c.execute("SELECT id, area_path FROM people_elder ORDER BY id LIMIT 50000")
            c.execute(
                "CREATE TEMP TABLE bench_elder AS SELECT row_number() OVER (ORDER BY id) AS n, id, area_path FROM people_elder LIMIT 50000"
            )
            c.execute("SELECT count(*) FROM bench_elder")
            n_elders = c.fetchone()[0]
            c.execute(
                "CREATE TEMP TABLE bench_worker AS SELECT row_number() OVER (ORDER BY id) AS n, id, provider_id FROM services_worker WHERE name LIKE 'SW%%'",
                [],
            )
            c.execute("SELECT count(*) FROM bench_worker")
            n_workers = c.fetchone()[0]
            cols, exprs = _fill(
                c,
                "services_workorder",
                {
                    "number": "'S' || g",
                    "elder_id": "e.id",
                    "item_id": str(item.pk),
                    "source": "'hotline'",
                    "urgency": "'normal'",
                    "scheduled_start": "ts",
                    "scheduled_end": "ts + interval '1 hour'",
                    "status": "'verified'",
                    "provider_id": "w.provider_id",
                    "worker_id": "w.id",
                    "area_path": "e.area_path",
                    "plan_date": "ts::date",
                    "created_at": "ts",
                    "updated_at": "ts",
                },
            )
            c.execute(
                f"INSERT INTO services_workorder ({cols}) SELECT {exprs} FROM ("
                f"  SELECT g, TIMESTAMPTZ %s + (g %% 30) * interval '1 day' + interval '9 hours' AS ts FROM generate_series(1, %s) g"
                f") s JOIN bench_elder e ON e.n = 1 + s.g %% %s JOIN bench_worker w ON w.n = 1 + s.g %% %s",
                [MONTH.isoformat(), args.visits, n_elders, n_workers],
            )
            cols, exprs = _fill(
                c,
                "services_visit",
                {
                    "work_order_id": "o.id",
                    "elder_id": "o.elder_id",
                    "item_id": "o.item_id",
                    "provider_id": "o.provider_id",
                    "worker_id": "o.worker_id",
                    "area_path": "o.area_path",
                    "service_date": "o.plan_date",
                    "checkin_at": "o.scheduled_start",
                    "checkout_at": "o.scheduled_end",
                    "minutes": "60 + (o.id %% 60)",
                    "verified": "(o.id %% 10 <> 0)",
                    "created_at": "o.created_at",
                    "updated_at": "o.created_at",
                },
            )
            c.execute(
                f"INSERT INTO services_visit ({cols}) SELECT {exprs} FROM services_workorder o WHERE o.number LIKE 'S%%'",
                [],
            )
            cols, exprs = _fill(
                c,
                "services_serviceexception",
                {
                    "work_order_id": "v.work_order_id",
                    "visit_id": "v.id",
                    "provider_id": "v.provider_id",
                    "kind": "'late'",
                    "status": "CASE WHEN v.id %% 2 = 0 THEN 'open' ELSE 'dismissed' END",
                    "area_path": "v.area_path",
                    "created_at": "now()",
                    "updated_at": "now()",
                },
            )
            c.execute(
                f"INSERT INTO services_serviceexception ({cols}) SELECT {exprs} FROM services_visit v WHERE v.id %% 97 = 0",
                [],
            )
            cols, exprs = _fill(
                c,
                "services_entitlement",
                {
                    "elder_id": "e.id",
                    "programme": "'政府购买居家养老服务'",
                    "unit": "CASE WHEN e.n %% 2 = 0 THEN 'hours' ELSE 'amount' END",
                    "monthly_quota": "CASE WHEN e.n %% 2 = 0 THEN 8 ELSE 300 END",
                    "copay_rate": "0.1",
                    "valid_from": "DATE '2020-01-01'",
                    "created_at": "now()",
                    "updated_at": "now()",
                },
            )
            c.execute(
                f"INSERT INTO services_entitlement ({cols}) SELECT {exprs} FROM bench_elder e WHERE e.n %% 4 < 2",
                [],
            )
            c.execute("ANALYZE")
            print(f"built in {time.perf_counter() - t0:.0f} s", flush=True)
        else:
            # A month not settled yet: TRUNCATE rather than DELETE, whose million dead lines (left
            # for autovacuum) would slow the next insert in a way no real month sees.
            c.execute("TRUNCATE services_settlementline, services_settlement")
            c.execute("ANALYZE services_settlementline")
        c.execute(
            "SELECT count(*), count(*) FILTER (WHERE verified) FROM services_visit WHERE service_date >= %s",
            [MONTH],
        )
        total, verified = c.fetchone()
    print(f"visits in {MONTH:%Y-%m}: {total:,} ({verified:,} verified)")

    with connection.cursor() as c:
        t = time.perf_counter()
        c.execute(
            "SELECT v.provider_id, substr(v.area_path, 1, 9), count(*), sum(v.minutes) FROM services_visit v "
            "JOIN services_serviceitem i ON i.id = v.item_id WHERE v.verified AND v.service_date BETWEEN %s AND %s "
            "GROUP BY 1, 2",
            [MONTH, MONTH.replace(day=31)],
        )
        c.fetchall()
        floor = time.perf_counter() - t

    t = time.perf_counter()
    made = settlement_generate(month=MONTH, actor=None)
    seconds = time.perf_counter() - t
    lines = SettlementLine.objects.count()
    payable = sum(s.payable for s in made)
    # Check: the lines add up and no visit is settled twice.
    with connection.cursor() as c:
        c.execute(
            "SELECT count(*) - count(DISTINCT visit_id), sum(gross - elder_share - payable) FROM services_settlementline"
        )
        dupes, drift = c.fetchone()
    mismatches, checked = _check_entitlements(MONTH)
    # Running it again: nothing new to settle, so this is the cost of finding that out.
    t = time.perf_counter()
    again = settlement_generate(month=MONTH, actor=None)
    rerun = time.perf_counter() - t
    added_again = SettlementLine.objects.count() - lines

    # Naive baseline: one ORM round trip per visit, on a sample, extrapolated.
    sample = list(
        Visit.objects.filter(service_date__gte=MONTH, verified=True).select_related("item", "provider")[
            :20_000
        ]
    )
    t = time.perf_counter()
    for v in sample:
        ai = (
            AgreementItem.objects.filter(agreement__provider_id=v.provider_id, item__code=v.item.code)
            .values_list("price", flat=True)
            .first()
        )
        ent = v.elder.entitlements.first()
        _ = (Decimal(v.minutes or 0) / 60 * (ai or 0), ent)
    naive = (time.perf_counter() - t) / len(sample) * verified

    print(
        f"settlement_generate: {seconds:.1f} s for {lines:,} lines in {len(made)} settlements "
        f"(target < 30 s) {'PASS' if seconds < 30 else 'FAIL'}; payable ¥{payable:,.2f}; duplicates {dupes}; drift {drift}"
    )
    print(f"SQL floor (one aggregate scan): {floor:.1f} s → settlement / floor = {seconds / floor:.1f}×")
    print(
        f"entitlement shares recomputed in Python for {checked:,} lines of 300 entitled elders: "
        f"{mismatches} differ by more than ¥0.01"
    )
    print(
        f"second run (nothing new): {rerun:.1f} s, {added_again} lines added, {len(again)} settlements touched"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(
        f"naive per-visit loop, extrapolated from {len(sample):,}: {naive:.0f} s → {naive / seconds:.0f}× slower"
    )


if __name__ == "__main__":
    main()
