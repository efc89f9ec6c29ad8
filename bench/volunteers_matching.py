"""Matching a help request against 100,000 volunteers on PostgreSQL: p95 under 100 ms (issue 14).

In a dedicated database (yiyang_bench_volunteers_matching, or ``--url``) it writes, set-based, the
test district's areas and users, ``--volunteers`` volunteers spread evenly over a square of about
40 km × 40 km (the district) with one to three of the twelve skills, random weekdays and time slots,
nine in ten active; and 200 elders with help requests (a random skill, weekday and slot) at random
places in the same square. Measured, for ``--samples`` random requests:

* ``matching.candidates(request, user)``: the ten nearest volunteers who can do the request and whom
  the user may see (a district administrator, and a street worker whose street is a part of the
  square), each with its distance, as the request's page and the API ask for them;
* baselines in the same run: a bare primary-key fetch of one volunteer (the floor of any query); the
  bare nearest/skill query written by hand (the same conditions and the same square, ordered by
  distance, ten rows, no ORM, no scope), which is what the database must do anyway; and the
  unbounded query (every volunteer who can do it, in the whole district, ordered by distance), which
  is also the reference the answers are checked against: the ten found must be its first ten.

    .venv/bin/python bench/volunteers_matching.py [--volunteers 100000] [--samples 300] [--reuse]
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import ROOT, ensure_database, sample, save, summary_ms

URL = os.environ.get(
    "BENCH_MATCHING_URL", "postgres://postgres@127.0.0.1:5432/yiyang_bench_volunteers_matching"
)
CENTRE = (32.066, 121.073)
HALF = 0.18  # degrees of latitude: the square is about 40 km a side


def build(volunteers: int, rng: random.Random) -> None:
    from django.db import connection, transaction

    from yiyang.core.testing import build_areas
    from yiyang.people.tests.factories import ElderFactory
    from yiyang.volunteers.choices import DaySlot, Skill
    from yiyang.volunteers.models import HelpRequest, MutualAidPair, ServiceRecord, Volunteer

    areas = build_areas()
    communities = [areas.community_a1, areas.community_a2, areas.community_b1]
    v = Volunteer._meta.db_table
    skills, slots = list(Skill.values), list(DaySlot.values)
    shrink = math.cos(math.radians(CENTRE[0]))
    with transaction.atomic(), connection.cursor() as c:
        HelpRequest.objects.all().delete()
        ServiceRecord.objects.all().delete()
        MutualAidPair.objects.all().delete()
        c.execute(f"TRUNCATE {v} CASCADE")
        c.execute("SELECT setseed(0.14)")
        # Each volunteer: 1-3 skills, each weekday with probability 0.6, each slot with probability 0.5.
        c.execute(
            f"""INSERT INTO {v} (created_at, updated_at, id_number_enc, id_number_hash, id_number_masked, name, sex,
                    birth_date, phone_enc, phone_hash, phone_masked, kind, skills, available_days, available_slots,
                    area_id, area_path, address, latitude, longitude, team_id, elder_id, former_profession,
                    willingness, status, joined_on, note)
                SELECT now(), now(), 'v1:x', md5('m' || i::text), '320612********' || lpad((i %% 10000)::text, 4, '0'),
                       '志愿者' || i, 'F', DATE '1980-01-01', '', '', '', 'party',
                       ',' || (%s::text[])[1 + (i %% 12)]
                           || CASE WHEN r1 < 0.6 THEN ',' || (%s::text[])[1 + ((i / 12) %% 12)] ELSE '' END
                           || CASE WHEN r1 < 0.3 THEN ',' || (%s::text[])[1 + ((i / 144) %% 12)] ELSE '' END || ',',
                       ',' || concat_ws(',', CASE WHEN random() < 0.6 THEN '1' END, CASE WHEN random() < 0.6 THEN '2' END,
                                        CASE WHEN random() < 0.6 THEN '3' END, CASE WHEN random() < 0.6 THEN '4' END,
                                        CASE WHEN random() < 0.6 THEN '5' END, CASE WHEN random() < 0.6 THEN '6' END,
                                        CASE WHEN random() < 0.6 THEN '7' END) || ',',
                       ',' || concat_ws(',', CASE WHEN random() < 0.5 THEN %s END, CASE WHEN random() < 0.5 THEN %s END,
                                        CASE WHEN random() < 0.5 THEN %s END) || ',',
                       (%s::bigint[])[1 + (i %% 3)], (%s::text[])[1 + (i %% 3)], '',
                       %s + (random() * 2 - 1) * %s, %s + (random() * 2 - 1) * %s, NULL, NULL, '', '',
                       CASE WHEN random() < 0.9 THEN 'active' ELSE 'paused' END, CURRENT_DATE, ''
                FROM (SELECT i, random() AS r1 FROM generate_series(1, %s) i) s""",
            [skills, skills, skills, *slots, [a.pk for a in communities], [a.path for a in communities],
             CENTRE[0], HALF, CENTRE[1], HALF / shrink, volunteers],
        )  # fmt: skip
    with connection.cursor() as c:
        c.execute(f"VACUUM ANALYZE {v}")
    monday = datetime.date(2026, 12, 7)
    for n in range(200):
        elder = ElderFactory.create(
            area=communities[n % 3],
            latitude=CENTRE[0] + rng.uniform(-HALF, HALF) * 0.9,
            longitude=CENTRE[1] + rng.uniform(-HALF, HALF) * 0.9 / shrink,
        )
        HelpRequest.objects.create(
            elder=elder,
            skill=rng.choice(skills),
            wanted_on=monday + datetime.timedelta(days=n % 7),
            wanted_slot=rng.choice(slots),
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--volunteers", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--url", default=URL)
    parser.add_argument("--reuse", action="store_true", help="measure the volunteers already written")
    args = parser.parse_args()

    ensure_database(args.url)
    os.environ["YIYANG_DATABASE_URL"] = args.url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], check=True, cwd=ROOT)
    import django

    django.setup()
    from django.db import connection

    from yiyang.accounts.models import User
    from yiyang.core.testing import STANDING, World, build_areas, build_world
    from yiyang.volunteers import matching
    from yiyang.volunteers.models import HelpRequest, Volunteer

    rng = random.Random(14)
    if User.objects.filter(username__in=STANDING).exists():  # written by an earlier run
        world = World(build_areas())
        world.users = {u.username: u for u in User.objects.filter(username__in=STANDING)}
    else:
        world = build_world()
    build_seconds = 0.0
    if not args.reuse:
        started = time.perf_counter()
        build(args.volunteers, rng)
        build_seconds = time.perf_counter() - started
    total = Volunteer.objects.count()
    requests = list(HelpRequest.objects.select_related("elder"))
    picks = [rng.choice(requests) for _ in range(args.samples)]
    v = Volunteer._meta.db_table

    def bare(request: HelpRequest, bounded: bool) -> list[int]:
        """The nearest/skill query by hand: no ORM, no scope; ``bounded``: in the 1 km square."""
        lat, lng = float(request.elder.latitude or 0), float(request.elder.longitude or 0)
        shrink = math.cos(math.radians(lat))
        box = (
            " AND latitude BETWEEN %s AND %s AND longitude BETWEEN %s AND %s"
            if bounded
            else " AND latitude IS NOT NULL AND longitude IS NOT NULL"
        )
        params = [lat - 0.01, lat + 0.01, lng - 0.01 / shrink, lng + 0.01 / shrink] if bounded else []
        with connection.cursor() as c:
            c.execute(
                f"""SELECT id FROM {v} WHERE status = 'active' AND skills LIKE %s AND available_days LIKE %s
                    AND available_slots LIKE %s{box}
                    ORDER BY (latitude - %s) * (latitude - %s)
                             + ((longitude - %s) * %s) * ((longitude - %s) * %s), id LIMIT 10""",
                [f"%,{request.skill},%", f"%,{request.weekday},%", f"%,{request.wanted_slot},%", *params,
                 lat, lat, lng, shrink, lng, shrink],
            )  # fmt: skip
            return [row[0] for row in c.fetchall()]

    def found(request: HelpRequest, user: object) -> list[int]:
        return [c.volunteer.pk for c in matching.candidates(request, user)]

    # Warm-up, and the answers checked against the unbounded query (the district user sees everyone).
    agree = sum(found(r, world.alice) == bare(r, bounded=False) for r in requests[:30])
    counts = [len(found(r, world.alice)) for r in requests[:30]]

    it = iter(picks)
    district = sample(lambda: matching.candidates(next(it), world.alice), args.samples)
    it = iter(picks)
    street = sample(lambda: matching.candidates(next(it), world.bob), args.samples)
    ids = list(Volunteer.objects.values_list("pk", flat=True)[:5000])
    keys = iter(rng.choice(ids) for _ in range(args.samples))
    pk_fetch = sample(lambda: Volunteer.objects.filter(pk=next(keys)).values_list("name", flat=True).first(),
                      args.samples)  # fmt: skip
    it = iter(picks)
    bare_bounded = sample(lambda: bare(next(it), bounded=True), args.samples)
    few = picks[:30]
    it = iter(few)
    unbounded = sample(lambda: bare(next(it), bounded=False), len(few))
    with connection.cursor() as c:
        r = picks[0]
        lat, lng = float(r.elder.latitude or 0), float(r.elder.longitude or 0)
        c.execute(
            f"""EXPLAIN SELECT id FROM {v} WHERE status = 'active' AND skills LIKE %s
                AND latitude BETWEEN %s AND %s AND longitude BETWEEN %s AND %s""",
            [f"%,{r.skill},%", lat - 0.01, lat + 0.01, lng - 0.012, lng + 0.012],
        )  # fmt: skip
        plan = " / ".join(row[0].strip() for row in c.fetchall()[:3])

    d, s = summary_ms(district), summary_ms(street)
    result = {
        "volunteers": total,
        "active": Volunteer.objects.filter(status="active").count(),
        "requests": len(requests),
        "build_seconds": round(build_seconds, 1),
        "candidates_district_user": d,
        "candidates_street_user": s,
        "baseline_pk_fetch": summary_ms(pk_fetch),
        "baseline_bare_query_1km_square": summary_ms(bare_bounded),
        "baseline_unbounded_query": summary_ms(unbounded),
        "answers_equal_to_unbounded_query": f"{agree}/30",
        "candidates_found_median": statistics.median(counts),
        "plan": plan,
        "target_p95_ms": 100,
        "pass": max(d["p95_ms"], s["p95_ms"]) < 100,
        "ratio_p95_to_pk_fetch_p95": round(d["p95_ms"] / summary_ms(pk_fetch)["p95_ms"], 2),
        "ratio_median_to_bare_query_median": round(d["median_ms"] / summary_ms(bare_bounded)["median_ms"], 2),
        "ratio_unbounded_median_to_median": round(summary_ms(unbounded)["median_ms"] / d["median_ms"], 2),
    }
    path = save("volunteers_matching", result)
    for key, value in result.items():
        print(f"{key}: {value}")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
