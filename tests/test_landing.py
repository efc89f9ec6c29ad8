"""Each role lands on its daily work, and a care worker on a phone on the visits of the day (issue 11,
item 11). The menu and the lists link only to pages their reader may open (``core.links``); the
crawl over every role's links is ``tests/test_link_crawl.py``."""

from __future__ import annotations

import datetime
from typing import Any

import django_tables2 as tables
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.accounts.roles import LANDING, Role
from yiyang.core import navigation
from yiyang.core.links import may_open, permitted_record_url, record_url
from yiyang.core.navigation import landing_url_name, menu_for
from yiyang.core.tables import edit_link, permitted_link
from yiyang.core.testing import World, make_user
from yiyang.services.actions.visits import visit_check_in, visit_check_out, visit_sign_off
from yiyang.services.models import Visit, WorkOrder
from yiyang.services.tests import factories as sf

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", sorted(LANDING))
def test_each_role_lands_on_its_daily_work(client: Client, world: World, role: str) -> None:
    user = make_user(f"land_{role}", role, [world.areas.district])
    client.force_login(user)
    response = client.get("/")
    assert response["Location"] == reverse(LANDING[role])
    assert client.get(response["Location"]).status_code == 200


def test_the_auditor_lands_on_the_audit_log_and_the_hotline_on_the_board(
    client: Client, world: World
) -> None:
    client.force_login(world.grace)
    assert client.get("/")["Location"] == reverse("core:auditentry_list")
    client.force_login(world.erin)
    assert client.get("/")["Location"] == reverse("safety:board")


@pytest.fixture
def care(world: World) -> dict[str, Any]:
    """A provider with a coordinator (staff, no worker record) and a care worker with an account."""
    item = sf.item()
    provider = sf.provider(items=[item])
    coordinator = sf.staff(provider, "coordinator")
    account = sf.staff(provider, "careworker")
    worker = sf.worker(provider, user=account, name="钱秀英")
    other = sf.worker(provider, name="孙大姐")
    return {
        "item": item,
        "provider": provider,
        "coordinator": coordinator,
        "user": account,
        "worker": worker,
        "other": other,
    }


def test_a_care_worker_lands_on_the_visits_of_the_day(
    client: Client, world: World, care: dict[str, Any]
) -> None:
    client.force_login(care["user"])
    assert client.get("/")["Location"] == reverse("services:my_visits")
    client.force_login(care["coordinator"])  # the provider's office: the orders
    assert client.get("/")["Location"] == reverse("services:workorder_list")
    care["worker"].is_active = False
    care["worker"].save()
    assert landing_url_name(care["user"]) == "services:workorder_list"  # no longer in service


def _order(world: World, care: dict[str, Any], start: datetime.datetime, worker: Any = None) -> WorkOrder:
    return sf.assigned(
        world.erin,
        care["provider"],
        worker or care["worker"],
        e=sf.elder(world.areas.community_a1),
        i=care["item"],
        start=start,
    )


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_my_visits_today_lists_today_and_what_is_left_open(
    client: Client, world: World, care: dict[str, Any]
) -> None:
    today = timezone.localdate()
    mine = _order(world, care, _at(today, 23))
    tomorrow = _order(world, care, _at(today + datetime.timedelta(days=1), 9))
    someone_elses = _order(world, care, _at(today, 23), worker=care["other"])
    left_open = _order(world, care, _at(today - datetime.timedelta(days=1), 9))
    done_yesterday = _order(world, care, _at(today - datetime.timedelta(days=1), 10))
    for order in (left_open, done_yesterday):
        visit = visit_check_in(
            order=order,
            latitude=sf.HOME[0],
            longitude=sf.HOME[1],
            at=order.scheduled_start,
            actor=care["user"],
        )
    visit = visit_check_out(
        visit=visit,
        latitude=sf.HOME[0],
        longitude=sf.HOME[1],
        at=done_yesterday.scheduled_start + datetime.timedelta(hours=1),
        actor=care["user"],
    )
    visit_sign_off(
        visit=visit, method="signature", signature_png=b"\x89PNG\r\n\x1a\n" + b"\0" * 64, actor=care["user"]
    )

    client.force_login(care["user"])
    page = client.get(reverse("services:my_visits")).content.decode()
    assert mine.elder.name in page and left_open.elder.name in page
    assert tomorrow.elder.name not in page
    assert someone_elses.elder.name not in page
    assert done_yesterday.elder.name not in page
    assert "到达签到" in page and "服务完成签退" in page
    # the coordinator (no worker record) sees the provider's visits of the day
    client.force_login(care["coordinator"])
    page = client.get(reverse("services:my_visits")).content.decode()
    assert mine.elder.name in page and someone_elses.elder.name in page


def test_the_large_buttons_check_in_and_out_and_come_back(
    client: Client, world: World, care: dict[str, Any]
) -> None:
    order = _order(world, care, _at(timezone.localdate(), 23))
    client.force_login(care["user"])
    mine = reverse("services:my_visits")
    url = reverse("services:visit_mobile", args=[order.pk])
    position = {"latitude": str(sf.HOME[0]), "longitude": str(sf.HOME[1])}
    response = client.post(url, {"step": "checkin", "next": mine, **position})
    assert response.status_code == 302 and response["Location"] == mine
    order.refresh_from_db()
    assert order.status == "in_progress"
    again = client.post(url, {"step": "checkin", "next": mine, **position})  # tapped twice
    assert again["Location"] == mine and Visit.objects.filter(work_order=order).count() == 1
    assert "服务完成签退" in client.get(mine).content.decode()
    response = client.post(url, {"step": "checkout", "next": mine, **position})
    assert response["Location"] == mine
    order.refresh_from_db()
    assert order.status == "completed"
    page = client.get(mine).content.decode()
    assert "请老人签字确认" in page
    # a "next" that is no list of visits is ignored: back to the visit page
    response = client.post(url, {"step": "code", "next": "https://example.com/"})
    assert response["Location"] == url


# -- links are shown only to those who may open them ----------------------------------------------


def test_may_open_reads_the_pages_own_permission(world: World) -> None:
    edit = reverse("safety:ruleconfig_edit", args=[1])
    listing = reverse("safety:ruleconfig_list")
    assert may_open(world.alice, edit) and may_open(world.alice, listing)
    assert may_open(world.dave, listing) and not may_open(world.dave, edit)  # reads the rules, changes none
    assert not may_open(world.grace, reverse("benefits:bankaccount_edit", args=[1]))  # a function view
    assert not may_open(world.alice, "/no/such/page/")


@pytest.mark.parametrize(
    "url_name, pk",
    [("people:elder_detail", 7), ("services:workorder_detail", 123456), ("safety:ruleconfig_edit", 1)],
)
def test_a_record_url_is_what_reverse_gives(url_name: str, pk: int) -> None:
    assert record_url(url_name, pk) == reverse(url_name, args=[pk])
    assert record_url(url_name, str(pk)) == reverse(url_name, args=[pk])


def test_a_record_url_is_given_to_those_who_may_open_it(world: World) -> None:
    edit = reverse("safety:ruleconfig_edit", args=[5])
    for user in (world.alice, world.dave, world.grace):
        expected = edit if may_open(user, edit) else ""
        assert permitted_record_url(user, "safety:ruleconfig_edit", 5) == expected
    assert permitted_record_url(world.alice, "safety:ruleconfig_edit", 5) == edit
    assert permitted_record_url(world.dave, "safety:ruleconfig_edit", 5) == ""  # reads the rules only
    assert permitted_record_url(None, "people:elder_detail", 5) == ""


class _Rules(tables.Table):
    name = tables.Column()

    def render_name(self, value: str, record: Any) -> Any:
        return permitted_link(self, reverse("safety:ruleconfig_edit", args=[record["pk"]]), value)


def test_a_table_links_only_for_readers_who_may_open(rf: Any, world: World) -> None:
    for user, linked in ((world.alice, True), (world.dave, False)):
        table = _Rules([{"pk": 1, "name": "独居<老人>"}])
        table.request = rf.get("/")
        table.request.user = user
        cell = table.rows[0].get_cell("name")
        assert ("<a href" in cell) is linked
        assert "独居&lt;老人&gt;" in cell
        assert (edit_link(table, "safety:ruleconfig_edit", 1) != "") is linked


def test_the_menu_holds_only_pages_the_user_may_open(
    client: Client, world: World, care: dict[str, Any]
) -> None:
    users = [world.alice, world.bob, world.dave, world.erin, world.frank, world.grace, care["user"]]
    users += [
        make_user(f"menu_{r.value}", r.value, [world.areas.district])
        for r in (Role.INSTITUTION_STAFF, Role.CONTRACTOR)
    ]
    for user in users:
        client.force_login(user)
        for group in menu_for(user):
            for item in group.items:
                status = client.get(reverse(item.url_name)).status_code
                assert status == 200, (user.username, item.url_name, status)


def test_the_menu_is_worked_out_per_set_of_permissions(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kept once per set of permissions: two street workers share one menu, an administrator has
    another, and a permission granted since (here: street workers may list accounts) shows at once."""
    from yiyang.accounts import roles

    def entries(user: Any) -> list[str]:
        return [item.url_name for group in menu_for(user) for item in group.items]

    street_b = make_user("menu_street_b", Role.STREET_WORKER, [world.areas.street_b])
    worked_out: list[Any] = []
    visible = navigation._visible
    monkeypatch.setattr(navigation, "_visible", lambda user: worked_out.append(user) or visible(user))
    monkeypatch.setattr(navigation, "_menus", {})
    assert entries(world.bob) == entries(street_b)
    assert worked_out == [world.bob]  # the second street worker's menu was not worked out again
    assert "accounts:user_list" in entries(world.alice) and "accounts:user_list" not in entries(world.bob)

    grants = set(roles._grants[Role.STREET_WORKER]) | {"accounts.view_user"}
    monkeypatch.setitem(roles._grants, Role.STREET_WORKER, grants)
    monkeypatch.setattr(roles, "_frozen", {})
    bob = type(world.bob).objects.get(pk=world.bob.pk)  # a new request's user: no permission cache
    assert "accounts:user_list" in entries(bob)

    # The page shows that menu, the current page's entry marked, in the reader's language.
    client.force_login(bob)
    url = reverse("accounts:user_list")
    for language, label in (("zh-hans", "用户管理"), ("en", "Users"), ("zh-hans", "用户管理")):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page = client.get(url).content.decode()
        assert f'<a class="nav-link text-white-50 active text-white" href="{url}">' in page
        assert page.count("active text-white") == 1
        assert f"</i>{label}</a>" in page
