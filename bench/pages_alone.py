"""One request at a time (issue 19): the elder list and a payment roll's page, beside a minimal page.

    .venv/bin/python bench/pages_alone.py [--elders 300000] [--repeat 30] [--skip-setup]
                                          [--profile "elder list, district administrator"] [--profile-n 50]

- The database: the district demo (``demo_all``) at ``--elders`` elders, as ``bench/load.py`` builds it
  (the same database by default: ``BENCH_LOAD_DATABASE_URL``, else ``…/yiyang_bench_load``). Its
  benefits demo keeps twelve months of rolls (eleven approved, this month's a draft), so a roll's page
  reads a year of history.
- The server: the production settings (debug off) plus ``/bench/ping/``, a minimal authenticated view
  (``bench/loadmix``): the in-run baseline. Requests go through Django's test client, the whole
  middleware stack included, in this one process: the time is the server's alone (no network, no queue).
- Pages, taken in turn so that the machine's load falls on all alike: the elder list (first page, then
  page 2 000 of the district / page 200 of the street, then filtered by sex and area, and by each of the
  load run's filters: 80 and over, living alone, 低保), as the district
  administrator ``admin`` and the street worker ``jinsha``; this month's draft roll (the district's
  高龄津贴) as both; an elder's page and the work orders, as the load run opens them; the baseline view as
  both.

Reported per page: median and p95 of the wall time, the median CPU time of this process, queries and
their wall time (median), and the ratio of the median to the baseline's. ``--profile NAME`` runs that
page ``--profile-n`` times under cProfile and prints the top of the profile (cumulative and own time).

Targets (issue 19): the elder list under 50 ms server time alone; a roll's page under 200 ms alone at
twelve months of history.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE / "loadmix"))

from common import ROOT, percentile, save  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/yiyang_bench_load"
TARGETS_MS = {"elder list": 50.0, "roll detail": 200.0}


def django_setup(url: str) -> None:
    os.environ["YIYANG_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    os.environ.update(
        YIYANG_DEBUG="0",
        YIYANG_SECURE_COOKIES="0",
        YIYANG_STATIC_FROM_PACKAGES="1",
        YIYANG_ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


class SqlTimer:
    """Counts the queries of a request and their wall time (``connection.execute_wrapper``)."""

    def __init__(self) -> None:
        self.n, self.seconds = 0, 0.0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.n += 1
            self.seconds += time.perf_counter() - started


def pages() -> dict[str, tuple[Any, str, dict[str, str]]]:
    from django.test import Client

    from yiyang.accounts.models import User
    from yiyang.areas.models import Area
    from yiyang.benefits.models import PaymentRoll
    from yiyang.core.testing import pass_second_factor
    from yiyang.people.demo import DEMO_DISTRICT
    from yiyang.people.models import Elder

    clients = {}
    for username in ("admin", "jinsha"):
        user = User.objects.get(username=username)
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(user)
        pass_second_factor(client, user)
        clients[username] = client
    district = Area.objects.get(code=DEMO_DISTRICT)
    street = Area.objects.get(pk=User.objects.get(username="jinsha").assignments.get().area_id)
    community = Area.objects.filter(parent=street).order_by("code").first()
    assert community is not None
    roll = (
        PaymentRoll.objects.filter(area=district, programme__code="gaoling").order_by("-month").first()
        or PaymentRoll.objects.filter(area=district).order_by("-month", "pk").first()
    )
    assert roll is not None, "the benefits demo made no roll"
    history = PaymentRoll.objects.filter(area=district, programme=roll.programme, month__year=roll.month.year)
    print(f"roll {roll.pk}: {roll} ({roll.status}), {history.count()} rolls in {roll.month.year}", flush=True)
    admin, street_worker = clients["admin"], clients["jinsha"]
    url_list, url_roll = "/people/elders/", f"/benefits/rolls/{roll.pk}/"
    elder = Elder.objects.filter(area_path__startswith=street.path).order_by("pk").first()
    assert elder is not None
    return {
        "baseline, district administrator": (admin, "/bench/ping/", {}),
        "baseline, street worker": (street_worker, "/bench/ping/", {}),
        "elder list, district administrator": (admin, url_list, {}),
        "elder list, street worker": (street_worker, url_list, {}),
        "elder list p.2000, district administrator": (admin, url_list, {"page": "2000"}),
        "elder list p.200, street worker": (street_worker, url_list, {"page": "200"}),
        "elder list filtered, district administrator": (
            admin,
            url_list,
            {"sex": "F", "area": community.path, "age_bracket": "2"},
        ),
        # the load run's filters (bench/loadmix/locustfile.py), two on a later page as it also opens
        "elder list age 80+, street worker": (street_worker, url_list, {"age_min": "80", "page": "2"}),
        "elder list living alone, street worker": (street_worker, url_list, {"living_situation": "alone"}),
        "elder list 低保, street worker": (street_worker, url_list, {"category": "dibao"}),
        "elder list age 80+, district administrator": (admin, url_list, {"age_min": "80"}),
        "elder list living alone, district administrator": (admin, url_list, {"living_situation": "alone"}),
        "elder list 低保, district administrator": (admin, url_list, {"category": "dibao", "page": "3"}),
        "roll detail, district administrator": (admin, url_roll, {}),
        "roll detail, street worker": (street_worker, url_roll, {}),
        # two more pages of the load run, for their cost alone
        "elder detail, street worker": (street_worker, f"/people/elders/{elder.pk}/", {}),
        "work orders, street worker": (street_worker, "/services/work-orders/", {}),
        "work orders, district administrator": (admin, "/services/work-orders/", {}),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--elders", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--skip-setup", action="store_true", help="the database is already there")
    parser.add_argument("--profile", default="", help="a page's name: profile it instead of timing all")
    parser.add_argument("--profile-n", type=int, default=50)
    parser.add_argument("--only", default="", help="comma-separated substrings of the pages' names")
    args = parser.parse_args()
    url = os.environ.get("BENCH_LOAD_DATABASE_URL", DEFAULT_URL)
    if not args.skip_setup:
        from load import setup

        setup(url, args.elders)
    django_setup(url)
    from django.db import connection

    from yiyang.people.models import Elder

    load_before = os.getloadavg()[0]
    todo = pages()
    for name, (client, path, query) in todo.items():  # every page once: caches warm, statuses checked
        response = client.get(path, query)
        assert response.status_code == 200, (name, response.status_code, response.content[:300])
    if args.profile:
        client, path, query = todo[args.profile]
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(args.profile_n):
            client.get(path, query)
        profiler.disable()
        took = (time.perf_counter() - started) / args.profile_n * 1000
        print(f"{args.profile}: {took:.1f} ms per request under the profiler ({args.profile_n} requests)")
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
        return 0
    if args.only:
        wanted = [w.strip() for w in args.only.split(",")]
        todo = {k: v for k, v in todo.items() if k.startswith("baseline") or any(w in k for w in wanted)}
    wall: dict[str, list[float]] = {name: [] for name in todo}
    cpu: dict[str, list[float]] = {name: [] for name in todo}
    sql_n: dict[str, list[int]] = {name: [] for name in todo}
    sql_ms: dict[str, list[float]] = {name: [] for name in todo}
    loads = []
    for _ in range(args.repeat):
        loads.append(os.getloadavg()[0])
        for name, (client, path, query) in todo.items():
            timer = SqlTimer()
            with connection.execute_wrapper(timer):
                c0, t0 = time.process_time(), time.perf_counter()
                client.get(path, query)
                t1, c1 = time.perf_counter(), time.process_time()
            wall[name].append((t1 - t0) * 1000)
            cpu[name].append((c1 - c0) * 1000)
            sql_n[name].append(timer.n)
            sql_ms[name].append(timer.seconds * 1000)
    base = statistics.median(wall["baseline, district administrator"] + wall["baseline, street worker"])
    results: dict[str, Any] = {
        "elders": Elder.objects.count(),
        "repeat": args.repeat,
        "load_1m_before": round(load_before, 2),
        "load_1m_median": round(statistics.median(loads), 2),
        "load_1m_max": round(max(loads), 2),
        "baseline_median_ms": round(base, 1),
        "pages": {},
    }
    print(
        f"{results['elders']:,} elders; {args.repeat} requests per page, taken in turn; load (1 min) "
        f"{results['load_1m_before']} before, median {results['load_1m_median']}, max {results['load_1m_max']}"
    )
    print(f"  {'page':<46} {'median':>8} {'p95':>8} {'CPU':>7} {'queries':>8} {'SQL':>7}  ×base  target")
    for name in todo:
        median = statistics.median(wall[name])
        target = next((ms for key, ms in TARGETS_MS.items() if name.startswith(key)), None)
        page = {
            "median_ms": round(median, 1),
            "p95_ms": round(percentile(wall[name], 95), 1),
            "cpu_median_ms": round(statistics.median(cpu[name]), 1),
            "queries": int(statistics.median(sql_n[name])),
            "sql_median_ms": round(statistics.median(sql_ms[name]), 1),
            "x_baseline": round(median / base, 1),
            "target_ms": target,
            "met": None if target is None else median < target,
        }
        results["pages"][name] = page
        verdict = "" if target is None else f"{'met' if page['met'] else 'MISSED'} < {target:.0f}"
        print(
            f"  {name:<46} {page['median_ms']:>8.1f} {page['p95_ms']:>8.1f} {page['cpu_median_ms']:>7.1f} "
            f"{page['queries']:>8} {page['sql_median_ms']:>7.1f}  {page['x_baseline']:>5}  {verdict}"
        )
    print("saved", save("pages_alone", results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
