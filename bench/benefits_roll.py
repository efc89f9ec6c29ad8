"""Benchmark: the monthly roll for 2,000,000 elders and a 50,000-row death list, on PostgreSQL.

    .venv/bin/python bench/benefits_roll.py [--elders 2000000] [--repeat 3] [--keep]

Uses its own database (yiyang_bench_benefits, or $BENCH_BENEFITS_DB; created if missing; dropped at the end unless
--keep). Elders come from ``manage.py demo --elders N --reset``. Measured side by side in the same
run, medians of ``--repeat`` runs:

* baseline: one bare ``INSERT … SELECT`` into an unindexed table computing the same amounts
  (age tier by birth-date bounds, area, hukou, alive) — no facts, no diff, no constraints;
* roll: ``payment_roll_generate`` — the whole action (qualification sweep, lines with frozen facts
  under the unique constraint, arrears, stopped lines, totals, audit): a month's first roll (its
  lines fill a new partition, indexed once at the attach), the same draft regenerated (lines into
  the existing partition, indexes updated row by row) and a following month (diff against the
  previous roll);
* death list: ``life_event_import`` of a 50,000-row CSV (read, validate, hash, COPY, match by ID
  hash, then name + birth date), against a bare ``UPDATE … FROM`` on the hash as baseline.

Targets (issue 4): roll < 30 s and ≤ 2× the baseline; peak memory < 1 GB; death list < 5 s.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# BENCH_BENEFITS_DB: a database of one's own when several people share the server.
DB = os.environ.get("BENCH_BENEFITS_DB", "yiyang_bench_benefits")
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
sys.path.insert(0, str(ROOT))
os.environ["YIYANG_DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
os.environ["YIYANG_DEBUG"] = "0"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone():
            conn.execute(f"CREATE DATABASE {DB}")


def drop_database() -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


def manage(*args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, cwd=ROOT)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--elders", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--deaths", type=int, default=50_000)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()

    ensure_database()
    try:
        manage("migrate", "-v0")
    except subprocess.CalledProcessError:
        # Other apps' migrations move while they are being written; an existing schema is enough.
        print("migrate failed; continuing with the existing schema")
    import django

    django.setup()
    from django.db import connection

    from yiyang.people.models import Elder

    if Elder.objects.count() != args.elders:
        t = time.perf_counter()
        manage("demo", "--elders", str(args.elders), "--reset", "-v0")
        print(f"demo data: {args.elders:,} elders in {time.perf_counter() - t:.0f} s")
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE people_elder")

    try:
        roll_bench(args)
        death_bench(args)
    finally:
        connection.close()
        if not args.keep:
            drop_database()


def roll_bench(args: argparse.Namespace) -> None:
    from django.db import connection

    from yiyang.areas.models import Area
    from yiyang.benefits import actions, partitions, rolls
    from yiyang.benefits.choices import ProgrammeKind, StartRule
    from yiyang.benefits.models import ArrearsMonth, PaymentRoll, Programme, RateRule, RollLine
    from yiyang.core.context import unit_of_work
    from yiyang.core.management.base import resolve_actor

    district = Area.objects.get(code="320612")
    actor = resolve_actor("")
    RollLine.objects.all()._raw_delete(connection.alias)  # type: ignore[attr-defined]
    ArrearsMonth.objects.all().delete()
    PaymentRoll.objects.all().delete()
    programme, created = Programme.objects.get_or_create(
        code="bench-gaoling",
        defaults={
            "name": "高龄津贴（基准）",
            "kind": ProgrammeKind.AGE_TIER,
            "start_rule": StartRule.SAME_MONTH,
            "requires_qualification_check": False,
        },
    )
    if created:
        for lo, hi, amount in ((80, 89, 100), (90, 99, 500), (100, None, 800)):
            RateRule.objects.create(
                programme=programme,
                age_from=lo,
                age_to=hi,
                amount=amount,
                valid_from=datetime.date(2020, 1, 1),
            )
    month = datetime.date(2026, 11, 1)
    tiers = rolls.tiers_for(programme, [month])
    case = " ".join(
        f"WHEN e.birth_date >= '{t.lo}' AND e.birth_date < '{t.hi}' THEN {t.amount}" for t in tiers
    )
    oldest_hi = max(t.hi for t in tiers)
    baseline_sql = f"""
        INSERT INTO bench_baseline (elder_id, amount)
        SELECT e.id, CASE {case} END FROM people_elder e
        WHERE e.area_path LIKE '320612%%' AND e.hukou_local AND (e.status = 'living' OR e.status_date >= '{month}')
          AND e.birth_date < '{oldest_hi}'
    """

    base_times: list[float] = []
    roll_times: list[float] = []
    lines = 0
    for _ in range(args.repeat):
        # Both statements start from the same state: no lines and no partition for the month (as
        # when a month's first roll is generated) and a checkpoint just taken, so neither pays the
        # other's full-page writes.
        with connection.cursor() as cur:
            cur.execute(f"TRUNCATE {RollLine._meta.db_table}, {ArrearsMonth._meta.db_table}")
        PaymentRoll.objects.all().delete()
        partitions.drop_empty()
        with connection.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS bench_baseline")
            cur.execute("CREATE TABLE bench_baseline (elder_id bigint, amount numeric(12, 2))")
            cur.execute("CHECKPOINT")
            t = time.perf_counter()
            cur.execute(baseline_sql)
            base_rows = cur.rowcount
            base_times.append(time.perf_counter() - t)
            cur.execute("SELECT SUM(amount) FROM bench_baseline")
            base_total = cur.fetchone()[0]
            cur.execute("DROP TABLE bench_baseline")
            cur.execute("CHECKPOINT")
        t = time.perf_counter()
        with unit_of_work():
            roll = actions.payment_roll_generate(programme=programme, area=district, month=month, actor=actor)
        roll_times.append(time.perf_counter() - t)
        lines = roll.line_count
    # The baseline is honest only if it pays the same people the same amounts.
    assert (lines, roll.total_amount) == (base_rows, base_total), (
        lines,
        base_rows,
        roll.total_amount,
        base_total,
    )
    # Regenerating the draft: the month's partition exists, so the lines go in row by row.
    regen_times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        with unit_of_work():
            actions.payment_roll_generate(programme=programme, area=district, month=month, actor=actor)
        regen_times.append(time.perf_counter() - t)
    # The following month: every line is compared with the previous month's (continued/changed/stopped).
    t = time.perf_counter()
    with unit_of_work():
        nxt = actions.payment_roll_generate(
            programme=programme, area=district, month=rolls.add_months(month, 1), actor=actor
        )
    next_time = time.perf_counter() - t
    t = time.perf_counter()
    with unit_of_work():
        nxt.status = "street_reviewed"
        nxt.save(update_fields=["status"])
        actions.payment_roll_recheck(roll=nxt, actor=actor)
    recheck_time = time.perf_counter() - t

    b, r = statistics.median(base_times), statistics.median(roll_times)
    print(f"\nroll generation, {Elder_count():,} elders, {lines:,} lines (median of {args.repeat})")
    print(f"  baseline bare INSERT … SELECT : {b:6.2f} s   runs {fmt(base_times)}")
    print(f"  payment_roll_generate         : {r:6.2f} s   runs {fmt(roll_times)}")
    print(f"  ratio roll / baseline         : {r / b:6.2f} ×   (target ≤ 2×, < 30 s)")
    print(
        f"  regenerate the draft          : {statistics.median(regen_times):6.2f} s   runs {fmt(regen_times)}"
        "   (lines into the month's existing partition)"
    )
    print(
        f"  following month (with diff)   : {next_time:6.2f} s   counts {nxt.counts | {'streets': len(nxt.counts['streets'])}}"
    )
    print(f"  re-check before approval      : {recheck_time:6.2f} s   {nxt.recheck_summary}")
    print(f"  peak memory (this process)    : {peak_mb():6.0f} MB (target < 1024 MB)")


def Elder_count() -> int:
    from yiyang.people.models import Elder

    return Elder.objects.count()


def fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def death_bench(args: argparse.Namespace) -> None:
    from django.db import connection

    from yiyang.benefits import lifeevents
    from yiyang.core import crypto
    from yiyang.core.context import unit_of_work
    from yiyang.core.management.base import resolve_actor
    from yiyang.people.models import Elder

    actor = resolve_actor("")
    n = args.deaths
    sample = list(Elder.objects.order_by("?").values_list("id_number_enc", "name", "birth_date")[:n])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["序号", "姓名", "身份证号", "出生日期", "死亡日期"])
    for i, (enc, name, birth) in enumerate(sample, 1):
        if i % 50 == 0:  # 2%: no ID number → proposed by name and birth date
            writer.writerow([i, name, "", birth.isoformat(), "2026-10-05"])
        elif i % 100 == 1:  # 1%: someone not in the registry
            writer.writerow([i, "查无此人", "110105194912310021", "", "2026-10-05"])
        else:
            writer.writerow([i, name, crypto.decrypt(enc), birth.isoformat(), "2026-10-05"])
    data = out.getvalue().encode("utf-8-sig")

    times, counts = [], {}
    for _ in range(args.repeat):
        t = time.perf_counter()
        with unit_of_work():
            batch = lifeevents.life_event_import(
                kind="deceased", source="bench", data=data, filename="deaths.csv", actor=actor
            )
        times.append(time.perf_counter() - t)
        counts = batch.counts
    # Baseline: the bare hash join on rows already staged (no file, no validation, no name matching).
    table = "benefits_lifeeventrow"
    base = []
    for _ in range(args.repeat):
        with connection.cursor() as cur:
            cur.execute(f"UPDATE {table} SET elder_id = NULL WHERE batch_id = %s", [batch.pk])
            t = time.perf_counter()
            cur.execute(
                f"UPDATE {table} r SET elder_id = e.id FROM people_elder e WHERE r.batch_id = %s "
                "AND e.id_number_hash = r.id_hash",
                [batch.pk],
            )
            base.append(time.perf_counter() - t)
    print(f"\ndeath list, {n:,} rows against {Elder_count():,} elders (median of {args.repeat})")
    print(
        f"  life_event_import (read+match): {statistics.median(times):6.2f} s   runs {fmt(times)}   {counts}"
    )
    print(f"  baseline bare UPDATE … FROM    : {statistics.median(base):6.2f} s   runs {fmt(base)}")
    print("  target < 5 s")
    print(f"  peak memory (this process)     : {peak_mb():6.0f} MB")


if __name__ == "__main__":
    main()
