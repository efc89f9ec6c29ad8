"""Complaints on PostgreSQL: monthly provider scorecards and the 办结率 page (issue 15).

Targets: scorecards over 1,000,000 service events and 50,000 cases under 10 s; the 办结率 page for a
district p95 under 200 ms. In a dedicated database (yiyang_bench_complaints) it writes, set-based,
``--orders`` work orders and visits in one month for 40 providers, one service exception per order
(missed, late, too short; a third dismissed), a return call and a rating for half the visits, so
that there are about 2 × orders service events, and ``--cases`` complaint cases in the same month
(most replied, a share upheld against a provider; every tenth against one of ``--homes`` care homes
instead), and for the homes an inspection each with five findings of the three severities (some
overdue, some rectified on time), and ``--incidents`` incidents of residents (a third harmful). Then
it times:

* ``scorecards_compute`` for the month (providers and homes together), beside the SQL floor measured
  in the same run: one bare grouped scan per source table (the counts the scorecards need, without
  writing a point);
* the 办结率 page by street for the district administrator through the test client (the whole
  request: login session, the one door, the sums of the 办结率 cells, the open cases' overdue count,
  the template), beside the bare ``GROUP BY substr(area_path)`` over the same cases, in ``--rounds``
  alternating rounds of ``--requests`` requests each (p95 of each round; the median of the rounds).

The cases are written here set-based, not by the actions that keep the 办结率 cells: the cells are
rebuilt from them (``complaints.tallies.rebuild``, timed) before anything is measured.

Checks: a second run writes the same points (nothing doubled); every point's source row exists; the
page's totals (cases, closed) equal a direct count.

    .venv/bin/python bench/complaints_scorecards.py [--orders 500000] [--cases 50000] [--homes 1000]
        [--incidents 20000] [--requests 50] [--rounds 5] [--page-only] [--url postgres://…/yiyang_bench_NAME]
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import ensure_database, save, summary_ms
from bench.services_settlement import _fill

URL = "postgres://postgres@127.0.0.1:5432/yiyang_bench_complaints"
MONTH = datetime.date(2026, 10, 1)


def build(c, orders: int, cases: int, homes: int, incidents: int) -> None:  # type: ignore[no-untyped-def]
    from yiyang.core.testing import build_areas
    from yiyang.people.tests.factories import ElderFactory
    from yiyang.services.models import Provider, ServiceItem, Worker

    areas = build_areas()
    item, _ = ServiceItem.objects.get_or_create(
        code="C1", valid_from=datetime.date(2020, 1, 1),
        defaults={"name": "居家保洁", "category": "cleaning", "unit": "hour", "price": 40, "payment_mode": "government"},
    )  # fmt: skip
    for n in range(40):
        p = Provider.objects.create(name=f"考评服务商{n}", kind="domestic")
        Worker.objects.create(provider=p, name=f"CW{n}", base_latitude=32, base_longitude=121)
    seeds = [
        ElderFactory(area=a)
        for a in (areas.community_a1, areas.community_a2, areas.community_b1, areas.community_b2)
    ]
    c.execute("CREATE TEMP TABLE bench_elder AS SELECT row_number() OVER (ORDER BY id) AS n, id, area_path, area_id "
              "FROM people_elder WHERE id = ANY(%s)", [[s.pk for s in seeds]])  # fmt: skip
    c.execute("CREATE TEMP TABLE bench_worker AS SELECT row_number() OVER (ORDER BY id) AS n, id, provider_id "
              "FROM services_worker WHERE name LIKE 'CW%%'", [])  # fmt: skip
    cols, exprs = _fill(c, "services_workorder", {
        "number": "'C' || g", "elder_id": "e.id", "item_id": str(item.pk), "source": "'hotline'", "urgency": "'normal'",
        "scheduled_start": "ts", "scheduled_end": "ts + interval '1 hour'", "status": "'verified'",
        "provider_id": "w.provider_id", "worker_id": "w.id", "area_path": "e.area_path", "plan_date": "ts::date",
        "created_at": "ts", "updated_at": "ts",
    })  # fmt: skip
    c.execute(
        f"INSERT INTO services_workorder ({cols}) SELECT {exprs} FROM (SELECT g, TIMESTAMPTZ %s + (g %% 30) * "
        f"interval '1 day' + interval '9 hours' AS ts FROM generate_series(1, %s) g) s "
        f"JOIN bench_elder e ON e.n = 1 + s.g %% 4 JOIN bench_worker w ON w.n = 1 + s.g %% 40",
        [MONTH.isoformat(), orders],
    )
    cols, exprs = _fill(c, "services_visit", {
        "work_order_id": "o.id", "elder_id": "o.elder_id", "item_id": "o.item_id", "provider_id": "o.provider_id",
        "worker_id": "o.worker_id", "area_path": "o.area_path", "service_date": "o.plan_date",
        "checkin_at": "o.scheduled_start", "checkout_at": "o.scheduled_end", "minutes": "60", "verified": "true",
        "created_at": "o.created_at", "updated_at": "o.created_at",
    })  # fmt: skip
    c.execute(
        f"INSERT INTO services_visit ({cols}) SELECT {exprs} FROM services_workorder o WHERE o.number LIKE 'C%%'",
        [],
    )
    cols, exprs = _fill(c, "services_serviceexception", {
        "work_order_id": "v.work_order_id", "visit_id": "v.id", "provider_id": "v.provider_id",
        "kind": "(ARRAY['missed', 'late', 'too_short'])[1 + v.id %% 3]",
        "status": "CASE WHEN v.id %% 3 = 0 THEN 'dismissed' ELSE 'confirmed' END", "area_path": "v.area_path",
        "detail": "'服务异常'", "created_at": "v.checkin_at", "updated_at": "v.checkin_at",
    })  # fmt: skip
    c.execute(f"INSERT INTO services_serviceexception ({cols}) SELECT {exprs} FROM services_visit v", [])
    cols, exprs = _fill(c, "services_returncall", {
        "visit_id": "v.id", "provider_id": "v.provider_id", "area_path": "v.area_path", "due_date": "v.service_date",
        "called_at": "v.checkin_at + interval '1 day'", "reached": "true", "satisfied": "(v.id %% 10 <> 0)",
        "complaint": "(v.id %% 25 = 0)", "note": "'回访'", "created_at": "v.checkin_at", "updated_at": "v.checkin_at",
    })  # fmt: skip
    c.execute(
        f"INSERT INTO services_returncall ({cols}) SELECT {exprs} FROM services_visit v WHERE v.id %% 2 = 0",
        [],
    )
    cols, exprs = _fill(c, "services_visitrating", {
        "visit_id": "v.id", "provider_id": "v.provider_id", "area_path": "v.area_path", "score": "1 + v.id %% 5",
        "comment": "''", "created_at": "v.checkin_at", "updated_at": "v.checkin_at",
    })  # fmt: skip
    c.execute(
        f"INSERT INTO services_visitrating ({cols}) SELECT {exprs} FROM services_visit v WHERE v.id %% 2 = 1",
        [],
    )
    cols, exprs = _fill(c, "complaints_case", {
        "number": "'TSB' || g", "channel": "(ARRAY['hotline', 'desk', 'online', 'letter', '12345'])[1 + g %% 5]",
        "external_ref": "''", "category": "(ARRAY['service', 'allowance', 'policy', 'rights'])[1 + g %% 4]",
        "urgent": "false", "title": "'投诉'", "content": "'内容'", "area_id": "e.area_id", "area_path": "e.area_path",
        "elder_id": "e.id", "complainant_name": "'王女士'", "relation": "'family'", "consent_disclose": "false",
        "subject_provider_id": "w.provider_id", "unit_provider_id": "w.provider_id", "unit_kind": "'provider'",
        "unit_name": "'服务商'", "status": "CASE WHEN g %% 20 = 0 THEN 'assigned' ELSE 'closed' END",
        "received_at": "ts", "assigned_at": "ts", "due_at": "ts + interval '5 days'", "due_rule": "'规则'",
        "reply": "CASE WHEN g %% 20 = 0 THEN '' ELSE '已处理' END",
        "replied_at": "CASE WHEN g %% 20 = 0 THEN NULL ELSE ts + interval '2 days' END",
        "finding": "CASE WHEN g %% 20 = 0 THEN '' ELSE (ARRAY['upheld', 'partly', 'not_upheld', 'advice'])[1 + g %% 4] END",
        "closed_at": "CASE WHEN g %% 20 = 0 THEN NULL ELSE ts + interval '3 days' END",
        "on_time": "CASE WHEN g %% 20 = 0 THEN NULL ELSE g %% 13 <> 0 END",
        "satisfaction": "CASE WHEN g %% 20 = 0 THEN '' ELSE 'satisfied' END",
        "escalation_level": "0", "reopen_count": "0", "extension_status": "''", "escalated_path": "''",
        "extension_reason": "''", "complainant_phone_enc": "''", "complainant_phone_masked": "''", "institution_name": "''",
        "created_at": "ts", "updated_at": "ts",
    })  # fmt: skip
    c.execute(
        f"INSERT INTO complaints_case ({cols}) SELECT {exprs} FROM (SELECT g, TIMESTAMPTZ %s + (g %% 27) * "
        f"interval '1 day' + interval '10 hours' AS ts FROM generate_series(1, %s) g) s "
        f"JOIN bench_elder e ON e.n = 1 + s.g %% 4 JOIN bench_worker w ON w.n = 1 + s.g %% 40",
        [MONTH.isoformat(), cases],
    )
    build_homes(c, homes, incidents)
    c.execute("ANALYZE")


def build_homes(c, homes: int, incidents: int) -> None:  # type: ignore[no-untyped-def]
    """Care homes for the homes' scorecards: an inspection each in the month with five findings, a
    resident each, ``incidents`` incidents; every tenth case is against a home instead of a provider."""
    cols, exprs = _fill(c, "institutions_institution", {
        "name": "'考评养老院' || g", "kind": "'private'", "area_id": "e.area_id", "area_path": "e.area_path",
        "licence_kind": "'filing'", "design_beds": "100", "is_active": "true", "created_at": "now()",
        "updated_at": "now()",
    })  # fmt: skip
    c.execute(f"INSERT INTO institutions_institution ({cols}) SELECT {exprs} FROM generate_series(1, %s) g "
              f"JOIN bench_elder e ON e.n = 1 + g %% 4", [homes])  # fmt: skip
    cols, exprs = _fill(c, "institutions_resident", {
        "elder_id": "(SELECT min(id) FROM bench_elder)", "institution_id": "i.id", "kind": "'long'",
        "care_level": "'level_1'", "contract_no": "'BR' || i.id", "admitted_on": "DATE '2025-01-01'",
        "status": "'discharged'", "created_at": "now()", "updated_at": "now()",
    })  # fmt: skip
    c.execute(f"INSERT INTO institutions_resident ({cols}) SELECT {exprs} FROM institutions_institution i "
              f"WHERE i.name LIKE '考评养老院%%'", [])  # fmt: skip
    cols, exprs = _fill(c, "institutions_inspection", {
        "institution_id": "i.id", "inspected_on": "DATE %s + CAST(i.id %% 25 AS integer)", "inspectors": "'区民政局'",
        "status": "'open'", "created_at": "now()", "updated_at": "now()",
    })  # fmt: skip
    c.execute(f"INSERT INTO institutions_inspection ({cols}) SELECT {exprs} FROM institutions_institution i "
              f"WHERE i.name LIKE '考评养老院%%'", [MONTH.isoformat()])  # fmt: skip
    # Five findings per inspection: severities in turn; deadlines ten days on; a third rectified in
    # time and verified, a third overdue, the rest still open with their deadline next month.
    cols, exprs = _fill(c, "institutions_finding", {
        "inspection_id": "p.id", "institution_id": "p.institution_id", "description": "'检查发现问题' || k",
        "severity": "(ARRAY['general', 'general', 'major', 'major', 'serious'])[k]",
        "deadline": "p.inspected_on + CAST(CASE WHEN (p.id + k) %% 3 = 2 THEN 40 ELSE 10 END AS integer)",
        "status": "CASE WHEN (p.id + k) %% 3 = 0 THEN 'verified' ELSE 'open' END",
        "rectified_on": "CASE WHEN (p.id + k) %% 3 = 0 THEN p.inspected_on + 5 END",
        "created_at": "now()", "updated_at": "now()",
    })  # fmt: skip
    c.execute(f"INSERT INTO institutions_finding ({cols}) SELECT {exprs} FROM institutions_inspection p "
              f"CROSS JOIN generate_series(1, 5) k", [])  # fmt: skip
    c.execute("CREATE TEMP TABLE bench_home AS SELECT row_number() OVER (ORDER BY r.institution_id) AS n, "
              "r.institution_id AS id, r.id AS resident_id FROM institutions_resident r "
              "WHERE r.contract_no LIKE 'BR%%'", [])  # fmt: skip
    cols, exprs = _fill(c, "institutions_incident", {
        "institution_id": "h.id", "resident_id": "h.resident_id", "kind": "'fall'",
        "occurred_at": "TIMESTAMPTZ %s + (g %% 30) * interval '1 day' + interval '15 hours'",
        "harm": "(ARRAY['none', 'none', 'none', 'minor', 'minor', 'serious'])[1 + g %% 6]",
        "description": "'跌倒'", "created_at": "now()", "updated_at": "now()",
    })  # fmt: skip
    c.execute(f"INSERT INTO institutions_incident ({cols}) SELECT {exprs} FROM generate_series(1, %s) g "
              f"JOIN bench_home h ON h.n = 1 + g %% %s", [MONTH.isoformat(), incidents, homes])  # fmt: skip
    c.execute("UPDATE complaints_case c SET subject_institution_id = h.id, subject_provider_id = NULL, "
              "category = 'institution' FROM bench_home h WHERE c.number LIKE 'TSB%%' "
              "AND substr(c.number, 4)::int %% 10 = 0 AND h.n = 1 + substr(c.number, 4)::int / 10 %% %s",
              [homes])  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=500_000, help="work orders (≈ 2 service events each)")
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--homes", type=int, default=1000)
    parser.add_argument("--incidents", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the 办结率 page and its baseline")
    parser.add_argument("--page-only", action="store_true", help="measure the 办结率 page alone")
    parser.add_argument("--url", default=URL)
    args = parser.parse_args()
    ensure_database(args.url)
    os.environ["YIYANG_DATABASE_URL"] = args.url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Sum

    call_command("migrate", verbosity=0)
    from yiyang.complaints.models import (
        Case,
        InstitutionScore,
        InstitutionScorePoint,
        ProviderScore,
        ScorePoint,
    )
    from yiyang.complaints.scoring import compute_month
    from yiyang.institutions.models import Finding as InspectionFinding

    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM services_workorder WHERE number LIKE 'C%%'", [])
        have = c.fetchone()[0]
        c.execute("SELECT count(*) FROM complaints_case WHERE number LIKE 'TSB%%'", [])
        have_cases = c.fetchone()[0]
        c.execute("SELECT count(*) FROM institutions_incident", [])
        have_incidents = c.fetchone()[0]
        if have != args.orders or have_cases != args.cases:
            print("building data …", flush=True)
            t0 = time.perf_counter()
            c.execute(
                "TRUNCATE complaints_institutionscorepoint, complaints_institutionscore, institutions_incident, "
                "institutions_finding, institutions_inspection, institutions_resident, institutions_institution, "
                "complaints_scorepoint, complaints_providerscore, complaints_caseevent, complaints_case, "
                "services_serviceexception, services_returncall, services_visitrating, services_visitphoto, "
                "services_visit, services_workorder, services_worker, services_provider, people_elder, "
                "accounts_areaassignment, accounts_user, areas_area CASCADE"
            )
            build(c, args.orders, args.cases, args.homes, args.incidents)
            print(f"built in {time.perf_counter() - t0:.0f} s", flush=True)
        elif have_incidents != args.incidents:  # the service data is there: only the homes again
            t0 = time.perf_counter()
            c.execute(
                "UPDATE complaints_case SET subject_institution_id = NULL WHERE subject_institution_id IS NOT NULL"
            )
            for table in ("complaints_institutionscorepoint", "complaints_institutionscore", "institutions_incident",
                          "institutions_finding", "institutions_inspection", "institutions_resident",
                          "institutions_institution"):  # fmt: skip
                c.execute(f"DELETE FROM {table}")  # never TRUNCATE … CASCADE: the cases point at the homes
            c.execute("CREATE TEMP TABLE bench_elder AS SELECT row_number() OVER (ORDER BY id) AS n, id, area_path, "
                      "area_id FROM people_elder ORDER BY id LIMIT 4")  # fmt: skip
            build_homes(c, args.homes, args.incidents)
            c.execute("ANALYZE")
            print(f"homes built in {time.perf_counter() - t0:.0f} s", flush=True)
        c.execute(
            "SELECT (SELECT count(*) FROM services_serviceexception) + (SELECT count(*) FROM services_returncall)"
            " + (SELECT count(*) FROM services_visitrating), (SELECT count(*) FROM complaints_case),"
            " (SELECT count(*) FROM institutions_finding) + (SELECT count(*) FROM institutions_incident)"
        )
        events, n_cases, home_events = c.fetchone()
    print(
        f"service events: {events:,}; cases: {n_cases:,}; findings and incidents: {home_events:,}", flush=True
    )
    from yiyang.complaints.models import CaseTally
    from yiyang.complaints.tallies import rebuild as rebuild_tallies

    counted = CaseTally.objects.aggregate(n=Sum("total"))["n"] or 0
    tally_s = None
    if counted != n_cases:  # written set-based above (or by an older version of this script)
        t = time.perf_counter()
        cells = rebuild_tallies()
        tally_s = time.perf_counter() - t
        with connection.cursor() as c:
            c.execute("ANALYZE complaints_casetally")
        print(f"办结率 cells rebuilt from {n_cases:,} cases: {cells:,} cells in {tally_s:.2f} s", flush=True)
    if args.page_only:
        measure_page(args, n_cases, events, home_events, tally_s)
        return

    # -- scorecards -------------------------------------------------------------------------------
    load_before = list(os.getloadavg())
    print(f"load average: {load_before}", flush=True)
    from django.db import transaction

    runs = []
    for _ in range(3):
        t = time.perf_counter()
        with transaction.atomic():
            run = compute_month(MONTH)
        runs.append(time.perf_counter() - t)
    points = ScorePoint.objects.filter(month=MONTH).count()
    assert points == run.points, (points, run.points)
    home_points = InstitutionScorePoint.objects.filter(month=MONTH).count()
    assert home_points == run.institution_points and run.institutions == args.homes, run
    assert not InstitutionScorePoint.objects.filter(month=MONTH, ref_type="institutions.finding").exclude(
        ref_id__in=InspectionFinding.objects.values("pk")).exists()  # fmt: skip
    missing = (
        ScorePoint.objects.filter(month=MONTH, ref_type="complaints.case")
        .exclude(ref_id__in=Case.objects.values("pk"))
        .count()
    )
    assert missing == 0
    floor = []
    low, high = f"{MONTH}", "2026-11-01"
    with connection.cursor() as c:
        for _ in range(3):
            t = time.perf_counter()
            for sql in (
                "SELECT provider_id, kind, count(*) FROM services_serviceexception WHERE status <> 'dismissed' "
                "AND created_at >= %s AND created_at < %s GROUP BY 1, 2",
                "SELECT provider_id, count(*) FROM services_returncall WHERE (satisfied = false OR complaint) "
                "AND called_at >= %s AND called_at < %s GROUP BY 1",
                "SELECT provider_id, count(*) FROM services_visitrating WHERE score <= 2 "
                "AND created_at >= %s AND created_at < %s GROUP BY 1",
                "SELECT subject_provider_id, finding, count(*) FROM complaints_case WHERE replied_at >= %s "
                "AND replied_at < %s GROUP BY 1, 2",
                "SELECT subject_institution_id, finding, count(*) FROM complaints_case WHERE replied_at >= %s "
                "AND replied_at < %s AND subject_institution_id IS NOT NULL GROUP BY 1, 2",
                "SELECT institution_id, harm, count(*) FROM institutions_incident WHERE occurred_at >= %s "
                "AND occurred_at < %s GROUP BY 1, 2",
                "SELECT f.institution_id, f.severity, count(*), count(*) FILTER (WHERE f.rectified_on IS NULL "
                "OR f.rectified_on > f.deadline) FROM institutions_finding f JOIN institutions_inspection i "
                "ON i.id = f.inspection_id WHERE i.inspected_on >= %s AND i.inspected_on < %s GROUP BY 1, 2",
            ):
                c.execute(sql, [low, high])
                c.fetchall()
            floor.append(time.perf_counter() - t)
    # The write floor: the same rows (one per event) written by one bare INSERT … SELECT into a table
    # with neither index nor constraint, dropped again — what writing the points costs at the least.
    write_floor = []
    with connection.cursor() as c:
        for _ in range(3):
            t = time.perf_counter()
            with transaction.atomic():
                c.execute(
                    "CREATE TEMP TABLE bench_points AS "
                    "SELECT provider_id, created_at AS at, area_path, work_order_id AS ref_id, SUBSTR(detail, 1, 200) "
                    "AS note FROM services_serviceexception WHERE status <> 'dismissed' AND created_at >= %s "
                    "AND created_at < %s UNION ALL SELECT r.provider_id, r.called_at, r.area_path, v.work_order_id, "
                    "SUBSTR(r.note, 1, 200) FROM services_returncall r JOIN services_visit v ON v.id = r.visit_id "
                    "WHERE (r.satisfied = false OR r.complaint) AND r.called_at >= %s AND r.called_at < %s "
                    "UNION ALL SELECT r.provider_id, r.created_at, r.area_path, v.work_order_id, SUBSTR(r.comment, 1, 200) "
                    "FROM services_visitrating r JOIN services_visit v ON v.id = r.visit_id WHERE r.score <= 2 "
                    "AND r.created_at >= %s AND r.created_at < %s UNION ALL SELECT subject_provider_id, replied_at, "
                    "area_path, id, number FROM complaints_case WHERE finding IN ('upheld', 'partly') "
                    "AND subject_provider_id IS NOT NULL AND replied_at >= %s AND replied_at < %s",
                    [low, high] * 4,
                )
                c.execute("DROP TABLE bench_points")
            write_floor.append(time.perf_counter() - t)
    scores = ProviderScore.objects.filter(month=MONTH).count()
    home_scores = InstitutionScore.objects.filter(month=MONTH).count()
    med, wmed = sorted(runs)[1], sorted(write_floor)[1]
    print(f"scorecards: {scores} providers, {points:,} points; {home_scores} homes, {home_points:,} points; "
          f"runs {[round(r, 2) for r in runs]} s, median {med:.2f} s (floor: grouped scans {sorted(floor)[1]:.2f} s, "
          f"ratio {med / sorted(floor)[1]:.1f}×; bare write of the provider points {wmed:.2f} s, ratio {med / wmed:.1f}×); "
          f"load average {os.getloadavg()}", flush=True)  # fmt: skip

    scorecards = {
        "service_events": events, "cases": n_cases, "home_events": home_events, "homes": home_scores,
        "home_points": home_points, "load_before": load_before, "scorecard_runs_s": [round(r, 3) for r in runs],
        "floor_s": [round(r, 3) for r in floor], "write_floor_s": [round(r, 3) for r in write_floor], "points": points,
        "providers": scores,
    }  # fmt: skip
    measure_page(args, n_cases, events, home_events, tally_s, scorecards)


def measure_page(  # type: ignore[no-untyped-def]
    args, n_cases: int, events: int, home_events: int, tally_s: float | None, scorecards: dict | None = None
) -> None:
    """The 办结率 page by street for the district administrator, beside the bare GROUP BY, in rounds."""
    import statistics

    from django.db import connection
    from django.db.models import Count, Q
    from django.test import Client
    from django.test.utils import setup_test_environment

    from yiyang.accounts.models import User
    from yiyang.complaints.models import Case
    from yiyang.core.testing import build_world, pass_second_factor

    setup_test_environment()
    if not User.objects.filter(username="alice").exists():
        build_world()
    alice = User.objects.get(username="alice")
    client = Client()
    client.force_login(alice)
    pass_second_factor(client, alice)  # the district administrator has passed the second factor
    url = "/complaints/rates/?by=street&from=2026-10-01&to=2026-10-31"
    first = client.get(url)
    assert first.status_code == 200
    direct = Case.objects.filter(received_at__date__gte=MONTH, received_at__date__lte=datetime.date(2026, 10, 31)
                                 ).aggregate(total=Count("pk"), closed=Count("pk", filter=Q(status="closed")))  # fmt: skip
    shown = first.context["total"]
    assert (shown.total, shown.closed) == (direct["total"], direct["closed"]), (shown, direct)
    low, high = f"{MONTH}", "2026-11-01"
    load_before = list(os.getloadavg())
    rounds = []
    for _ in range(args.rounds):
        page = []
        for _ in range(args.requests):
            t = time.perf_counter()
            client.get(url)
            page.append((time.perf_counter() - t) * 1000)
        raw = []
        with connection.cursor() as c:
            for _ in range(args.requests):
                t = time.perf_counter()
                c.execute(
                    "SELECT substr(area_path, 1, 9), count(*), count(*) FILTER (WHERE status = 'closed') "
                    "FROM complaints_case WHERE received_at >= %s AND received_at < %s AND area_path LIKE %s "
                    "GROUP BY 1",
                    [low, high, "320612%"],
                )
                c.fetchall()
                raw.append((time.perf_counter() - t) * 1000)
        page_s, raw_s = summary_ms(page), summary_ms(raw)
        rounds.append({"page": page_s, "raw": raw_s, "load": os.getloadavg()[0]})
        print(f"  round: page p95 {page_s['p95_ms']} ms, median {page_s['median_ms']} ms; bare GROUP BY p95 "
              f"{raw_s['p95_ms']} ms; ratio {page_s['p95_ms'] / raw_s['p95_ms']:.2f}; load {os.getloadavg()[0]:.2f}",
              flush=True)  # fmt: skip
    p95 = statistics.median(r["page"]["p95_ms"] for r in rounds)
    med = statistics.median(r["page"]["median_ms"] for r in rounds)
    raw95 = statistics.median(r["raw"]["p95_ms"] for r in rounds)
    ratio = statistics.median(r["page"]["p95_ms"] / r["raw"]["p95_ms"] for r in rounds)
    print(f"办结率 page ({direct['total']:,} cases): p95 {p95:.1f} ms (median of {len(rounds)} rounds of "
          f"{args.requests}), median {med:.1f} ms; bare GROUP BY p95 {raw95:.1f} ms; page/bare p95 ratio "
          f"{ratio:.2f} (median of the rounds' ratios); load average before {load_before}, after "
          f"{list(os.getloadavg())}", flush=True)  # fmt: skip
    save("complaints_scorecards", {
        **(scorecards or {}), "cases": n_cases, "service_events": events, "home_events": home_events,
        "tally_rebuild_s": None if tally_s is None else round(tally_s, 3), "rate_rounds": rounds,
        "rate_page_p95_ms": p95, "rate_page_median_ms": med, "rate_raw_p95_ms": raw95, "rate_ratio": round(ratio, 3),
        "rate_load_before": load_before, "load_after": list(os.getloadavg()),
    })  # fmt: skip


if __name__ == "__main__":
    main()
