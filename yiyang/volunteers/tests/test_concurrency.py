"""Fifty transfers at once from one account never overdraw it: each locks both accounts in key order
and decides on the balance as it is now. On PostgreSQL, with fifty real connections."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.db.models import Sum

from yiyang.core.testing import World
from yiyang.people.models import ElderContact
from yiyang.people.tests.factories import ElderFactory
from yiyang.volunteers import checks
from yiyang.volunteers.actions import bank
from yiyang.volunteers.models import TimeAccount, TimeMovement
from yiyang.volunteers.tests.factories import make_volunteer


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks across connections: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_transfers_never_overdraw(world: World) -> None:
    volunteer = make_volunteer(world.areas.community_a1, name="陈晓丽")
    parents = []
    for relation in ("child", "child"):
        parent = ElderFactory.create(area=world.areas.community_b1, age=80)
        ElderContact.objects.create(elder=parent, name="陈晓丽", relation=relation)
        parents.append(parent)
    account = bank.account_for_volunteer(volunteer)
    bank.earn(account=account, minutes=10 * 60, source_key="manual:start", memo="", actor=None)
    for parent in parents:
        bank.account_for_elder(parent)  # opened beforehand: the race is on the balance, not on opening
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(50)

    def transfer(i: int) -> None:
        try:
            start.wait(30)
            seen = TimeAccount.objects.get(pk=account.pk)  # what the worker's page showed: ten hours
            bank.hours_transfer(account=seen, elder=parents[i % 2], minutes=60, requested_by="陈晓丽",
                                consent="in_person", actor=world.dave)  # fmt: skip
            result = "ok"
        except ValidationError as exc:
            result = " ".join(exc.messages)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    with ThreadPoolExecutor(max_workers=50) as pool:
        list(pool.map(transfer, range(50)))
    assert outcomes.count("ok") == 10, outcomes
    assert all("余额不足" in o for o in outcomes if o != "ok")
    account.refresh_from_db()
    assert account.balance_minutes == 0
    received = TimeAccount.objects.filter(elder__in=parents).aggregate(s=Sum("balance_minutes"))["s"]
    assert received == 600
    assert TimeMovement.objects.filter(kind="transfer").count() == 10
    assert checks.run_check(month=account.opened_at.date(), actor=None).problems == [
        {"problem": "存入时间没有对应的已核验服务或签到", "count": 1}  # the test's starting credit
    ]
