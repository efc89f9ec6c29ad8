"""A month's post subsidies (岗位补贴 + 工龄补贴) for 50,000 care workers, on PostgreSQL (issue 17).

Target: the month's roll for 50,000 workers under 5 s.

In a dedicated database (yiyang_bench_workforce, or $BENCH_WORKFORCE_DB; dropped at the end unless
--keep) with the demo district (``manage.py demo --elders 0``), ``--workers`` care workers are
written in bulk across the district's communities and 200 providers, homes and canteens: whole years
in post from 0 to 25, about 85 % holding one or two certificates of the four levels (a few expired,
a few issued after the month), 4 % left before the month. The subsidy rules are the seeded ones.
Then, medians of ``--repeat`` runs, side by side in the same run:

* baseline: one bare ``INSERT … SELECT`` into an unindexed table computing the same amounts (the
  best certificate in force per worker by ``DISTINCT ON``, the amounts by ``CASE``) — no rules table,
  no frozen certificate, no unique index, no roll, no audit;
* roll: ``roll_generate`` for the district — the whole action (the lines with the certificate, level
  and years frozen under the unique index on worker and month, the totals, the audit row), each run
  from no roll; and the draft regenerated in place (its 50,000 lines deleted and written again).

Checks: the roll pays the same people the same total as the baseline.

    .venv/bin/python bench/workforce_subsidies.py [--workers 50000] [--repeat 5] [--keep]
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import machine, manage, save  # noqa: E402

DB = os.environ.get("BENCH_WORKFORCE_DB", "yiyang_bench_workforce")
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
os.environ["YIYANG_DATABASE_URL"] = URL
os.environ["YIYANG_DEBUG"] = "0"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _admin(sql: str, params: list[object] | None = None) -> object:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        cur = conn.execute(sql, params or [])
        return cur.fetchone() if cur.description else None


def fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()

    if not _admin("SELECT 1 FROM pg_database WHERE datname = %s", [DB]):
        _admin(f'CREATE DATABASE "{DB}"')
    manage("migrate", "-v0", url=URL)
    import django

    django.setup()
    from django.db import connection

    try:
        run(args)
    finally:
        connection.close()
        if not args.keep:
            _admin(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')


def populate(n: int, month_last: datetime.date) -> None:
    from django.db import connection

    from yiyang.areas.models import Area, AreaLevel
    from yiyang.services.models import Provider
    from yiyang.workforce.choices import CertificateLevel, EmployerKind, Post, WorkerStatus
    from yiyang.workforce.models import CareWorker, Certificate, PostSubsidyRoll

    PostSubsidyRoll.objects.all().delete()
    with connection.cursor() as cur:
        cur.execute("TRUNCATE workforce_postsubsidyline, workforce_certificate, workforce_careworker CASCADE")
    rng = random.Random(17)
    district = Area.objects.get(code="320612")
    communities = list(Area.objects.filter(path__startswith=district.path, level=AreaLevel.COMMUNITY))
    providers = [
        Provider.objects.get_or_create(name=f"基准居家服务商{i:03d}", defaults={"kind": "domestic"})[0]
        for i in range(200)
    ]
    levels = list(CertificateLevel)
    workers: list[CareWorker] = []
    for i in range(n):
        area = communities[i % len(communities)]
        since = month_last - datetime.timedelta(days=rng.randint(30, 26 * 365))
        w = CareWorker(
            name=f"护理员{i}", id_number_hash=f"bench{i:08d}", id_number_masked="320612********0000",
            employer_kind=EmployerKind.PROVIDER, provider=providers[i % 200], area=area, area_path=area.path,
            post=Post.CARER, post_since=since,
        )  # fmt: skip
        if i % 25 == 0:
            w.status, w.left_on = WorkerStatus.LEFT, month_last - datetime.timedelta(days=rng.randint(1, 300))
            w.left_on = max(w.left_on, since)
        workers.append(w)
    CareWorker.objects.bulk_create(workers, batch_size=5000)
    keys = list(CareWorker.objects.order_by("pk").values_list("pk", "post_since"))
    certificates: list[Certificate] = []
    for k, (pk, since) in enumerate(keys):
        if rng.random() < 0.15:
            continue
        for j in range(1 if rng.random() < 0.7 else 2):
            start = since + datetime.timedelta(days=rng.randint(0, 400))
            end = None
            roll = rng.random()
            if roll < 0.05:
                end = month_last - datetime.timedelta(days=rng.randint(1, 200))  # expired
            elif roll < 0.08:
                start = month_last + datetime.timedelta(days=rng.randint(1, 60))  # issued after the month
            certificates.append(
                Certificate(worker_id=pk, level=rng.choice(levels), issuer="南通市人力资源和社会保障局",
                            number=f"B{k:07d}-{j}", valid_from=start, valid_to=end if end and end >= start else None)
            )  # fmt: skip
    Certificate.objects.bulk_create(certificates, batch_size=5000)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE workforce_careworker")
        cur.execute("VACUUM ANALYZE workforce_certificate")


def run(args: argparse.Namespace) -> None:
    from django.db import connection
    from django.utils import timezone

    from yiyang.areas.models import Area
    from yiyang.core.context import unit_of_work
    from yiyang.core.management.base import resolve_actor
    from yiyang.workforce import actions, rolls
    from yiyang.workforce.choices import SubsidyKind
    from yiyang.workforce.models import CareWorker, PostSubsidyRoll

    if not Area.objects.filter(code="320612").exists():
        t = time.perf_counter()
        manage("demo", "--elders", "0", "--reset", "-v0", url=URL)
        print(f"demo district in {time.perf_counter() - t:.0f} s", flush=True)
    district = Area.objects.get(code="320612")
    actor = resolve_actor("")
    month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    last = rolls.month_last(month)
    if CareWorker.objects.count() != args.workers:
        t = time.perf_counter()
        populate(args.workers, last)
        print(f"{args.workers:,} workers with certificates in {time.perf_counter() - t:.0f} s", flush=True)

    rules = rolls.rules_in_force(last)
    post_case = " ".join(f"WHEN {r.level} THEN {r.amount}" for r in rules if r.kind == SubsidyKind.POST)
    band_case = " ".join(
        f"WHEN b.years >= {r.years_from}" + (f" AND b.years < {r.years_to}" if r.years_to is not None else "")
        + f" THEN {r.amount}"
        for r in rules if r.kind == SubsidyKind.SENIORITY
    )  # fmt: skip
    baseline_sql = f"""
        INSERT INTO bench_baseline (worker_id, amount)
        SELECT b.id, COALESCE(CASE b.level {post_case} END, 0) + COALESCE(CASE {band_case} END, 0)
        FROM (
            SELECT DISTINCT ON (w.id) w.id, c.level,
                   date_part('year', age('{last}'::date, w.post_since))::int AS years
            FROM workforce_careworker w JOIN workforce_certificate c ON c.worker_id = w.id
            WHERE w.area_path LIKE '{district.path}%%' AND w.post_since <= '{last}'
              AND (w.left_on IS NULL OR w.left_on > '{last}')
              AND c.valid_from <= '{last}' AND (c.valid_to IS NULL OR c.valid_to >= '{last}')
            ORDER BY w.id, c.level
        ) b
    """
    load_before = machine()["load_1m"]
    base_times: list[float] = []
    roll_times: list[float] = []
    base_rows, base_total = 0, None
    roll = None
    for _ in range(args.repeat):
        PostSubsidyRoll.objects.all().delete()
        with connection.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS bench_baseline")
            cur.execute("CREATE TABLE bench_baseline (worker_id bigint, amount numeric(10, 2))")
            cur.execute("CHECKPOINT")
            t = time.perf_counter()
            cur.execute(baseline_sql)
            base_times.append(time.perf_counter() - t)
            base_rows = cur.rowcount
            cur.execute("SELECT SUM(amount) FROM bench_baseline WHERE amount > 0")
            base_total = cur.fetchone()[0]
            cur.execute("DROP TABLE bench_baseline")
            cur.execute("CHECKPOINT")
        t = time.perf_counter()
        with unit_of_work():
            roll = actions.roll_generate(area=district, month=month, actor=actor)
        roll_times.append(time.perf_counter() - t)
    assert roll is not None
    # The baseline is honest only if it pays the same people the same amounts.
    assert (roll.line_count, roll.total_amount) == (base_rows, base_total), (
        roll.line_count, base_rows, roll.total_amount, base_total,
    )  # fmt: skip
    regen_times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        with unit_of_work():
            actions.roll_generate(area=district, month=month, actor=actor)
        regen_times.append(time.perf_counter() - t)
    load_after = machine()["load_1m"]

    b, r, g = statistics.median(base_times), statistics.median(roll_times), statistics.median(regen_times)
    workers = CareWorker.objects.count()
    print(f"\npost subsidies {month:%Y-%m}, {workers:,} workers, {roll.line_count:,} lines, "
          f"total {roll.total_amount} (median of {args.repeat})")  # fmt: skip
    print(f"  baseline bare INSERT … SELECT : {b:6.2f} s   runs {fmt(base_times)}")
    print(f"  roll_generate (first)         : {r:6.2f} s   runs {fmt(roll_times)}")
    print(f"  ratio roll / baseline         : {r / b:6.2f} ×   (target < 5 s)")
    print(f"  regenerate the draft          : {g:6.2f} s   runs {fmt(regen_times)}")
    print(f"  load (1 min) before / after   : {load_before} / {load_after} on {os.cpu_count()} cores")
    save(
        "workforce_subsidies",
        {
            "workers": workers, "lines": roll.line_count, "total": str(roll.total_amount),
            "baseline_s": {"median": round(b, 3), "runs": base_times},
            "roll_s": {"median": round(r, 3), "runs": roll_times, "ratio": round(r / b, 2)},
            "regenerate_s": {"median": round(g, 3), "runs": regen_times},
            "load_before": load_before, "load_after": load_after, "target_s": 5,
        },
    )  # fmt: skip


if __name__ == "__main__":
    main()
