"""Benchmark: the account list's scope filter (用户管理) on PostgreSQL.

    .venv/bin/python bench/accounts_user_list.py [--users 20000] [--repeat 7] [--keep]

Uses its own database (yiyang_bench_accounts, created if missing; dropped at the end unless --keep).
Creates a district of 10 streets × 20 communities and ``--users`` accounts with one to three
assignments each (a tenth spanning two streets). Measured side by side in the same run, medians of
``--repeat`` runs of "count + first page of 50 ordered by username":

* baseline: the naive join ``assignments__area__path__startswith=<street>`` + ``DISTINCT``, i.e.
  "has *some* assignment in my street" (what a ``scope_path`` across the relation would give; it
  wrongly shows the accounts spanning two streets);
* scoped: ``User.objects.for_user(street_admin)`` — "no assignment outside my street", with the
  lockout annotation the list page adds;
* district: ``for_user`` for a district-wide administrator (every account, plus those without areas).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = "yiyang_bench_accounts"
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


def median_ms(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    fn()  # warm
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    ensure_database()
    try:
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], check=True, cwd=ROOT)
    except subprocess.CalledProcessError:
        print("migrate failed; continuing with the existing schema")
    import django

    django.setup()
    import random

    from django.contrib.auth.hashers import make_password

    from yiyang.accounts.models import AreaAssignment, User
    from yiyang.accounts.roles import Role
    from yiyang.accounts.selectors import with_lock_state
    from yiyang.areas.models import Area

    try:
        AreaAssignment.objects.filter(user__username__startswith="bench").delete()
        User.objects.filter(username__startswith="bench").delete()
        district, _ = Area.objects.get_or_create(
            code="329901", defaults={"path": "329901", "name": "基准区", "level": 3, "vintage": "bench"}
        )
        streets, communities = [], []
        for s in range(10):
            code = f"329901{s + 1:03d}"
            street, _ = Area.objects.get_or_create(
                code=code, defaults={"path": code, "name": f"街道{s}", "level": 4, "parent": district}
            )
            streets.append(street)
            for c in range(20):
                ccode = f"{code}{c + 1:03d}"
                community, _ = Area.objects.get_or_create(
                    code=ccode, defaults={"path": ccode, "name": f"社区{s}-{c}", "level": 5, "parent": street}
                )
                communities.append(community)
        rng = random.Random(7)
        password = make_password("Bench#2026")
        users = User.objects.bulk_create(
            [
                User(username=f"bench{n:06d}", password=password, role=Role.COMMUNITY_WORKER, last_name="测")
                for n in range(args.users)
            ],
            batch_size=5000,
        )
        assignments = []
        for user in users:
            first = rng.choice(communities)
            picks = {first}
            if rng.random() < 0.1:  # spans two streets
                picks.add(rng.choice(communities))
            elif rng.random() < 0.3:  # two communities of one street
                picks.add(rng.choice([c for c in communities if c.parent_id == first.parent_id]))
            assignments += [AreaAssignment(user=user, area=a) for a in picks]
        AreaAssignment.objects.bulk_create(assignments, batch_size=10000)
        street_admin = User.objects.create_user(
            username="bench_admin_s", password="x", role=Role.DISTRICT_ADMIN
        )
        AreaAssignment.objects.create(user=street_admin, area=streets[0])
        district_admin = User.objects.create_user(
            username="bench_admin_d", password="x", role=Role.DISTRICT_ADMIN
        )
        AreaAssignment.objects.create(user=district_admin, area=district)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"{args.users} users, {len(assignments)} assignments; medians of {args.repeat} runs")

        def page(qs):  # type: ignore[no-untyped-def]
            def run() -> tuple[int, int]:
                return qs.count(), len(list(qs.order_by("username")[:50]))

            return run

        baseline_qs = User.objects.filter(
            is_active=True, assignments__area__path__startswith=streets[0].path
        ).distinct()
        scoped_qs = with_lock_state(User.objects.for_user(street_admin))
        district_qs = with_lock_state(User.objects.for_user(district_admin))
        bare_qs = User.objects.for_user(street_admin)
        bare = median_ms(page(bare_qs), args.repeat)
        counts = (baseline_qs.count(), scoped_qs.count(), district_qs.count())
        base = median_ms(page(baseline_qs), args.repeat)
        scoped = median_ms(page(scoped_qs), args.repeat)
        wide = median_ms(page(district_qs), args.repeat)
        print(f"baseline (some assignment in street, DISTINCT): {base:8.1f} ms  rows {counts[0]}")
        print(
            f"for_user street admin (all inside, + lockout):  {scoped:8.1f} ms  rows {counts[1]}  ratio {scoped / base:.2f}"
        )
        print(f"for_user street admin, without lockout column: {bare:8.1f} ms  ratio {bare / base:.2f}")
        print(
            f"for_user district admin (+ lockout):            {wide:8.1f} ms  rows {counts[2]}  ratio {wide / base:.2f}"
        )
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database()


if __name__ == "__main__":
    main()
