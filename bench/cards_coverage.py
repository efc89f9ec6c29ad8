"""银龄安康 coverage by community for 2,000,000 elders, on PostgreSQL (issue 17).

Target: the coverage of the elder population by community, for a district, under 2 s.

In a dedicated database (yiyang_bench_cards, or $BENCH_CARDS_DB; kept for reruns unless --drop) with ``manage.py demo --elders N``
(2,000,000 by default), the year's list is made as the module makes it: ``enrolment_generate`` for
the district (特困, 低保 and 80+, one ``INSERT … SELECT``), then voluntary enrolments for about a
fifth of the others (set-based), so about a third of the elders are insured, as seed 003 reports.
Then, medians of ``--repeat`` runs, side by side in the same run:

* ours: ``cards.coverage.coverage`` for the district administrator, by community (the population
  from the statistics cells, the year's living enrolled and the government-paid share in one
  grouped, index-only count through the one door);
* baseline: the naive query a report would write — every elder of the district joined to the
  year's list and grouped by community (``people_elder LEFT JOIN cards_enrolment``);
* floor: the bare ``GROUP BY substr(area_path, 1, 12)`` over the year's enrolments alone.

Checks: our figures equal the baseline's for every community.

    .venv/bin/python bench/cards_coverage.py [--elders 2000000] [--repeat 5] [--drop]
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import ensure_database, machine, manage, save  # noqa: E402

DB = os.environ.get("BENCH_CARDS_DB", "yiyang_bench_cards")
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
os.environ["YIYANG_DATABASE_URL"] = URL
os.environ["YIYANG_DEBUG"] = "0"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def median_s(fn, repeat: int) -> tuple[float, list[float], object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--elders", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--drop", action="store_true", help="drop the benchmark database at the end")
    args = parser.parse_args()

    ensure_database(URL)
    manage("migrate", "-v0", url=URL)
    import django

    django.setup()
    from django.db import connection

    from yiyang.areas.models import Area, AreaLevel
    from yiyang.cards import actions, coverage
    from yiyang.cards.models import Enrolment
    from yiyang.core.testing import make_user
    from yiyang.people.models import Elder
    from yiyang.people.stats import rebuild

    have = Elder.objects.count()
    if have < args.elders * 0.99:
        t = time.perf_counter()
        manage("demo", "--elders", str(args.elders), "--reset", "-v0", url=URL)
        print(f"demo data: {args.elders:,} elders in {time.perf_counter() - t:.0f} s", flush=True)
    district = Area.objects.get(code="320612")
    year = datetime.date.today().year
    if not Enrolment.objects.filter(year=year).exists():
        t = time.perf_counter()
        added = actions.enrolment_generate(year=year, area=district, actor=None)
        generate_s = time.perf_counter() - t
        with connection.cursor() as c:
            c.execute(
                'INSERT INTO cards_enrolment (created_at, updated_at, year, elder_id, area_path, payer, "group",'
                " premium, policy_number, enrolled_on, source, elder_living, import_batch_id)"
                " SELECT now(), now(), %s, e.id, e.area_path, 'self', 'voluntary', 30, 'V' || e.id, %s, 'imported',"
                " true, NULL FROM people_elder e WHERE e.status = 'living' AND e.id %% 5 = 0"
                " AND NOT EXISTS (SELECT 1 FROM cards_enrolment x WHERE x.elder_id = e.id AND x.year = %s)",
                [year, datetime.date(year, 1, 15), year],
            )
        print(f"list: {added:,} government-paid in {generate_s:.1f} s (enrolment_generate)", flush=True)
        with connection.cursor() as c:
            c.execute("VACUUM ANALYZE cards_enrolment")
    rebuild()
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE people_elder")
        c.execute("VACUUM ANALYZE people_elderstat")
    enrolled = Enrolment.objects.filter(year=year).count()
    elders = Elder.objects.count()
    from yiyang.accounts.models import User

    admin = User.objects.filter(username="bench_cards_admin").first() or make_user(
        "bench_cards_admin", "district_admin", [district]
    )
    communities = list(
        Area.objects.filter(path__startswith=district.path, level=AreaLevel.COMMUNITY)
        .order_by("path")
        .values_list("path", flat=True)
    )

    def ours() -> dict[str, tuple[int, int]]:
        rows = coverage.coverage(admin, year, district.path, communities)
        return {r.path: (r.population, r.enrolled) for r in rows[1:]}

    def baseline() -> dict[str, tuple[int, int]]:
        with connection.cursor() as c:
            c.execute(
                "SELECT substr(e.area_path, 1, 12), count(*), count(x.id) FROM people_elder e"
                " LEFT JOIN cards_enrolment x ON x.elder_id = e.id AND x.year = %s"
                " WHERE e.area_path LIKE %s AND e.status = 'living' AND e.birth_date <= %s GROUP BY 1",
                [year, f"{district.path}%", datetime.date(year - 60, 12, 31)],
            )
            return {p: (int(n), int(k)) for p, n, k in c.fetchall()}

    def floor() -> int:
        with connection.cursor() as c:
            c.execute(
                "SELECT substr(area_path, 1, 12), count(*) FROM cards_enrolment WHERE year = %s AND elder_living"
                " AND area_path LIKE %s GROUP BY 1",
                [year, f"{district.path}%"],
            )
            return len(c.fetchall())

    results: dict[str, object] = {"elders": elders, "enrolled": enrolled, "communities": len(communities)}
    _om, ours_t, ours_r = median_s(ours, args.repeat)
    _bm, base_t, base_r = median_s(baseline, args.repeat)
    _fm, floor_t, _ = median_s(floor, args.repeat)
    # A second round, interleaved the other way, so neither side always runs on a warmer cache.
    _fm2, floor_t2, _ = median_s(floor, args.repeat)
    _bm2, base_t2, _ = median_s(baseline, args.repeat)
    _om2, ours_t2, _ = median_s(ours, args.repeat)
    ours_all, base_all, floor_all = ours_t + ours_t2, base_t + base_t2, floor_t + floor_t2
    mismatched = [p for p in communities if ours_r.get(p, (0, 0))[1] != base_r.get(p, (0, 0))[1]]  # type: ignore[union-attr]
    results.update(
        ours_median_s=round(statistics.median(ours_all), 3),
        baseline_median_s=round(statistics.median(base_all), 3),
        floor_median_s=round(statistics.median(floor_all), 3),
        ratio_to_baseline=round(statistics.median(ours_all) / statistics.median(base_all), 3),
        ratio_to_floor=round(statistics.median(ours_all) / statistics.median(floor_all), 3),
        runs=len(ours_all),
        enrolled_mismatches=len(mismatched),
        machine=machine(),
    )
    for key, value in results.items():
        print(f"{key}: {value}")
    save("cards_coverage", results)
    assert not mismatched, mismatched[:5]
    connection.close()
    if args.drop:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
