"""Daily occupancy and a month's operating subsidies from it, on PostgreSQL (issue 16).

Targets: daily occupancy for 1,000 homes, 100,000 beds, one year, under 5 s; a month's operating
subsidies from that occupancy under 10 s and at most 2x a bare aggregate.

In its own database (yiyang_institutions_bench) it writes, set-based, ``--homes`` homes of
``--beds`` beds each and about 1.5 bed assignments per bed over the year (a long stay on most beds,
a discharge and a second resident on half of them, a care-level change on a fifth), then times:

* ``occupancy.daily_occupancy`` over the year (every home, every day, zero days included), beside
  the bare aggregate (the year's nights per home in one scan) and the naive expansion (a day series
  joined to the assignments that cover each day);
* ``subsidy_roll_compute`` for one month (rules → VALUES table, the month's lines aggregated once and
  the roll's lines replaced by them in one statement, totals, audit, commit and the audit chain's seal),
  in three cases, each beside the bare aggregate of the same nights per home and care level (which
  writes nothing) measured in turn with it:
  - the month computed again with nothing changed (``subsidy_month``: the figure the target is set on,
    as before);
  - the month recomputed after occupancy moved (``subsidy_changed``: untimed, the care level of about
    1 % of the month's stays is switched first, so about 1,200 of ~4,300 lines change);
  - the month's first computation (``subsidy_first``: untimed, the roll is deleted first, so every
    line is inserted);
  and, the fair baseline of a first computation, the same priced rows replacing the previous ones in an
  unindexed, unconstrained table by a bare DELETE and INSERT … SELECT, committed.

Checks: the daily series sums to the nights of the year per home; the roll's total equals the bare
aggregate times the rates, recomputed in Python (Decimal), after the last first computation.

    .venv/bin/python bench/institutions_occupancy.py [--homes 1000] [--beds 100] [--runs 5]
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import django_setup, ensure_database, save
from bench.services_settlement import _fill

URL = "postgres://postgres@127.0.0.1:5432/yiyang_institutions_bench"
YEAR = datetime.date(2025, 1, 1)
NEXT = datetime.date(2026, 1, 1)
MONTH = datetime.date(2025, 10, 1)
RATES = {
    "self_care": "100.00",
    "level_1": "150.00",
    "level_2": "200.00",
    "level_3": "260.00",
    "special": "300.00",
}


def build(homes: int, beds: int, rebuild: bool = False) -> None:
    from django.db import connection, transaction

    from yiyang.core.testing import build_areas
    from yiyang.institutions.models import (
        Bed,
        BedAssignment,
        Building,
        Floor,
        Institution,
        Resident,
        Room,
        SubsidyRoll,
        SubsidyRule,
    )  # fmt: skip
    from yiyang.people.models import Elder
    from yiyang.people.tests.factories import ElderFactory

    areas = build_areas()
    if not rebuild and Institution.objects.count() == homes and Bed.objects.count() == homes * beds:
        return
    print("building data …", flush=True)
    start = time.perf_counter()
    with transaction.atomic():
        SubsidyRoll.objects.all().delete()
        BedAssignment.objects.all().delete()
        Resident.objects.all().delete()
        Bed.objects.all().delete()
        Room.objects.all().delete()
        Floor.objects.all().delete()
        Building.objects.all().delete()
        Institution.objects.all().delete()
        SubsidyRule.objects.all().delete()
        elder = Elder.objects.order_by("id").first() or ElderFactory(area=areas.community_a1)
        communities = [areas.community_a1, areas.community_a2, areas.community_b1, areas.community_b2]
        with connection.cursor() as c:
            for n, community in enumerate(communities):
                c.execute(
                    "INSERT INTO institutions_institution (name, kind, area_id, area_path, address, operator,"
                    " legal_person, phone, licence_kind, licence_no, medical, design_beds, fee_note, bank_name,"
                    " bank_account, is_active, created_at, updated_at) SELECT '养老院' || g, 'private', %s, %s, '', '', '',"
                    " '', 'filing', '', '', %s, '', '', '', true, now(), now() FROM generate_series(1, %s) g",
                    [community.pk, community.path, beds, homes // 4 + (1 if n < homes % 4 else 0)],
                )
            # One building and floor per home, a room per four beds.
            c.execute(
                "INSERT INTO institutions_building (institution_id, name, created_at, updated_at)"
                " SELECT id, '1号楼', now(), now() FROM institutions_institution"
            )
            c.execute(
                "INSERT INTO institutions_floor (building_id, level) SELECT id, 1 FROM institutions_building"
            )
            c.execute(
                "INSERT INTO institutions_room (floor_id, number) SELECT f.id, r::text"
                " FROM institutions_floor f CROSS JOIN generate_series(0, (%s - 1) / 4) r",
                [beds],
            )
            c.execute(
                "INSERT INTO institutions_bed (institution_id, room_id, number, kind, status, added_on,"
                " created_at, updated_at) SELECT i.id, r.id, (b %% 4)::text,"
                " CASE WHEN b %% 3 = 0 THEN 'nursing' ELSE 'care' END, 'in_use', DATE '2020-01-01', now(), now()"
                " FROM institutions_institution i CROSS JOIN generate_series(0, %s - 1) b"
                " JOIN institutions_building bu ON bu.institution_id = i.id"
                " JOIN institutions_floor f ON f.building_id = bu.id"
                " JOIN institutions_room r ON r.floor_id = f.id AND r.number = (b / 4)::text",
                [beds],
            )
            # Stays: on 85 % of beds a first resident from before the year (or during it), half of them
            # leaving during the year, and then a second resident on the freed beds.
            c.execute(
                "CREATE TEMP TABLE bench_stay AS SELECT b.id AS bed_id, b.institution_id,"
                " DATE '2024-06-01' + (abs(hashtext(b.id::text)) % 400) AS s1,"
                " CASE WHEN b.id % 2 = 0 THEN DATE '2025-02-01' + (abs(hashtext('e' || b.id)) % 300) END AS e1,"
                " (ARRAY['self_care','level_1','level_2','level_3','special'])[1 + b.id % 5] AS care"
                " FROM institutions_bed b WHERE abs(hashtext('s' || b.id)) % 20 < 17"
            )
            c.execute("UPDATE bench_stay SET e1 = s1 + 30 WHERE e1 IS NOT NULL AND e1 <= s1")
            for part, start_expr, end_expr, where in (
                ("first", "s1", "e1", "TRUE"),
                ("second", "e1 + 7", "NULL::date", "e1 IS NOT NULL AND e1 + 7 < DATE '2025-12-31'"),
            ):
                # Every other NOT NULL column gets a neutral value, so a column added later (the 特困
                # centralised-support flag …) does not break the build.
                cols, exprs = _fill(c, "institutions_resident", {
                    "elder_id": str(int(elder.pk)), "institution_id": "institution_id", "kind": "'long'",
                    "care_level": "care", "contract_no": f"bed_id || '-{part}'", "admitted_on": start_expr,
                    "status": "'discharged'", "created_at": "now()", "updated_at": "now()",
                })  # fmt: skip
                c.execute(
                    f"INSERT INTO institutions_resident ({cols}) SELECT {exprs} FROM bench_stay WHERE {where}"
                )
                c.execute(
                    'INSERT INTO institutions_bedassignment (resident_id, bed_id, institution_id, care_level, start, "end")'
                    f" SELECT r.id, s.bed_id, s.institution_id, s.care, {start_expr.replace('e1', 's.e1').replace('s1', 's.s1')},"
                    f" {end_expr.replace('e1', 's.e1')} FROM bench_stay s JOIN institutions_resident r"
                    f" ON r.contract_no = s.bed_id || '-{part}' WHERE {where.replace('e1', 's.e1')}"
                )
            c.execute("ANALYZE institutions_bedassignment, institutions_institution, institutions_bed")
        for level, amount in RATES.items():
            SubsidyRule.objects.create(name=f"运营补贴 {level}", kind="operating", care_level=level,
                                       amount=Decimal(amount), valid_from=datetime.date(2020, 1, 1))  # fmt: skip
    print(f"built in {time.perf_counter() - start:.1f} s", flush=True)


def bare_write(area_path: str) -> int:
    """The fair baseline of the subsidy action, which writes lines and commits: the same rows (nights per
    home and care level, priced from a VALUES table) replacing the previous run's in a table with the
    lines' columns and no index, key or constraint, by one bare DELETE and INSERT … SELECT, committed."""
    from django.db import connection, transaction

    from yiyang.institutions.occupancy import HOMES, TABLE, nights_sql, overlap_sql
    from yiyang.institutions.subsidy import month_bounds

    first, until, days = month_bounds(MONTH)
    values = ", ".join(f"('{level}', CAST({rate} AS NUMERIC))" for level, rate in RATES.items())
    with transaction.atomic(), connection.cursor() as c:
        c.execute(
            "CREATE TABLE IF NOT EXISTS bench_subsidy_bare (roll_id bigint, institution_id bigint, kind varchar(14),"
            " category varchar(12), quantity integer, bed_months numeric(12, 2), rate numeric(10, 2),"
            " amount numeric(14, 2))"
        )
        c.execute("DELETE FROM bench_subsidy_bare")
        c.execute(
            f"WITH r(category, rate) AS (VALUES {values}), n AS (SELECT a.institution_id, a.care_level,"
            f" SUM({nights_sql()}) AS nights FROM {TABLE} a JOIN {HOMES} i ON i.id = a.institution_id"
            f" WHERE i.area_path LIKE %(path)s AND {overlap_sql()} GROUP BY a.institution_id, a.care_level)"
            " INSERT INTO bench_subsidy_bare SELECT 0, n.institution_id, 'operating', n.care_level, n.nights,"
            " ROUND(n.nights * 1.0 / %(days)s, 2), r.rate, ROUND(n.nights * 1.0 * r.rate / %(days)s, 2)"
            " FROM n JOIN r ON r.category = n.care_level",
            {"path": area_path + "%", "first": first, "until": until, "days": days},
        )
        return int(c.rowcount)


def timed(fn, runs: int) -> tuple[list[float], object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--homes", type=int, default=1000)
    parser.add_argument("--beds", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--url", default=URL)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--subsidy-only", action="store_true", help="skip the year's occupancy timings")
    args = parser.parse_args()
    ensure_database(args.url)
    django_setup(args.url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    build(args.homes, args.beds, args.rebuild)
    from yiyang.core.testing import build_areas
    from yiyang.institutions import subsidy
    from yiyang.institutions.actions.subsidies import subsidy_roll_compute
    from yiyang.institutions.models import BedAssignment
    from yiyang.institutions.occupancy import daily_occupancy, nights_by_home

    areas = build_areas()
    district = areas.district.path
    assignments = BedAssignment.objects.count()

    runs = 1 if args.subsidy_only else args.runs
    occ_times, daily = timed(lambda: daily_occupancy(YEAR, NEXT, area_path=district), runs)
    bare_times, bare = timed(lambda: nights_by_home(district, YEAR, NEXT, by_care_level=False), runs)

    def naive() -> list[tuple[object, ...]]:
        with connection.cursor() as c:
            c.execute(
                "SELECT a.institution_id, d::date, count(*) FROM generate_series(%s::date, %s::date - 1, interval '1 day') d"
                ' JOIN institutions_bedassignment a ON a.start <= d AND (a."end" IS NULL OR a."end" > d)'
                " GROUP BY 1, 2",
                [YEAR, NEXT],
            )
            return list(c.fetchall())

    naive_times, _ = ([float("nan")], None) if args.subsidy_only else timed(naive, max(1, args.runs // 2))
    per_home: dict[int, int] = {}
    for home, _day, occupied in daily:  # type: ignore[union-attr]
        per_home[home] = per_home.get(home, 0) + occupied
    nights = {row[0]: int(row[1]) for row in bare}  # type: ignore[union-attr]
    series_ok = all(per_home.get(h, 0) == nights.get(h, 0) for h in set(per_home) | set(nights))

    # In turns, so that the machine's load, which changes by the second here, weighs on all alike.
    from yiyang.institutions.models import SubsidyRoll

    def compute() -> object:
        return subsidy_roll_compute(area=areas.district, month=MONTH, actor=None)

    def aggregate() -> object:
        return subsidy.bare_aggregate(district, MONTH)

    def move_occupancy(n: int) -> None:
        """Switch the care level of about 1 % of the month's stays (level 1 ↔ level 2)."""
        with connection.cursor() as c:
            c.execute(
                "UPDATE institutions_bedassignment SET care_level = CASE WHEN care_level = 'level_1'"
                " THEN 'level_2' ELSE 'level_1' END WHERE id %% 100 = %s AND start < %s"
                ' AND ("end" IS NULL OR "end" > %s)',
                [n % 100, MONTH.replace(month=MONTH.month + 1), MONTH],
            )

    def drop_roll() -> None:
        with connection.cursor() as c:
            c.execute(
                "DELETE FROM institutions_subsidyline WHERE roll_id IN"
                " (SELECT id FROM institutions_subsidyroll WHERE month = %s)",
                [MONTH],
            )
        SubsidyRoll.objects.filter(month=MONTH).delete()

    compute()  # the month exists before the first timed rerun
    roll_times, agg_times, write_times = [], [], []
    changed_times, changed_agg_times, first_times, first_agg_times = [], [], [], []
    for n in range(args.runs):
        once, roll = timed(compute, 1)
        roll_times += once
        agg_times += timed(aggregate, 1)[0]
        once, written = timed(lambda: bare_write(district), 1)
        write_times += once
        move_occupancy(n)
        aggregate()  # untimed: the first read after the bench's own UPDATE sets the rows' hint bits
        once, roll = timed(compute, 1)
        changed_times += once
        changed_agg_times += timed(aggregate, 1)[0]
        drop_roll()
        once, roll = timed(compute, 1)
        first_times += once
        first_agg_times += timed(aggregate, 1)[0]
    # The check, on the occupancy as it was left: the last first computation against the aggregate.
    agg = aggregate()
    written = bare_write(district)
    days = 31
    expected = sum(
        (Decimal(int(n)) * Decimal(RATES[level]) / days).quantize(Decimal("0.01"), ROUND_HALF_UP)
        for _home, level, n in agg  # type: ignore[attr-defined]
    )
    total_ok = roll.total == expected  # type: ignore[attr-defined]
    lines = roll.lines.count()  # type: ignore[attr-defined]
    med = statistics.median
    result = {
        "homes": args.homes, "beds": args.homes * args.beds, "assignments": assignments,
        "daily_rows": len(daily),  # type: ignore[arg-type]
        "daily_occupancy_median_s": round(med(occ_times), 3),
        "bare_aggregate_year_median_s": round(med(bare_times), 3),
        "naive_day_expansion_median_s": round(med(naive_times), 3),
        "daily_vs_bare": round(med(occ_times) / med(bare_times), 2),
        "daily_vs_naive": round(med(occ_times) / med(naive_times), 2),
        "series_sums_to_nights": series_ok,
        "subsidy_month_median_s": round(med(roll_times), 3),
        "subsidy_bare_aggregate_median_s": round(med(agg_times), 3),
        "subsidy_vs_bare": round(med(roll_times) / med(agg_times), 2),
        "subsidy_bare_write_median_s": round(med(write_times), 3),
        "subsidy_vs_bare_write": round(med(roll_times) / med(write_times), 2),
        "subsidy_changed_median_s": round(med(changed_times), 3),
        "subsidy_changed_bare_aggregate_median_s": round(med(changed_agg_times), 3),
        "subsidy_changed_vs_bare": round(med(changed_times) / med(changed_agg_times), 2),
        "subsidy_first_median_s": round(med(first_times), 3),
        "subsidy_first_bare_aggregate_median_s": round(med(first_agg_times), 3),
        "subsidy_first_vs_bare": round(med(first_times) / med(first_agg_times), 2),
        "subsidy_first_vs_bare_write": round(med(first_times) / med(write_times), 2),
        "bare_write_rows": written,
        "subsidy_lines": lines, "subsidy_total": str(roll.total), "subsidy_total_matches": total_ok,  # type: ignore[union-attr]
        "runs": args.runs,
    }  # fmt: skip
    for key, value in result.items():
        print(f"{key}: {value}")
    save("institutions_occupancy", result)
    if not (series_ok and total_ok and written == lines):
        raise SystemExit("check failed")


if __name__ == "__main__":
    main()
