"""The district at work, for `bench/load.py` (locust, headless): 70% street workers, 30% district
administrators, each logged in with their own account (administrators with their own TOTP device),
clicking every 5–15 s (``LOAD_THINK=5,15``).

Every response's ``X-Request-ID`` is kept with the page it belongs to: ``bench/load.py`` joins it to the
gunicorn access log, which gives the time inside the server for the same request. ``LOAD_PLAN`` names
the JSON file ``bench/load.py`` writes (accounts, elders per street, search terms, rolls).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import random
import re
import struct
import time
from typing import Any

from locust import HttpUser, between, events, task

PLAN: dict[str, Any] = json.loads(open(os.environ["LOAD_PLAN"]).read())  # noqa: SIM115
THINK = tuple(float(x) for x in os.environ.get("LOAD_THINK", "5,15").split(","))
TRACE = os.environ["LOAD_TRACE"]  # one line per request: page name, request id, seconds as the user waits
_trace: list[str] = []
_accounts: dict[str, list[dict[str, Any]]] = {"street": list(PLAN["street"]), "admin": list(PLAN["admin"])}

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SECTION = re.compile(r'hx-get="(/reports/dashboard/section/[^"]+)"')


def totp(secret_b32: str, at: float | None = None) -> str:
    """RFC 6238 (30 s steps, 6 digits, SHA-1): what the administrator's authenticator shows."""
    counter = int((at or time.time()) // 30)
    digest = hmac.new(base64.b32decode(secret_b32), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


@events.request.add_listener
def _keep(name: str, response_time: float, response: Any = None, exception: Any = None, **_: Any) -> None:
    # every hop of a redirected request (a login goes on to the landing page): its server times add up
    hops = [*getattr(response, "history", []), response] if response is not None else []
    rid = ",".join(r.headers.get("X-Request-ID", "") for r in hops)
    _trace.append(f"{name}\t{rid}\t{response_time:.2f}\t{1 if exception else 0}\n")


@events.test_stop.add_listener
def _write(**_: Any) -> None:
    with open(TRACE, "a") as fh:  # a phase may run locust more than once (bench/load.py clears it)
        fh.writelines(_trace)


class Staff(HttpUser):
    abstract = True
    wait_time = between(*THINK)
    kind = ""

    def on_start(self) -> None:
        # its own login, never shared with another user (nor with the previous phase: its second factor
        # would refuse a code used twice in the same 30 s)
        self.account = _accounts[self.kind].pop(-1 if os.environ.get("LOAD_FROM_END") else 0)
        self.client.headers["Accept-Language"] = "zh-hans"
        page = self.client.get("/accounts/login/", name="login form")
        token = CSRF.search(page.text)
        response = self.client.post(
            "/accounts/login/",
            {
                "username": self.account["username"],
                "password": PLAN["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "next": "/",
            },
            name="login (password)",
            headers={"Referer": self.client.base_url + "/accounts/login/"},
        )
        if self.account.get("totp") and "/accounts/otp/" in response.url:
            token = CSRF.search(response.text)
            self.client.post(
                "/accounts/otp/",
                {
                    "token": totp(self.account["totp"]),
                    "csrfmiddlewaretoken": token.group(1) if token else "",
                    "next": "/",
                },
                name="login (second factor)",
                headers={"Referer": self.client.base_url + "/accounts/otp/"},
            )

    # -- pages common to both roles ------------------------------------------------------------

    def search(self) -> None:
        term = random.choice(PLAN["terms"][random.choice(["initials2", "initials3", "id_suffix", "name"])])
        self.client.get("/people/elders/", params={"q": term}, name="search")

    def elder(self) -> None:
        pk = random.choice(PLAN["elders"][self.account["street"] or random.choice(list(PLAN["elders"]))])
        self.client.get(f"/people/elders/{pk}/", name="elder detail")

    def elder_list(self) -> None:
        page = random.choice([1, 1, 1, 2, 3])
        query = random.choice(["", "age_min=80", "living_situation=alone", "category=dibao"])
        self.client.get(f"/people/elders/?{query}&page={page}", name="elder list")

    def dashboard(self) -> None:
        page = self.client.get("/reports/dashboard/", name="dashboard")
        for url in SECTION.findall(page.text or ""):
            self.client.get(url.replace("&amp;", "&"), name="dashboard section")

    def work_orders(self) -> None:
        self.client.get("/services/work-orders/", name="work orders")

    def alarm_board(self) -> None:
        """The board, and its list refreshing every 2 s while the user looks at it."""
        self.client.get("/safety/board/", name="alarm board")
        for _ in range(3):
            time.sleep(2)
            self.client.get("/safety/board/list/", name="alarm board refresh", headers={"HX-Request": "true"})

    def baseline(self) -> None:
        self.client.get("/bench/ping/", name="baseline (minimal authenticated view)")


class StreetWorker(Staff):
    weight = 7
    kind = "street"

    @task(30)
    def t_search(self) -> None:
        self.search()

    @task(25)
    def t_elder(self) -> None:
        self.elder()

    @task(10)
    def t_list(self) -> None:
        self.elder_list()

    @task(10)
    def t_dashboard(self) -> None:
        self.dashboard()

    @task(10)
    def t_work_orders(self) -> None:
        self.work_orders()

    @task(5)
    def t_board(self) -> None:
        self.alarm_board()

    @task(10)
    def t_baseline(self) -> None:
        self.baseline()


class DistrictAdmin(Staff):
    weight = 3
    kind = "admin"

    @task(20)
    def t_dashboard(self) -> None:
        self.dashboard()

    @task(10)
    def t_rolls(self) -> None:
        self.client.get("/benefits/rolls/", name="rolls")

    @task(10)
    def t_roll(self) -> None:
        self.client.get(f"/benefits/rolls/{random.choice(PLAN['rolls'])}/", name="roll detail")

    @task(15)
    def t_work_orders(self) -> None:
        self.work_orders()

    @task(10)
    def t_board(self) -> None:
        self.alarm_board()

    @task(10)
    def t_search(self) -> None:
        self.search()

    @task(10)
    def t_elder(self) -> None:
        self.elder()

    @task(5)
    def t_list(self) -> None:
        self.elder_list()

    @task(10)
    def t_baseline(self) -> None:
        self.baseline()
