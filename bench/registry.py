"""Registry benchmarks at city scale (issue: foundation), each beside its baseline.

    .venv/bin/python bench/registry.py [--elders 2000000] [--stages search,dashboard,import_csv,import_xlsx]

Stages:
- search     p95 of the elder list's search (one letter, a surname, pinyin and initials, ID and phone
             suffix, name prefix; its rows and the count the page shows: a broad term's from the kept
             counts, as the view reads them) as a district administrator and as a street worker;
             baseline: the same query without the indexes' help (LIKE '%…%'), and a primary-key fetch
             as the floor; and the floor of an exact count: the page's own count statement sent
             bare, per user, for 4-letter pinyin and 2-letter initials.
- dashboard  p95 of the dashboard for the district and for one street; baseline: the raw GROUP BY.
- import_csv a 2,000,000-row CSV through the full import (validation, de-duplication, staging,
             merge, audit, statistics) vs a raw COPY of the same file into a bare table; peak RSS.
             Second baseline, the floor: encrypting and hashing the ID number and phone of every row
             (``crypto.protect``, which storing them encrypted requires), alone, in this process.
- import_xlsx 200,000 rows of .xlsx through the full import: rows per second. Baselines: Python and
             Django starting (``manage.py check``), and reading the workbook alone with calamine (the
             reader the import uses), which bound what any import of the file can reach.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import random
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    database_url,
    django_setup,
    ensure_database,
    manage,
    sample,
    save,
    summary_ms,
)

TMP = Path("/tmp/yiyang-bench")


def setup_population(url: str, elders: int) -> None:
    ensure_database(url)
    manage("migrate", "--no-input", "-v0", url=url)
    django_setup(url)
    from yiyang.people.models import Elder

    have = Elder.objects.count()
    if have < elders * 0.99:
        print(f"generating {elders:,} elders (have {have:,}) …", flush=True)
        seconds, peak, _ = manage("demo", "--elders", str(elders), "--reset", url=url, timed=True)
        print(f"  demo generation: {seconds:.1f} s, peak RSS {peak} MB", flush=True)


def bench_search(results: dict[str, object]) -> None:
    """The elder list's search as its page runs it (filter, table order, first page, count), per
    kind of term and per user, beside a primary-key fetch and an unindexed LIKE."""
    from django.db import connection
    from django.test import Client, RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django_tables2 import RequestConfig

    from yiyang.accounts.models import User
    from yiyang.people.filtersets import ElderFilterSet
    from yiyang.people.models import Elder
    from yiyang.people.tables import ROW_RELATED, ElderTable
    from yiyang.people.views import ElderListView

    admin, street = User.objects.get(username="admin"), User.objects.get(username="jinsha")
    pool = list(
        Elder.objects.order_by("?").values_list(
            "name", "name_initials", "id_tail", "phone_tail", "name_pinyin"
        )[:400]
    )
    queries = {
        "letter": [p[4][:1] for p in pool],  # "w": a sixth of the city
        "surname": [p[0][:1] for p in pool],  # "王"
        "initials2": [p[1][:2] for p in pool],  # "ws": the most matches, the old p95
        "initials": [p[1][:3] for p in pool],
        "pinyin": [p[4][:4] for p in pool],  # "wang", "zhan": initials and full pinyin both searched
        "pinyin6": [p[4][:6] for p in pool],  # "zhangj": past the kept terms, counted from the indexes
        "id_suffix": [p[2] for p in pool],
        "phone_suffix": [p[3] for p in pool],
        "name": [p[0][:2] for p in pool],
    }
    factory = RequestFactory()

    def searched(user: User, term: str) -> tuple[Any, ElderFilterSet]:
        request = factory.get("/people/elders/", {"q": term})
        request.user = user
        base = Elder.objects.for_user(user).select_related(*ROW_RELATED).late_rows()
        fs = ElderFilterSet(request.GET, queryset=base, request=request)
        assert fs.is_valid()
        return request, fs

    def page(user: User, term: str, *, count: bool) -> None:
        request, fs = searched(user, term)
        table = ElderTable(fs.qs)
        # The paginator asks for the count before it reads a row: the rows alone are timed with a
        # count given; the page's own way, with the kept count where the view has one (as it does).
        known = ElderListView(request=request).known_count(fs) if count else 10**6
        if known is not None:
            table.data._length = known
        RequestConfig(request, paginate={"per_page": 50}).configure(table)
        list(table.page.object_list.data)  # the 50 rows shown
        table.paginator.count  # noqa: B018 — the exact count the page shows

    out: dict[str, object] = {}
    for user in (admin, street):
        for kind, terms in queries.items():
            for what, count in (("rows", False), ("rows+count", True)):
                it = iter(terms * 2)

                def run(user: User = user, it=it, count: bool = count) -> None:  # type: ignore[no-untyped-def]
                    page(user, next(it), count=count)

                sample(run, 5)  # warm caches
                out[f"{user.username}:{kind}:{what}"] = summary_ms(sample(run, 60))
    # The whole page, as the browser gets it (list + count + template).
    for user in (admin, street):
        client = Client()
        client.force_login(user)
        for kind in ("initials2", "id_suffix"):
            terms = iter(queries[kind] * 2)
            out[f"{user.username}:{kind}:full_page"] = summary_ms(
                sample(
                    lambda client=client, terms=terms: client.get("/people/elders/", {"q": next(terms)}), 60
                )
            )
    # Baselines: the floor (one row by primary key) and the naive unindexed search.
    ids = list(Elder.objects.values_list("id", flat=True)[:200])
    id_iter = iter(ids * 2)
    out["baseline:pk_fetch"] = summary_ms(sample(lambda: Elder.objects.get(pk=next(id_iter)), 200))
    naive_terms = iter([p[0][1:] for p in pool])

    def naive() -> None:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT id FROM people_elder WHERE name LIKE %s ORDER BY name_pinyin LIMIT 50",
                ["%" + next(naive_terms) + "%"],
            )
            cur.fetchall()

    out["baseline:unindexed_contains"] = summary_ms(sample(naive, 10))
    # The floor of counting the matches: the search's own count statement (what the page runs where no
    # count is kept), sent bare (no Django, no rows): a term matching 100,000+ elders ("wang") cannot be
    # counted from the indexes faster than this.
    for user in (admin, street):
        for kind in ("pinyin", "initials2"):
            statements = []
            for term in queries[kind][:60]:
                with CaptureQueriesContext(connection) as captured:
                    searched(user, term)[1].qs.count()
                statements.append(next(q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"]))
            bare = iter(statements * 2)

            def count_sql(bare: Iterator[str] = bare) -> None:
                with connection.cursor() as cur:
                    cur.execute(next(bare))
                    cur.fetchall()

            sample(count_sql, 5)
            out[f"baseline:{user.username}:{kind}:count_sql"] = summary_ms(sample(count_sql, 60))
    results["search"] = out
    for key, value in out.items():
        print(f"search {key}: {value}", flush=True)


def bench_dashboard(results: dict[str, object]) -> None:
    from django.test import Client
    from django.utils import timezone

    from yiyang.accounts.models import User
    from yiyang.areas.models import Area
    from yiyang.people.models import Elder
    from yiyang.people.stats import ensure_fresh, stat_cells
    from yiyang.reports.selectors import dashboard_for

    ensure_fresh()
    admin, street_user = User.objects.get(username="admin"), User.objects.get(username="jinsha")
    district, street = Area.objects.get(code="320612"), Area.objects.get(code="320612001")
    out: dict[str, object] = {
        "district:selector": summary_ms(sample(lambda: dashboard_for(admin, district), 50)),
        "street:selector": summary_ms(sample(lambda: dashboard_for(street_user, street), 50)),
    }
    client = Client()
    client.force_login(admin)
    sample(lambda: client.get("/reports/dashboard/"), 5)  # warm caches
    out["district:full_page"] = summary_ms(sample(lambda: client.get("/reports/dashboard/"), 60))
    street_client = Client()
    street_client.force_login(street_user)
    sample(lambda: street_client.get("/reports/dashboard/"), 5)
    out["street:full_page"] = summary_ms(sample(lambda: street_client.get("/reports/dashboard/"), 60))
    # The floor of any page: a minimal authenticated view through the same middleware (load.py's).
    from django.test.utils import override_settings

    with override_settings(ROOT_URLCONF="loadmix.bench_urls"):
        ping = Client()
        ping.force_login(admin)
        sample(lambda: ping.get("/bench/ping/"), 5)
        out["baseline:ping_page"] = summary_ms(sample(lambda: ping.get("/bench/ping/"), 60))
    today = timezone.localdate()
    out["baseline:raw_group_by"] = summary_ms(sample(lambda: list(stat_cells(Elder.objects.all(), today)), 3))
    results["dashboard"] = out
    for key, value in out.items():
        print(f"dashboard {key}: {value}", flush=True)


def write_csv(path: Path, rows: int) -> None:
    from yiyang.core.idnumber import make_id_number

    rnd = random.Random(11)
    surnames = "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高梁"
    given = "秀英兰珍华芳桂凤玉梅建国明德福根林宝金荣生"
    start = datetime.date(1926, 1, 1)
    seq: dict[datetime.date, int] = {}
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["姓名", "身份证号", "性别", "联系电话", "街道", "社区", "居住地址", "居住情况", "健康状况"]
        )
        for i in range(rows):
            birth = start + datetime.timedelta(days=rnd.randrange(0, 365 * 40))
            n = seq.get(birth, 0)
            seq[birth] = n + 1
            region = ("320612", "320683", "320624")[n // 1000 % 3]
            id_number = make_id_number(region, birth, n % 1000)
            sex = "男" if int(id_number[16]) % 2 else "女"
            name = rnd.choice(surnames) + rnd.choice(given) + (rnd.choice(given) if i % 3 else "")
            w.writerow(
                [
                    name,
                    id_number,
                    sex,
                    f"13{rnd.randrange(10**9):09d}",
                    "金沙街道",
                    "东市社区",
                    "人民路12号",
                    rnd.choice(["独居", "空巢", "与家人同住"]),
                    rnd.choice(["", "高血压", "糖尿病"]),
                ]
            )


def bench_import_csv(url: str, results: dict[str, object], rows: int) -> None:
    import psycopg

    TMP.mkdir(exist_ok=True)
    path = TMP / f"elders-{rows}.csv"
    if not path.exists():
        print(f"writing {rows:,}-row CSV …", flush=True)
        django_setup(url)  # the ID numbers' module reads the settings (run without the search stage)
        write_csv(path, rows)
    import_url = url.rsplit("/", 1)[0] + "/yiyang_bench_import"
    ensure_database(import_url)
    manage("migrate", "--no-input", "-v0", url=import_url)
    manage("demo", "--elders", "0", "--reset", url=import_url)
    with psycopg.connect(import_url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_bare")
        conn.execute("CREATE TABLE bench_bare (" + ", ".join(f"c{i} text" for i in range(9)) + ")")
        start = time.perf_counter()
        with (
            conn.cursor() as cur,
            cur.copy("COPY bench_bare FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
            path.open("rb") as fh,
        ):
            while chunk := fh.read(1 << 20):
                copy.write(chunk)
        copy_s = time.perf_counter() - start
        conn.execute("DROP TABLE bench_bare")
    protect_s = _protect_floor(path, import_url)
    seconds, peak, stdout = manage("import_elders", str(path), "--as", "admin", url=import_url, timed=True)
    results["import_csv"] = {
        "rows": rows,
        "copy_baseline_s": round(copy_s, 2),
        "protect_only_s": round(protect_s, 2),
        "protect_only_ratio_to_copy": round(protect_s / copy_s, 2),
        "import_s": round(seconds, 2),
        "ratio_to_copy": round(seconds / copy_s, 2),
        "import_rows_per_s": round(rows / seconds),
        "peak_rss_mb": peak,
        "output": stdout.strip().splitlines()[:2],
    }
    print("import_csv", results["import_csv"], flush=True)


def _protect_floor(path: Path, url: str) -> float:
    """Seconds to encrypt and hash the ID number and phone of every row of the CSV, nothing else."""
    django_setup(url)  # the keys come from the settings; no query is made
    from yiyang.core import crypto

    with path.open(encoding="utf-8", newline="") as fh:
        pairs = [(row[1], row[3]) for row in csv.reader(fh)][1:]
    start = time.perf_counter()
    for id_number, phone in pairs:
        crypto.protect(id_number, "")
        crypto.protect(phone, "")
    return time.perf_counter() - start


def _read_floor(path: Path) -> float:
    """Seconds for calamine to read the workbook's first sheet into Python rows, nothing else."""
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return time.perf_counter() - start


def bench_import_xlsx(url: str, results: dict[str, object], rows: int) -> None:
    import openpyxl

    TMP.mkdir(exist_ok=True)
    csv_path = TMP / f"elders-{rows}.csv"
    xlsx_path = TMP / f"elders-{rows}.xlsx"
    if not xlsx_path.exists():
        write_csv(csv_path, rows)
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet()
        with csv_path.open(encoding="utf-8") as fh:
            for row in csv.reader(fh):
                ws.append(row)
        wb.save(xlsx_path)
    import_url = url.rsplit("/", 1)[0] + "/yiyang_bench_import"
    ensure_database(import_url)
    manage("migrate", "--no-input", "-v0", url=import_url)
    manage("demo", "--elders", "0", "--reset", url=import_url)
    startup = statistics.median(manage("check", url=import_url, timed=True)[0] for _ in range(3))
    read = statistics.median(_read_floor(xlsx_path) for _ in range(3))
    runs = []
    for _ in range(2):
        manage("demo", "--elders", "0", "--reset", url=import_url)
        seconds, peak, _ = manage(
            "import_elders", str(xlsx_path), "--as", "admin", url=import_url, timed=True
        )
        runs.append(seconds)
    best = statistics.median(runs)
    results["import_xlsx"] = {
        "rows": rows,
        "runs_s": [round(r, 2) for r in runs],
        "rows_per_s_median": round(rows / best),
        "startup_s": round(startup, 2),
        "read_only_s": round(read, 2),
        "read_only_rows_per_s": round(rows / read),
        "peak_rss_mb": peak,
        "note": "whole command: process start, Django set-up, read, validate, stage, merge, statistics",
    }
    print("import_xlsx", results["import_xlsx"], flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--elders", type=int, default=2_000_000)
    parser.add_argument("--import-rows", type=int, default=2_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=200_000)
    parser.add_argument("--stages", default="search,dashboard,import_csv,import_xlsx")
    args = parser.parse_args()
    stages = set(args.stages.split(","))
    url = database_url()
    results: dict[str, object] = {"elders": args.elders}
    if stages & {"search", "dashboard"}:
        setup_population(url, args.elders)
        from yiyang.core.testing import install_second_factor_login

        # an administrator's pages need the second factor: the benchmark's clients have passed it
        install_second_factor_login()
        if "search" in stages:
            bench_search(results)
        if "dashboard" in stages:
            bench_dashboard(results)
    if "import_csv" in stages:
        bench_import_csv(url, results, args.import_rows)
    if "import_xlsx" in stages:
        bench_import_xlsx(url, results, args.xlsx_rows)
    print("saved", save("registry", results))


if __name__ == "__main__":
    main()
