"""Money at the edges of a life (issue 11, item 6), tested at the seams between the registry and the
rolls: every door that records a death or a move leads to the same stop of payment and the same
recovery; the same death recorded twice doubles nothing; arrears are decided month by month from the
dated history, never from today's status."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from yiyang.benefits import actions, lifeevents
from yiyang.benefits.models import ArrearsMonth, Recovery, RollLine, Suspension
from yiyang.benefits.tests.factories import elder_born, longevity
from yiyang.core.idnumber import parse_id_number
from yiyang.core.testing import World
from yiyang.people import actions as people_actions
from yiyang.people import lifecycle, residence
from yiyang.people.forms import ElderForm
from yiyang.people.models import Elder, ResidencePeriod

D = datetime.date
JAN, FEB, MAR, APR, MAY, JUN = (D(2026, m, 1) for m in range(1, 7))
pytestmark = pytest.mark.django_db


def approved(world: World, programme: Any, month: datetime.date) -> Any:
    roll = actions.payment_roll_generate(
        programme=programme, area=world.areas.district, month=month, actor=world.alice
    )
    if roll.counts.get("streets"):
        actions.payment_roll_review_streets(roll=roll, actor=world.alice)
    return actions.payment_roll_approve(roll=roll, actor=world.alice, confirm_over_budget=True)


def paid_months(elder: Elder) -> list[datetime.date]:
    lines = RollLine.objects.filter(elder=elder, base_amount__gt=0).exclude(
        change_type__in=["stopped", "adjustment"]
    )
    arrears = ArrearsMonth.objects.filter(elder=elder)
    return sorted([*lines.values_list("month", flat=True), *arrears.values_list("month", flat=True)])


# -- the doors ------------------------------------------------------------------------------------------


def by_page(client: Any, world: World, elder: Elder, day: datetime.date) -> None:
    client.force_login(world.bob)
    url = reverse("people:elder_status", args=[elder.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"status": "deceased", "date": day.isoformat(), "note": "病故"})
    assert response.status_code == 302, response.content.decode()


def by_form(client: Any, world: World, elder: Elder, day: datetime.date) -> None:
    """The edit form as a user saves it: every field as the page shows it, the status changed."""
    client.force_login(world.bob)
    form = ElderForm(instance=elder, user=world.bob)
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if not (k == "hukou_local" and not v)}
    data.update(id_number="", area=elder.area.pk, status="deceased", status_date=day.isoformat())
    response = client.post(reverse("people:elder_edit", args=[elder.pk]), data)
    assert response.status_code == 302, response.content.decode()


def by_api(client: Any, world: World, elder: Elder, day: datetime.date) -> None:
    client.force_login(world.bob)
    response = client.post(
        reverse("elder-status", args=[elder.pk]),
        {"status": "deceased", "date": day.isoformat(), "reason": "病故"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


def by_api_update(client: Any, world: World, elder: Elder, day: datetime.date) -> None:
    client.force_login(world.bob)
    body = {
        "id_number": elder.id_number,
        "name": elder.name,
        "area": elder.area.code,
        "status": "deceased",
        "status_date": day.isoformat(),
    }
    response = client.put(reverse("elder-detail", args=[elder.pk]), body, content_type="application/json")
    assert response.status_code == 200, response.content


def by_list(client: Any, world: World, elder: Elder, day: datetime.date) -> None:
    data = f"姓名,身份证号,死亡日期\n{elder.name},{elder.id_number},{day.isoformat()}\n".encode()
    batch = lifeevents.life_event_import(
        kind="deceased", source="殡葬系统", data=data, filename="deaths.csv", actor=world.bob
    )
    assert batch.counts == {"matched": 1}
    actions.life_event_batch_apply(batch=batch, actor=world.bob)


def by_import(client: Any, world: World, elder: Elder, day: datetime.date) -> None:
    """The registry's own ledger re-imported with 状态 已故 (a set-based merge)."""
    from django.core.files.base import ContentFile

    from yiyang.core.importing.actions import import_batch_create, import_batch_start

    data = (
        f"姓名,身份证号码,社区,状态,死亡/迁出日期\n{elder.name},{elder.id_number},{elder.area.name},已故,{day.isoformat()}\n"
    ).encode()
    batch = import_batch_create(
        kind="people.elder",
        upload=ContentFile(data),
        filename="台账.csv",
        actor=world.bob,
        dry_run=False,
        skip_invalid=False,
    )
    import_batch_start(batch, background=False)
    batch.refresh_from_db()
    assert batch.created == 0 and batch.updated + batch.unchanged == 1  # unchanged: already recorded


DOORS = {
    "page": by_page,
    "form": by_form,
    "api": by_api,
    "api-update": by_api_update,
    "list": by_list,
    "import": by_import,
}


def stop_and_recovery(elder: Elder) -> tuple[Any, ...]:
    suspensions = list(
        Suspension.objects.filter(elder=elder).values_list("reason", "from_month", "programme_id")
    )
    recoveries = list(Recovery.objects.filter(elder=elder).values_list("stop_month", "owed", "months"))
    return suspensions, recoveries


@pytest.fixture
def paid_to_march(world: World) -> tuple[Any, Elder]:
    """An 86-year-old paid 100 a month by approved rolls for January to March."""
    programme = longevity()
    elder = elder_born(D(1940, 1, 1))
    for month in (JAN, FEB, MAR):
        approved(world, programme, month)
    return programme, elder


EXPECTED = ([("deceased", FEB, None)], [(FEB, Decimal("200.00"), "2026年2月、2026年3月")])


@pytest.mark.parametrize("door", sorted(DOORS))
def test_every_door_stops_payment_and_recovers_alike(client, world, paid_to_march, door) -> None:
    programme, elder = paid_to_march
    DOORS[door](client, world, elder, D(2026, 1, 20))
    elder.refresh_from_db()
    assert (elder.status, elder.status_date) == ("deceased", D(2026, 1, 20))
    assert stop_and_recovery(elder) == EXPECTED
    assert list(
        ResidencePeriod.objects.filter(elder=elder).values_list("status", "valid_from", "valid_to")
    ) == [
        ("living", D(1940, 1, 1), D(2026, 1, 19)),
        ("deceased", D(2026, 1, 20), None),
    ]
    april = actions.payment_roll_generate(
        programme=programme, area=world.areas.district, month=APR, actor=world.alice
    )
    line = RollLine.objects.get(roll=april, elder=elder)
    assert (line.change_type, line.reason, line.amount) == ("stopped", "死亡", 0)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("page", "list"),
        ("list", "api"),
        ("form", "page"),
        ("list", "list"),
        ("import", "list"),
        ("page", "import"),
    ],
)
def test_a_death_recorded_twice_doubles_nothing(client, world, paid_to_march, first, second) -> None:
    _programme, elder = paid_to_march
    DOORS[first](client, world, elder, D(2026, 1, 20))
    elder.refresh_from_db()
    DOORS[second](client, world, elder, D(2026, 1, 20))
    assert stop_and_recovery(elder) == EXPECTED
    assert ResidencePeriod.objects.filter(elder=elder).count() == 2


def test_a_corrected_death_date_restates_the_one_recovery(client, world, paid_to_march) -> None:
    _programme, elder = paid_to_march
    by_page(client, world, elder, D(2026, 2, 20))
    assert stop_and_recovery(elder) == ([("deceased", MAR, None)], [(MAR, Decimal("100.00"), "2026年3月")])
    elder.refresh_from_db()
    by_list(client, world, elder, D(2026, 1, 20))  # the civil-affairs list has the true date
    assert stop_and_recovery(elder) == EXPECTED
    recovery = Recovery.objects.get(elder=elder)
    assert recovery.event_row is not None  # the ledger names the list row


def test_a_death_taken_back_undoes_the_stop_and_the_recovery(client, world, paid_to_march) -> None:
    _programme, elder = paid_to_march
    by_api(client, world, elder, D(2026, 1, 20))
    elder.refresh_from_db()
    people_actions.elder_set_status(elder=elder, status="living", date=None, note="误报死亡", actor=world.bob)
    assert Recovery.objects.filter(elder=elder).count() == 0
    suspension = Suspension.objects.get(elder=elder)
    assert suspension.resumed_month == suspension.from_month  # suspends no month
    assert list(ResidencePeriod.objects.filter(elder=elder).values_list("status", "valid_to")) == [
        ("living", None)
    ]


# -- arrears from the dated history ---------------------------------------------------------------------------


def test_arrears_never_pay_the_months_away(client, world) -> None:
    """Moved away in February and back in May: the May line is new and pays back only what was due.
    (Deciding from today's status — 在册 — paid March and April back too.)"""
    programme = longevity()
    elder = elder_born(D(1940, 1, 1))
    approved(world, programme, JAN)
    people_actions.elder_set_status(
        elder=elder, status="moved", date=D(2026, 2, 10), note="迁往外省", actor=world.bob
    )
    for month in (FEB, MAR, APR):
        approved(world, programme, month)
    elder.refresh_from_db()
    people_actions.elder_set_status(
        elder=elder, status="living", date=D(2026, 5, 15), note="迁回", actor=world.bob
    )
    approved(world, programme, MAY)
    assert paid_months(elder) == [JAN, FEB, MAY]
    assert [residence.present_in(elder, m, local_hukou=False) for m in (JAN, FEB, MAR, APR, MAY)] == [
        True,
        True,
        False,
        False,
        True,
    ]


def test_arrears_follow_the_dated_hukou(world) -> None:
    """户籍迁出 in February, 迁入 in May, for a programme paying local 户籍 only: no suspension is
    involved, only the history decides. The April roll pays a newcomer back from January."""
    programme = longevity(requires_local_hukou=True)
    elder = elder_born(D(1940, 1, 1))
    data = people_actions.ElderData(
        id_number=parse_id_number(elder.id_number),
        name=elder.name,
        area=elder.area,
        hukou_local=False,
        hukou_date=D(2026, 2, 10),
    )
    people_actions.elder_update(elder=elder, data=data, actor=world.bob)
    for month in (JAN, FEB, MAR, APR):
        approved(world, programme, month)
    data.hukou_local, data.hukou_date = True, D(2026, 5, 3)
    people_actions.elder_update(elder=elder, data=data, actor=world.bob)
    approved(world, programme, MAY)
    # January and February (户籍 here on some day of each) are paid back with May; March and April not.
    assert paid_months(elder) == [JAN, FEB, MAY]
    line = RollLine.objects.get(elder=elder, month=MAY)
    assert (line.change_type, line.arrears_amount, line.months_covered) == ("arrears", Decimal("200.00"), 3)


def test_arrears_up_to_the_death_month_and_nothing_after(world) -> None:
    """Registered late and dead since: the roll of the death month pays it with the months before,
    the next roll pays nothing."""
    programme = longevity()
    for month in (JAN, FEB, MAR):
        approved(world, programme, month)
    elder = elder_born(D(1940, 1, 1))
    people_actions.elder_set_status(
        elder=elder, status="deceased", date=D(2026, 4, 10), note="", actor=world.bob
    )
    approved(world, programme, APR)
    approved(world, programme, MAY)
    assert paid_months(elder) == [JAN, FEB, MAR, APR]
    assert Recovery.objects.filter(elder=elder).count() == 0


def test_backfill_builds_the_history_from_the_registry(world) -> None:
    import importlib

    migration = importlib.import_module("yiyang.people.migrations.0008_residence_periods")
    dead = elder_born(D(1940, 1, 1), status="deceased", status_date=D(2025, 6, 1))
    moved = elder_born(D(1941, 3, 3), status="moved", status_date=None, hukou_local=False)
    living = elder_born(D(1942, 1, 1))
    ResidencePeriod.objects.all().delete()
    migration.backfill(None, SimpleNamespace(connection=connection))  # what the schema editor offers it
    rows = ResidencePeriod.objects.order_by("elder_id", "valid_from")
    assert list(rows.values_list("elder_id", "status", "hukou_local", "valid_from", "valid_to")) == [
        (dead.pk, "living", True, D(1940, 1, 1), D(2025, 5, 31)),
        (dead.pk, "deceased", True, D(2025, 6, 1), None),
        (moved.pk, "moved", False, D(1941, 3, 3), None),
    ]
    assert not rows.filter(elder=living).exists()


# -- two doors at once (row locks: PostgreSQL) -----------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks across connections: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_doors_at_once_leave_one_stop(world, monkeypatch) -> None:
    programme = longevity()
    elder = elder_born(D(1940, 1, 1))
    for month in (JAN, FEB):
        approved(world, programme, month)
    inside, release = threading.Event(), threading.Event()
    notify = lifecycle.notify

    def slow_notify(change: Any) -> None:
        notify(change)
        if threading.current_thread().name == "page":
            inside.set()  # the death is recorded and the elder row still locked
            assert release.wait(10)

    monkeypatch.setattr(lifecycle, "notify", slow_notify)
    outcomes: dict[str, str] = {}

    def record(name: str) -> None:
        try:
            seen = Elder.objects.get(pk=elder.pk)  # what each door read: a living elder
            if name == "api":
                assert inside.wait(10)
            people_actions.elder_set_status(
                elder=seen, status="deceased", date=D(2026, 1, 20), note=name, actor=world.bob, source=name
            )
            outcomes[name] = "ok"
        finally:
            connection.close()

    page = threading.Thread(target=record, args=("page",), name="page")
    api = threading.Thread(target=record, args=("api",), name="api")
    page.start()
    api.start()
    assert inside.wait(10)
    api.join(1.0)
    assert api.is_alive(), "the second door must wait for the first one's row lock"
    release.set()
    page.join(10)
    api.join(10)
    assert outcomes == {"page": "ok", "api": "ok"}
    assert Suspension.objects.filter(elder=elder).count() == 1
    assert list(Recovery.objects.filter(elder=elder).values_list("owed", flat=True)) == [Decimal("100.00")]
    assert ResidencePeriod.objects.filter(elder=elder).count() == 2


def test_bad_status_input_is_refused_with_a_reason_and_changes_nothing(client, world, paid_to_march) -> None:
    _programme, elder = paid_to_march
    client.force_login(world.bob)
    url = reverse("people:elder_status", args=[elder.pk])
    future = (datetime.date.today() + datetime.timedelta(days=40)).isoformat()
    for data, message in (
        ({"status": "deceased", "date": ""}, "请填写死亡或迁出日期"),
        ({"status": "deceased", "date": future}, "日期不能晚于今天"),
        ({"status": "moved", "date": "1900-01-01"}, "日期不能早于出生日期"),
        ({"status": "buried", "date": "2026-01-20"}, "buried"),
    ):
        response = client.post(url, data)
        assert response.status_code == 200 and message in response.content.decode(), data
    api = reverse("elder-status", args=[elder.pk])
    response = client.post(api, {"status": "moved", "date": future}, content_type="application/json")
    assert response.status_code == 400 and "日期不能晚于今天" in response.content.decode()
    elder.refresh_from_db()
    assert elder.status == "living"
    assert not ResidencePeriod.objects.filter(elder=elder).exists()
    assert not Suspension.objects.filter(elder=elder).exists() and not Recovery.objects.exists()
