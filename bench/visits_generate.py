"""Benchmark: a month's visit tasks for a whole district, against a bare ``INSERT … SELECT``, on PostgreSQL.

    .venv/bin/python bench/visits_generate.py [--elders 200000] [--repeat 3] [--keep] [--reuse]

Uses its own database (yiyang_visits_bench or $BENCH_VISITS_DB, created if missing; dropped at the end
unless --keep).
Elders come from ``manage.py demo --elders N --reset``; the demo's visit rules are loaded and every
community gets a worker (so the worker look-up has work to do). Measured side by side in the same
run, medians of ``--repeat`` runs:

* baseline: one bare ``INSERT … SELECT`` into an unindexed table of the same rows (the same tier
  ``CASE`` and periods) — no worker, no unique constraint, no conflict handling, no audit;
* generate: ``tasks_generate`` — the whole action (rules in force, worker staging table, the month's
  and quarter's new partitions filled, indexed and attached — see ``visits.partitions`` —, event
  tasks, audit) into a month that has no tasks and no partition yet;
* again: the same month generated a second time (adds nothing);
* floor: the baseline's rows into a copy of the task table with its four indexes (primary key, the
  unique (elder, period), the area path, the open tasks by worker) and nothing else — what any
  table with these look-ups pays, row by row, on this machine;
* fresh: the same rows as a new table (``CREATE TABLE … AS``) and then its four indexes built, bare —
  what a new month's partition pays at the least (PostgreSQL, ``visits.partitions``);
* "my visits today": the phone's list request for the busiest worker (one worker per community, so
  at 2,000,000 elders 8,576 open tasks; a real grid worker has a few hundred elders), its next
  batch, beside the same batch read bare by the index.

``--reuse`` (with ``--keep``) keeps the elders of a database kept from an earlier run.

Targets (issue 13): 2,000,000 elders under 30 s and at most 2× the baseline; "my visits today"
p95 under 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = os.environ.get("BENCH_VISITS_DB", "yiyang_visits_bench")
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
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


def loaded_elders() -> int:
    import psycopg

    url = f"postgresql://postgres@127.0.0.1:5432/{DB}"
    with psycopg.connect(url) as conn:
        if not conn.execute("SELECT to_regclass('people_elder')").fetchone()[0]:  # type: ignore[index]
            return 0
        return int(conn.execute("SELECT count(*) FROM people_elder").fetchone()[0])  # type: ignore[index]


def manage(*args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--elders", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the elders of a kept database when it holds --elders of them",
    )
    args = parser.parse_args()

    ensure_database()
    manage("migrate", "-v0")
    if not (args.reuse and loaded_elders() == args.elders):
        started = time.perf_counter()
        manage("demo", "--elders", str(args.elders), "--reset", "--workers", "0")
        print(
            f"demo district of {args.elders:,} elders loaded in {time.perf_counter() - started:.0f} s",
            flush=True,
        )

    import django

    django.setup()
    from common import machine, save
    from django.db import connection, transaction
    from django.utils import timezone

    from yiyang.accounts.models import AreaAssignment, User
    from yiyang.accounts.roles import Role
    from yiyang.areas.models import Area, AreaLevel
    from yiyang.core import sql as core_sql
    from yiyang.people.models import Elder
    from yiyang.visits import actions, generation, partitions
    from yiyang.visits.demo import ensure_rules
    from yiyang.visits.models import VisitTask
    from yiyang.visits.tiers import month_bounds

    ensure_rules()
    communities = list(Area.objects.filter(level=AreaLevel.COMMUNITY).values_list("id", flat=True))
    users = User.objects.bulk_create(
        [
            User(username=f"bench_w{n}", role=Role.COMMUNITY_WORKER, password="!")
            for n in range(len(communities))
        ],
        ignore_conflicts=True,
    )
    users = list(User.objects.filter(username__startswith="bench_w").order_by("id"))
    AreaAssignment.objects.bulk_create(
        [AreaAssignment(user=u, area_id=a) for u, a in zip(users, communities, strict=False)],
        ignore_conflicts=True,
    )
    district = Area.objects.filter(level=AreaLevel.DISTRICT).order_by("path").first()
    assert district is not None
    today = timezone.localdate()
    month = f"{today:%Y-%m}"
    rules = generation.rules_for_month(today.year, today.month)
    periodic = [r for r in rules if r.cycle != "event"]
    elders = Elder.objects.count()
    with connection.cursor() as cur:
        cur.execute("ANALYZE people_elder")

    def bare(*, indexed: bool) -> tuple[float, int]:
        """The same rows in one bare ``INSERT … SELECT``: into an unindexed table (the baseline), or
        into a copy of the task table with its indexes and nothing else (the floor: what writing these
        rows into any table with these look-ups costs, row by row)."""
        start, _end = month_bounds(today.year, today.month)
        case_sql, case_params = generation.tier_case(periodic, start)
        cte_sql, cte_params = generation.slots_cte(periodic, today.year, today.month)
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS bench_bare_tasks")
            if indexed:
                cur.execute(f"CREATE TABLE bench_bare_tasks (LIKE {VisitTask._meta.db_table} INCLUDING ALL)")
            else:
                cur.execute(
                    "CREATE TABLE bench_bare_tasks (elder_id integer, rule_id integer, area_path varchar(15), "
                    "period_key varchar(24), window_start date, due_date date, reason varchar(200))"
                )
            extra = ", kind, status, attempt, created_at, updated_at" if indexed else ""
            values = ", 'routine', 'open', 1, now(), now()" if indexed else ""
            t0 = time.perf_counter()
            cur.execute(
                "INSERT INTO bench_bare_tasks (elder_id, rule_id, area_path, period_key, window_start, due_date, "
                f"reason{extra}) "
                f"WITH {cte_sql} SELECT e.id, s.rule_id, e.area_path, s.period_key, s.window_start, s.due_date, "
                f"s.reason{values} FROM people_elder e JOIN slots s ON s.no = ({case_sql}) "
                "WHERE e.status = 'living' AND e.area_path LIKE %s",
                [*cte_params, *case_params, f"{district.path}%"],
            )
            rows = cur.rowcount
            elapsed = time.perf_counter() - t0
            cur.execute("DROP TABLE bench_bare_tasks")
        return elapsed, rows

    def baseline() -> tuple[float, int]:
        return bare(indexed=False)

    def fresh() -> tuple[float, float]:
        """The same rows as a new table (``CREATE TABLE … AS``, which may run with parallel workers) and
        then the task table's four indexes built on it, bare: what a new month's partition pays at the
        least (seconds to fill, seconds to index)."""
        start, _end = month_bounds(today.year, today.month)
        case_sql, case_params = generation.tier_case(periodic, start)
        cte_sql, cte_params = generation.slots_cte(periodic, today.year, today.month)
        with transaction.atomic(), connection.cursor() as cur:
            core_sql.tune(work_mem="128MB")
            cur.execute("DROP TABLE IF EXISTS bench_fresh_tasks")
            t0 = time.perf_counter()
            cur.execute(
                f"CREATE TABLE bench_fresh_tasks AS WITH {cte_sql} SELECT s.no::bigint * 4294967296 + e.id AS id, "
                "e.id AS elder_id, s.rule_id, e.area_path, s.period_key, s.window_start, s.due_date, "
                "s.reason, 'open'::varchar(12) AS status, NULL::bigint AS assignee_id "
                f"FROM people_elder e JOIN slots s ON s.no = ({case_sql}) "
                "WHERE e.status = 'living' AND e.area_path LIKE %s",
                [*cte_params, *case_params, f"{district.path}%"],
            )
            t1 = time.perf_counter()
            cur.execute("ALTER TABLE bench_fresh_tasks ADD PRIMARY KEY (id, period_key), "
                        "ADD UNIQUE (elder_id, period_key)")  # fmt: skip
            cur.execute("CREATE INDEX ON bench_fresh_tasks (area_path varchar_pattern_ops)")
            cur.execute("CREATE INDEX ON bench_fresh_tasks (assignee_id, due_date, id) WHERE status = 'open'")
            t2 = time.perf_counter()
            cur.execute("DROP TABLE bench_fresh_tasks")
        return t1 - t0, t2 - t1

    def generate() -> tuple[float, float, int]:
        with connection.cursor() as cur:
            cur.execute(f"TRUNCATE {VisitTask._meta.db_table} CASCADE")
        partitions.drop_empty()  # each run generates a new month, as on the month's first day
        t0 = time.perf_counter()
        made = actions.tasks_generate(area=district, month=month, actor=None)
        first = time.perf_counter() - t0
        t1 = time.perf_counter()
        again = actions.tasks_generate(area=district, month=month, actor=None)
        second = time.perf_counter() - t1
        assert again.total == 0, again
        return first, second, made.total

    runs: dict[str, list[float]] = {
        "baseline": [], "floor": [], "fresh_fill": [], "fresh_index": [], "fresh": [], "generate": [], "again": []
    }  # fmt: skip
    rows = tasks = 0
    for n in range(args.repeat):
        b, rows = baseline()
        f, _rows = bare(indexed=True)
        ff, fi = fresh()
        g, a, tasks = generate()
        runs["baseline"].append(b)
        runs["floor"].append(f)
        runs["fresh_fill"].append(ff)
        runs["fresh_index"].append(fi)
        runs["fresh"].append(ff + fi)
        runs["generate"].append(g)
        runs["again"].append(a)
        print(f"run {n + 1}: baseline {b:.2f} s ({rows:,} rows), floor (same rows, task indexes) {f:.2f} s, "
              f"new table + indexes {ff:.2f} + {fi:.2f} s, generate {g:.2f} s ({tasks:,} tasks), again {a:.2f} s, "
              f"load {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    medians = {k: round(statistics.median(v), 3) for k, v in runs.items()}

    # "My visits today" for the busiest worker: the phone's list request, through the view.
    from common import sample, summary_ms
    from django.contrib.auth.models import AnonymousUser  # noqa: F401  (the view needs the auth app)
    from django.db.models import Count
    from django.test import RequestFactory

    from yiyang.visits.views_phone import TodayDataView

    busiest = (
        VisitTask.objects.filter(status="open")
        .values("assignee_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    today_ms: dict[str, float] = {}
    if busiest and busiest["assignee_id"]:
        worker = User.objects.get(pk=busiest["assignee_id"])
        request = RequestFactory().get("/visits/today/data/", {"lat": "32.0", "lng": "121.0"})
        request.user = worker
        view = TodayDataView.as_view()
        assert view(request).status_code == 200
        today_ms = {**summary_ms(sample(lambda: view(request), 50)), "open_tasks": busiest["n"]}
        print(f"my visits today ({busiest['n']} open tasks of one worker): {today_ms}", flush=True)
        cursor = json.loads(view(request).content)["next"]
        later = RequestFactory().get(
            "/visits/today/data/", {"lat": "32.0", "lng": "121.0", "after": cursor or ""}
        )
        later.user = worker
        today_ms["next_batch_p95_ms"] = summary_ms(sample(lambda: view(later), 50))["p95_ms"]

        def bare_read() -> None:  # the baseline: the same batch by the index, bare, no counts, no route
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT t.id, t.reason, t.due_date, e.name, e.address, e.latitude, e.longitude "
                    "FROM visits_visittask t JOIN people_elder e ON e.id = t.elder_id "
                    "WHERE t.assignee_id = %s AND t.status = 'open' AND t.window_start <= %s "
                    "ORDER BY t.due_date, t.id LIMIT 31",
                    [worker.pk, today],
                )
                cur.fetchall()

        today_ms["baseline_p95_ms"] = summary_ms(sample(bare_read, 50))["p95_ms"]
        print(f"  next batch p95 {today_ms['next_batch_p95_ms']} ms, bare indexed read p95 "
              f"{today_ms['baseline_p95_ms']} ms", flush=True)  # fmt: skip
    result = {
        "elders": elders,
        "rows": rows,
        "tasks": tasks,
        "median_s": medians,
        "ratio_generate_to_baseline": round(medians["generate"] / medians["baseline"], 2),
        "ratio_floor_to_baseline": round(medians["floor"] / medians["baseline"], 2),
        "ratio_generate_to_floor": round(medians["generate"] / medians["floor"], 2),
        "ratio_fresh_to_baseline": round(medians["fresh"] / medians["baseline"], 2),
        "ratio_generate_to_fresh": round(medians["generate"] / medians["fresh"], 2),
        "partitioned": partitions.partitioned(),
        "runs": runs,
        "my_visits_today": today_ms,
        "postgres": core_sql.postgres(),
        "load_after": machine()["load_1m"],
    }
    path = save("visits_generate", result)
    print(result)
    print(f"saved {path}")
    connection.close()
    if not args.keep:
        drop_database()


if __name__ == "__main__":
    main()
