"""A district at work (issue 19): 100 staff on the pages they use, against Yiyang served as production is.

    .venv/bin/python bench/load.py [--elders 300000] [--users 100] [--duration 5m] [--workers 4]
                                   [--threads 1] [--think 5,15] [--alone 6m] [--skip-setup]

- The database: the district demo (``demo_all``) at ``--elders`` elders, on PostgreSQL (its own database,
  ``yiyang_bench_load`` unless ``BENCH_LOAD_DATABASE_URL`` says otherwise); plus one account per simulated
  user (70% street workers spread over the streets, 30% district administrators, each with their own
  TOTP device), so that no two users share a session or a second factor.
- The server: ``gunicorn -c config/gunicorn.conf.py config.wsgi`` as docs/deploy.md says, with
  ``--workers`` processes (of ``--threads`` threads each: more than one is gunicorn's threaded worker),
  debug off; its access log gives each request's time inside the server.
  One page more than production: ``/bench/ping/``, a minimal authenticated view (the same middleware,
  session and login check, nothing else) - the in-run baseline, and the floor of any page.
- The users: locust, headless (bench/loadmix/locustfile.py): logging in (password, then the second
  factor for administrators), then searching by initials, ID suffix or name, opening elders, the elder
  list, the dashboard (and its sections), work orders, the alarm board (refreshing every 2 s while
  looked at), rolls and a roll; ``--think`` seconds between clicks.
- Two phases in one run: ``alone`` (one user at a time clicking without pause, a street worker for the
  first half and an administrator for the second, each after 30 s not timed that warm the workers:
  each page's own cost, nothing else queued in the server) and ``load`` (``--users`` users for
  ``--duration``).

Reported per page and phase: requests, errors, p50/p95/p99 as the user waits (locust) and inside the
server (gunicorn's request time for the same X-Request-ID), and the ratio of each p50 to the baseline's;
requests/s; the machine's load (``os.getloadavg()`` before and during, CPU seconds of gunicorn, of this
database's PostgreSQL backends and of locust). Shared machine: read the ratios, not the seconds alone.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, ensure_database, manage, percentile, save

HERE = Path(__file__).resolve().parent
MIX = HERE / "loadmix"
WORK = Path("/tmp/yiyang-bench-load")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/yiyang_bench_load"
BASELINE = "baseline (minimal authenticated view)"
ROLES = ("StreetWorker", "DistrictAdmin")  # bench/loadmix/locustfile.py's users
WARM_UP_S = 30  # of each role before the alone phase times it
ACCESS = re.compile(r'"(\S+) (\S+) \S+" (\d{3}) \S+ ([\d.]+)s "([^"]*)"\s*$')

ALONE_SERVER_P95_MS = {"elder list": 50, "dashboard": 100, "roll detail": 200, "search": 20}
TARGETS = {
    "errors": 0,
    "user_p95_ms": 500,
    "server_p95_ms": 300,
    "alone_server_p95_ms": ALONE_SERVER_P95_MS,
}


def seconds(text: str) -> int:
    text = text.strip().lower()
    if text.endswith("m"):
        return int(float(text[:-1]) * 60)
    return int(float(text.rstrip("s")))


# -- the district ------------------------------------------------------------------------------------


def setup(url: str, elders: int) -> None:
    ensure_database(url)
    manage("migrate", "--no-input", "-v0", url=url)
    out = manage("shell", "-v", "0", "-c", _COUNT, url=url)[2].strip().splitlines()
    have = int(out[-1]) if out and out[-1].isdigit() else 0
    if have < elders * 0.99:
        print(f"generating the district demo at {elders:,} elders (have {have:,}) …", flush=True)
        took, peak, _ = manage("demo_all", "--elders", str(elders), "--reset", url=url, timed=True)
        print(f"  demo_all: {took:.0f} s, peak RSS {peak} MB", flush=True)
        # As autovacuum leaves a working database: hint bits set and the visibility map built, so that
        # the first minutes of the run do not write the freshly loaded tables back while reading them.
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")


_COUNT = "from yiyang.people.models import Elder; print(Elder.objects.count())"


def plan(url: str, users: int, path: Path) -> dict[str, Any]:
    """Accounts for the simulated users, elders per street, search terms and rolls (written to ``path``)."""
    os.environ["YIYANG_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from axes.utils import reset as axes_reset
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from yiyang.accounts.models import AreaAssignment, Role, User
    from yiyang.accounts.second_factor import reset as reset_second_factor
    from yiyang.areas.models import Area, AreaLevel
    from yiyang.benefits.models import PaymentRoll
    from yiyang.people.demo import DEMO_DISTRICT, DEMO_PASSWORD
    from yiyang.people.models import Elder

    district = Area.objects.get(code=DEMO_DISTRICT)
    streets = list(Area.objects.filter(parent=district, level=AreaLevel.STREET).order_by("code"))
    hashed = make_password(DEMO_PASSWORD)  # the preferred hasher: a login upgrades nothing
    street_n, admin_n = users * 7 // 10 + 2, users * 3 // 10 + 2
    out: dict[str, Any] = {"password": DEMO_PASSWORD, "street": [], "admin": []}
    for kind, count in (("street", street_n), ("admin", admin_n)):
        for i in range(count):
            username = f"load_{kind}_{i:03d}"
            user = User.objects.filter(username=username).first() or User(username=username)
            user.role = Role.STREET_WORKER if kind == "street" else Role.DISTRICT_ADMIN
            user.last_name, user.first_name = "压测", f"{i:03d}"
            user.is_active, user.password, user.password_changed_at = True, hashed, timezone.now()
            user.save()
            area = streets[i % len(streets)] if kind == "street" else district
            AreaAssignment.objects.filter(user=user).exclude(area=area).delete()
            AreaAssignment.objects.get_or_create(user=user, area=area)
            axes_reset(username=username)
            account: dict[str, Any] = {"username": username, "street": area.path if kind == "street" else ""}
            if kind == "admin":
                reset_second_factor(user)
                key = secrets.token_bytes(20)
                TOTPDevice.objects.create(user=user, name="load", confirmed=True, key=key.hex())
                account["totp"] = base64.b32encode(key).decode()
            out[kind].append(account)
    out["elders"] = {
        street.path: list(
            Elder.objects.filter(area_path__startswith=street.path)
            .order_by("?")
            .values_list("pk", flat=True)[:300]
        )
        for street in streets
    }
    pool = list(Elder.objects.order_by("?").values_list("name", "name_initials", "id_tail")[:500])
    out["terms"] = {
        "initials2": [p[1][:2] for p in pool if len(p[1]) >= 2],
        "initials3": [p[1][:3] for p in pool if len(p[1]) >= 3],
        "id_suffix": [p[2] for p in pool],
        "name": [p[0][:2] for p in pool],
    }
    out["rolls"] = list(
        PaymentRoll.objects.filter(area_path__startswith=district.path).values_list("pk", flat=True)[:50]
    )
    path.write_text(json.dumps(out, ensure_ascii=False))
    return out


# -- the server and the users ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(url: str, workers: int, port: int, log: Path, threads: int = 1) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "YIYANG_DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": f"{MIX}:{ROOT}",
        "YIYANG_BIND": f"127.0.0.1:{port}",
        "YIYANG_WEB_WORKERS": str(workers),
        "YIYANG_WEB_THREADS": str(threads),
        "YIYANG_DEBUG": "0",
        "YIYANG_SECURE_COOKIES": "0",
        "YIYANG_STATIC_FROM_PACKAGES": "1",
        "YIYANG_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    log.unlink(missing_ok=True)
    proc = subprocess.Popen(
        [str(gunicorn), "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),  # appended to: emptied after the warm-up below
        stderr=(log.with_suffix(".err")).open("wb"),
        start_new_session=True,
    )
    for _ in range(240):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=30)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.terminate()
        raise RuntimeError(f"gunicorn did not answer: {log.with_suffix('.err').read_text()[-2000:]}")
    # Every worker started and answering (each imports the project when it boots): a cold worker's
    # first request would be counted as a page's time.
    warm = [
        threading.Thread(
            target=urllib.request.urlopen, args=(f"http://127.0.0.1:{port}/accounts/login/",), daemon=True
        )
        for _ in range(workers * threads * 3)
    ]
    for t in warm:
        t.start()
    for t in warm:
        t.join(timeout=60)
    log.write_bytes(b"")  # the warm-up is not part of the figures
    return proc


def swarm(
    port: int,
    users: int,
    duration: int,
    think: str,
    plan_path: Path,
    trace: Path,
    roles: tuple[str, ...] = (),
    from_end: bool | None = None,
) -> None:
    """``users`` locust users for ``duration`` s (of ``roles`` alone, the locustfile's classes, if
    given); each request's line is added to ``trace``. ``from_end``: the users log in with the last
    accounts of the plan (by default when they are few: the accounts the crowd does not use)."""
    env = {**os.environ, "LOAD_PLAN": str(plan_path), "LOAD_THINK": think, "LOAD_TRACE": str(trace)}
    if users < 10 if from_end is None else from_end:
        env["LOAD_FROM_END"] = "1"
    locust = Path(sys.executable).parent / "locust"
    cmd = [
        str(locust),
        "-f",
        str(MIX / "locustfile.py"),
        "--headless",
        "--host",
        f"http://127.0.0.1:{port}",
        "-u",
        str(users),
        "-r",
        str(max(1, users // 20)),  # 20 s to log everyone in, as a morning does
        "-t",
        f"{duration}s",
        "--stop-timeout",
        "10",
        "--only-summary",
        "--loglevel",
        "WARNING",
        *roles,
    ]
    with (WORK / f"{trace.stem}-locust.log").open("ab") as out:  # locust's own summary
        subprocess.run(cmd, env=env, cwd=MIX, check=False, stdout=out, stderr=subprocess.STDOUT)


class Machine(threading.Thread):
    """The 1-minute load average and CPU seconds of gunicorn, this database's backends and locust."""

    def __init__(self, database: str, gunicorn_pid: int) -> None:
        super().__init__(daemon=True)
        self.database, self.gunicorn_pid = database, gunicorn_pid
        self.loads: list[float] = []
        self.stop = threading.Event()
        self.cpu: dict[str, float] = defaultdict(float)
        self._last: dict[int, tuple[str, float]] = {}

    def _kind(self, proc: Any) -> str | None:
        try:  # a process may end between the listing and these reads
            cmd = " ".join(proc.cmdline())
            parent = proc.ppid()
        except Exception:
            return None
        if self.gunicorn_pid in (proc.pid, parent):
            return "gunicorn"
        if cmd.startswith("postgres:") and f" {self.database} " in cmd:
            return "postgres (this database)"
        if "locust" in cmd:
            return "locust"
        return None

    def sample(self) -> None:
        import psutil

        self.loads.append(os.getloadavg()[0])
        for proc in psutil.process_iter():
            kind = self._kind(proc)
            if kind is None:
                continue
            try:
                t = proc.cpu_times()
            except Exception:
                continue
            self._last[proc.pid] = (kind, t.user + t.system)

    def run(self) -> None:
        import psutil

        start_total = psutil.cpu_times()
        first: dict[int, float] = {}
        while not self.stop.wait(5):
            self.sample()
            for pid, (_kind, cpu) in self._last.items():
                first.setdefault(pid, cpu)
        self.sample()
        for pid, (kind, cpu) in self._last.items():
            self.cpu[kind] += cpu - first.get(pid, 0.0)
        end_total = psutil.cpu_times()
        busy = sum(end_total) - end_total.idle - end_total.iowait
        busy0 = sum(start_total) - start_total.idle - start_total.iowait
        self.cpu["whole machine (busy)"] = busy - busy0

    def report(self) -> dict[str, Any]:
        return {
            "load_1m_median": round(statistics.median(self.loads), 2) if self.loads else None,
            "load_1m_max": round(max(self.loads), 2) if self.loads else None,
            "cpu_seconds": {k: round(v, 1) for k, v in self.cpu.items()},
        }


# -- the figures -------------------------------------------------------------------------------------


def read_access_log(log: Path) -> dict[str, tuple[float, int]]:
    times: dict[str, tuple[float, int]] = {}
    for line in log.read_text(errors="replace").splitlines():
        m = ACCESS.search(line)
        if m and m.group(5) not in ("", "-"):
            times[m.group(5)] = (float(m.group(4)) * 1000, int(m.group(3)))
    return times


def pct(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    return {f"p{p}": round(percentile(values, p), 1) for p in (50, 95, 99)}


def figures(trace: Path, log: Path, duration: float) -> dict[str, Any]:
    server = read_access_log(log)
    user_ms: dict[str, list[float]] = defaultdict(list)
    server_ms: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    for line in trace.read_text().splitlines():
        name, rids, ms, failed = line.split("\t")
        user_ms[name].append(float(ms))
        hops = [server[rid] for rid in rids.split(",") if rid in server]
        if hops:
            server_ms[name].append(sum(took for took, _status in hops))
            if any(status >= 500 for _took, status in hops):
                failed = "1"
        errors[name] += int(failed)
    base_user = statistics.median(user_ms[BASELINE]) if user_ms.get(BASELINE) else None
    base_server = statistics.median(server_ms[BASELINE]) if server_ms.get(BASELINE) else None
    pages = {}
    for name in sorted(user_ms, key=lambda n: -len(user_ms[n])):
        u, s = pct(user_ms[name]), pct(server_ms[name])
        pages[name] = {
            "requests": len(user_ms[name]),
            "errors": errors[name],
            "user_ms": u,
            "server_ms": s,
            "user_p50_x_baseline": round(u["p50"] / base_user, 1) if base_user else None,
            "server_p50_x_baseline": round(s["p50"] / base_server, 1) if base_server and s else None,
        }
    total = sum(len(v) for v in user_ms.values())
    return {
        "requests": total,
        "requests_per_s": round(total / duration, 2),
        "errors": sum(errors.values()),
        "pages": pages,
    }


def verdict(load: dict[str, Any], alone: dict[str, Any]) -> list[str]:
    lines = []
    ok = load["errors"] == TARGETS["errors"]
    lines.append(f"{'met ' if ok else 'MISSED'} errors under load: {load['errors']} (target 0)")
    base = load["pages"].get(BASELINE)
    if base:
        lines.append(
            f"floor of this run (the baseline view): p95 {base['user_ms']['p95']:.0f} ms as the user "
            f"waits, {base['server_ms'].get('p95', 0):.0f} ms in the server"
        )
    for name, page in load["pages"].items():
        if name.startswith("login") or name == BASELINE:
            continue
        u, s = page["user_ms"].get("p95", 0), page["server_ms"].get("p95", 0)
        ok = u < TARGETS["user_p95_ms"] and s < TARGETS["server_p95_ms"]
        lines.append(
            f"{'met ' if ok else 'MISSED'} {name}: p95 {u:.0f} ms as the user waits (< 500), "
            f"{s:.0f} ms in the server (< 300)"
        )
    for name, limit in ALONE_SERVER_P95_MS.items():
        page = alone["pages"].get(name)
        if page:
            s, p50, n = page["server_ms"]["p95"], page["server_ms"]["p50"], page["requests"]
            if name == "search":
                # the page around the search: not what its target is set for
                lines.append(
                    f"     {name} alone, the whole page at this run's elders: server p95 {s:.0f} ms "
                    f"({n} requests, median {p50:.0f} ms); its target (< {limit} ms) is the search's "
                    "own at 2,000,000 elders: registry.py"
                )
                continue
            lines.append(
                f"{'met ' if s < limit else 'MISSED'} {name} alone: server p95 {s:.0f} ms (< {limit}; "
                f"{n} requests, median {p50:.0f} ms)"
            )
    return lines


def table(title: str, result: dict[str, Any]) -> str:
    rows = [
        f"{title}: {result['requests']:,} requests, {result['requests_per_s']} requests/s, "
        f"{result['errors']} errors; load {result['machine']}",
        f"  {'page':<40} {'n':>6} {'err':>4}  {'user p50/p95/p99 ms':>22}  {'server p50/p95/p99 ms':>22}  ×base",
    ]
    for name, p in result["pages"].items():
        u, s = p["user_ms"], p["server_ms"]
        us = f"{u['p50']:.0f}/{u['p95']:.0f}/{u['p99']:.0f}"
        ss = f"{s['p50']:.0f}/{s['p95']:.0f}/{s['p99']:.0f}" if s else "-"
        rows.append(
            f"  {name:<40} {p['requests']:>6} {p['errors']:>4}  {us:>22}  {ss:>22}  "
            f"{p['user_p50_x_baseline']}/{p['server_p50_x_baseline']}"
        )
    return "\n".join(rows)


def phase(
    name: str,
    url: str,
    args: argparse.Namespace,
    users: int,
    duration: int,
    think: str,
    plan_path: Path,
    *,
    one_role_at_a_time: bool = False,
) -> dict[str, Any]:
    port = free_port()
    log, trace, warm_up = (WORK / f"{name}-{part}" for part in ("access.log", "trace.tsv", "warm-up.tsv"))
    for old in (log, trace, warm_up, *(WORK / f"{t.stem}-locust.log" for t in (trace, warm_up))):
        old.unlink(missing_ok=True)
    load_before = round(os.getloadavg()[0], 2)
    server = serve(url, args.workers, port, log, args.threads)
    machine = Machine(url.rsplit("/", 1)[-1], server.pid)
    machine.start()
    started = time.perf_counter()
    try:
        if one_role_at_a_time:
            for role in ROLES:
                # not timed: each worker's first requests of a page load its templates and code. With
                # the crowd's first accounts: an administrator's second factor refuses a code used
                # twice in 30 s, and the timed user logs in next with the last.
                swarm(port, users, WARM_UP_S, think, plan_path, warm_up, (role,), from_end=False)
                swarm(port, users, duration // len(ROLES), think, plan_path, trace, (role,))
        else:
            swarm(port, users, duration, think, plan_path, trace)
    finally:
        took = time.perf_counter() - started
        machine.stop.set()
        machine.join()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    result = figures(trace, log, took)
    result["machine"] = {"load_1m_before": load_before, **machine.report()}
    result["conditions"] = {
        "users": users,
        "seconds": round(took),
        "think_s": think,
        "workers": args.workers,
        "threads": args.threads,
    }
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--elders", type=int, default=300_000)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--duration", default="5m", help="of the load phase: 300, 300s or 5m")
    parser.add_argument(
        "--alone", default="6m", help="of the phase with one user at a time, half per role (0: skip)"
    )
    parser.add_argument("--workers", type=int, default=int(os.environ.get("YIYANG_WEB_WORKERS", "4")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("YIYANG_WEB_THREADS", "1")))
    parser.add_argument("--think", default="5,15", help="seconds between clicks: min,max")
    parser.add_argument("--skip-setup", action="store_true", help="the database is already there")
    args = parser.parse_args()
    url = os.environ.get("BENCH_LOAD_DATABASE_URL", DEFAULT_URL)
    WORK.mkdir(parents=True, exist_ok=True)
    if not args.skip_setup:
        setup(url, args.elders)
    plan_path = WORK / "plan.json"
    plan(url, max(args.users, 10), plan_path)
    results: dict[str, Any] = {"elders": args.elders}
    if seconds(args.alone):
        results["alone"] = phase(
            "alone", url, args, 1, seconds(args.alone), "0.2,0.2", plan_path, one_role_at_a_time=True
        )
        title = "alone (one user at a time: a street worker, then an administrator)"
        print(table(title, results["alone"]), flush=True)
    results["load"] = phase("load", url, args, args.users, seconds(args.duration), args.think, plan_path)
    print(table(f"load ({args.users} users, {args.think} s between clicks)", results["load"]), flush=True)
    results["verdict"] = verdict(results["load"], results.get("alone", {"pages": {}}))
    print("\n".join(results["verdict"]))
    print("saved", save("load", results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
