"""The registry's pages: search, masking, reveal, the edit form, export, saved filters, the dashboard."""

from __future__ import annotations

import datetime
import html
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from yiyang.accounts.roles import Role
from yiyang.core.idnumber import make_id_number
from yiyang.core.models import AccessLog, AuditEntry
from yiyang.core.testing import World, make_user, new_id_number, xlsx_rows
from yiyang.people import actions, stats
from yiyang.people.choices import EconomicCategory, ElderStatus, LivingSituation
from yiyang.people.models import Elder, ElderStatState, SavedFilter
from yiyang.people.tests.factories import (
    CertificationFactory,
    ElderFactory,
    assert_stats_match,
    elder_data,
    register_elder,
)
from yiyang.people.views import ElderListView
from yiyang.reports.selectors import MEASURE_FILTERS

pytestmark = pytest.mark.django_db

LIST = "people:elder_list"


def listed(response: Any) -> list[Elder]:
    """The elders a list page shows (all pages of the filtered, scoped queryset)."""
    assert response.status_code == 200
    return list(response.context["table"].data.data)


def names(response: Any) -> set[str]:
    return {e.name for e in listed(response)}


HTMX_TABLE = {
    "HX-Request": "true",
    "HX-Target": "results",
}  # the list's table fragment: same query, less HTML


def list_count(response: Any) -> int:
    assert response.status_code == 200
    count: int = response.context["table"].paginator.count
    return count


# -- search ------------------------------------------------------------------------------------------


@pytest.fixture
def people(world: World) -> dict[str, Elder]:
    a1, a2, b1 = world.areas.community_a1, world.areas.community_a2, world.areas.community_b1
    # Fixed numbers (born 1950, tails 1019 … 5097) so that no ID tail equals a phone tail.
    rows = [
        ("张三", a1, "13912345678", 101),
        ("李四", a2, "13800008888", 203),
        ("王五", a1, "13700006666", 305),
        ("曾小贤", a1, "", 407),
        # the same initials in street B: bob must never find this one
        ("张森", b1, "13600001234", 509),
    ]
    return {
        name: ElderFactory.create(
            name=name,
            area=area,
            phone=phone,
            id_number=make_id_number("320612", datetime.date(1950, 3, 1 + n), sequence),
        )
        for n, (name, area, phone, sequence) in enumerate(rows)
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zs", {"张三"}),
        ("ZS", {"张三"}),
        ("z", {"张三", "曾小贤"}),
        ("zhangsan", {"张三"}),
        ("zhang", {"张三"}),
        ("zengxiaoxian", {"曾小贤"}),  # 曾 as a surname reads zeng, not ceng
        ("zxx", {"曾小贤"}),
        ("张", {"张三"}),
        ("张三", {"张三"}),
        ("李", {"李四"}),
        (" 王 五 ", {"王五"}),
        ("zz", set()),
        ("13912345678", {"张三"}),
        ("5678", {"张三"}),
        ("8888", {"李四"}),
        ("13600001234", set()),  # street B
    ],
)
def test_search(
    client: Client, world: World, people: dict[str, Elder], query: str, expected: set[str]
) -> None:
    client.force_login(world.bob)
    assert names(client.get(reverse(LIST), {"q": query}, follow=True)) == expected


def test_search_by_id_number(client: Client, world: World, people: dict[str, Elder]) -> None:
    client.force_login(world.bob)
    li = people["李四"]
    assert names(client.get(reverse(LIST), {"q": li.id_number}, follow=True)) == {"李四"}
    assert names(client.get(reverse(LIST), {"q": li.id_number[-4:]})) == {"李四"}
    # the 15-digit number of someone born in the 1900s finds the same person
    old = li.id_number[:6] + li.id_number[8:17]
    assert names(client.get(reverse(LIST), {"q": old}, follow=True)) == {"李四"}
    # a full number that is not valid finds nothing rather than everything
    wrong = li.id_number[:17] + ("1" if li.id_number[17] != "1" else "2")
    assert names(client.get(reverse(LIST), {"q": wrong}, follow=True)) == set()
    # street B's elder is not found by bob, even with the exact number
    assert names(client.get(reverse(LIST), {"q": people["张森"].id_number}, follow=True)) == set()


def test_search_via_htmx_returns_the_table_only(
    client: Client, world: World, people: dict[str, Elder]
) -> None:
    client.force_login(world.bob)
    response = client.get(reverse(LIST), {"q": "zs"}, headers=HTMX_TABLE)
    body = response.content.decode()
    assert "张三" in body
    assert "<html" not in body


# -- masking -----------------------------------------------------------------------------------------


def test_list_and_detail_show_only_masked_values(client: Client, world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1, phone="13912345678", health="阿尔茨海默病")
    client.force_login(world.bob)
    for url in (reverse(LIST), reverse("people:elder_detail", args=[elder.pk])):
        body = client.get(url).content.decode()
        assert elder.id_number_masked in body
        assert "139****5678" in body
        for secret in (elder.id_number, "13912345678", "阿尔茨海默病", elder.id_number[6:14]):
            assert secret not in body, (url, secret)


def test_detail_view_is_logged(client: Client, world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1)
    client.force_login(world.grace)
    assert client.get(reverse("people:elder_detail", args=[elder.pk])).status_code == 200
    log = AccessLog.objects.get()
    assert (log.kind, log.actor, log.subject_id, log.area_path) == (
        "view",
        world.grace,
        elder.pk,
        elder.area_path,
    )


def test_edit_page_does_not_disclose_clear_values_unlogged(client: Client, world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1, phone="13912345678")
    client.force_login(world.bob)
    body = client.get(reverse("people:elder_edit", args=[elder.pk])).content.decode()
    assert (
        elder.id_number not in body or AccessLog.objects.filter(kind="reveal", subject_id=elder.pk).exists()
    )


# -- reveal (htmx) -----------------------------------------------------------------------------------


def test_reveal_via_htmx(client: Client, world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1, phone="13912345678")
    client.force_login(world.bob)
    url = reverse("people:elder_reveal", args=[elder.pk])
    response = client.post(
        url, {"field": "id_number", "reason": "办理高龄津贴"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert elder.id_number in response.content.decode()
    assert 'class="font-monospace revealed"' in response.content.decode()
    log = AccessLog.objects.get(kind="reveal")
    assert (log.actor, log.reason, log.fields, log.subject_id) == (
        world.bob,
        "办理高龄津贴",
        ["id_number"],
        elder.pk,
    )

    phone = client.post(url, {"field": "phone", "reason": "电话回访"}, headers={"HX-Request": "true"})
    assert "13912345678" in phone.content.decode()
    assert AccessLog.objects.filter(kind="reveal").count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {"field": "id_number"},
        {"field": "id_number", "reason": "x"},
        {"reason": "核对"},
        {"field": "id_number_enc", "reason": "核对"},
    ],
)
def test_reveal_refused_without_reason_or_field(client: Client, world: World, data: dict[str, str]) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1)
    client.force_login(world.bob)
    response = client.post(
        reverse("people:elder_reveal", args=[elder.pk]), data, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400
    assert elder.id_number not in response.content.decode()
    assert not AccessLog.objects.exists()


def test_detail_offers_reveal_only_to_those_who_may(client: Client, world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1)
    url = reverse("people:elder_detail", args=[elder.pk])
    client.force_login(world.erin)
    assert 'id="reveal-form"' in client.get(url).content.decode()
    client.force_login(world.grace)
    assert 'id="reveal-form"' not in client.get(url).content.decode()


# -- the edit form -----------------------------------------------------------------------------------


def form_data(world: World, **overrides: Any) -> dict[str, Any]:
    data = {
        "id_number": new_id_number(age=80, sex="F"),
        "name": "陈阿婆",
        "ethnicity": "汉族",
        "phone": "13912345678",
        "area": world.areas.community_a1.pk,
        "living_situation": LivingSituation.ALONE,
        "status": ElderStatus.LIVING,
        "hukou_local": "on",
    }
    data.update(overrides)
    return data


def test_add_elder(client: Client, world: World) -> None:
    client.force_login(world.bob)
    data = form_data(world)
    response = client.post(reverse("people:elder_add"), data)
    elder = Elder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:elder_detail", args=[elder.pk])
    assert (elder.sex, elder.age, elder.name_initials) == ("F", 80, "cap")
    assert elder.id_number == data["id_number"]
    assert AuditEntry.objects.filter(verb="elder.create", subject_id=elder.pk, actor=world.bob).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sex", "M", "性别与身份证号不符（身份证号显示为女）"),
        ("birth_date", "1901-01-01", "出生日期与身份证号不符"),
        ("id_number", "320612194501010000", "身份证号被存为数字"),
        ("id_number", "32061219450101001", "身份证号应为18位"),
        ("phone", "86123456", "固定电话需加区号"),
        ("status", ElderStatus.DECEASED, "请填写死亡或迁出日期"),
    ],
)
def test_add_elder_form_errors(client: Client, world: World, field: str, value: str, message: str) -> None:
    client.force_login(world.bob)
    response = client.post(reverse("people:elder_add"), form_data(world, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Elder.objects.exists()


def test_add_elder_form_accepts_matching_sex_and_birth_date(client: Client, world: World) -> None:
    client.force_login(world.bob)
    data = form_data(world)
    elder_id = data["id_number"]
    birth = f"{elder_id[6:10]}-{elder_id[10:12]}-{elder_id[12:14]}"
    response = client.post(reverse("people:elder_add"), {**data, "sex": "F", "birth_date": birth})
    assert response.status_code == 302
    assert Elder.objects.get().birth_date == datetime.date.fromisoformat(birth)


def test_add_elder_refuses_a_community_outside_the_users_areas(client: Client, world: World) -> None:
    client.force_login(world.bob)
    response = client.post(reverse("people:elder_add"), form_data(world, area=world.areas.community_b1.pk))
    assert response.status_code == 200
    assert "area" in response.context["form"].errors
    assert not Elder.objects.exists()


def test_add_elder_duplicate_id_number(client: Client, world: World) -> None:
    existing = ElderFactory.create(area=world.areas.community_b1)
    client.force_login(world.bob)
    response = client.post(reverse("people:elder_add"), form_data(world, id_number=existing.id_number))
    assert response.status_code == 200
    assert "该身份证号已登记" in response.content.decode()
    assert Elder.objects.count() == 1


def test_edit_elder(client: Client, world: World) -> None:
    elder = register_elder(world.bob, world.areas.community_a1, phone="13912345678")
    client.force_login(world.dave)
    data = form_data(
        world,
        id_number=elder.id_number,
        name=elder.name,
        phone="13912345678",
        address="新址9号",
        living_situation=elder.living_situation,
    )
    response = client.post(reverse("people:elder_edit", args=[elder.pk]), data)
    assert response.status_code == 302
    elder.refresh_from_db()
    assert elder.address == "新址9号"
    entry = AuditEntry.objects.get(verb="elder.update")
    assert entry.after == {"address": "新址9号"}
    assert entry.actor == world.dave


# -- export ------------------------------------------------------------------------------------------


def test_export_contains_only_the_users_area_masked(client: Client, world: World) -> None:
    a1, a2, b1 = world.areas.community_a1, world.areas.community_a2, world.areas.community_b1
    mine = [ElderFactory.create(area=a1, sex="M", phone="13912345678"), ElderFactory.create(area=a2, sex="F")]
    ElderFactory.create(area=a1, status=ElderStatus.DECEASED, status_date=timezone.localdate())
    theirs = ElderFactory.create(area=b1)
    client.force_login(world.bob)

    response = client.get(reverse(LIST), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert ".xlsx" in response["Content-Disposition"]
    header, *rows = xlsx_rows(response)
    assert header[:2] == ("姓名", "身份证号")
    assert {r[0] for r in rows} == {e.name for e in mine}
    flat = " ".join(str(v) for row in rows for v in row)
    assert theirs.name not in flat
    for elder in mine:
        assert elder.id_number_masked in flat
        assert elder.id_number not in flat
    assert "139****5678" in flat and "13912345678" not in flat
    assert "金沙街道" in flat

    log = AccessLog.objects.get(kind="export")
    assert (log.actor, log.row_count, log.object_type) == (world.bob, 2, "people.elder")
    assert "export=xlsx" in log.query

    # the export follows the list's filter
    only_f = client.get(reverse(LIST), {"export": "xlsx", "sex": "F"})
    assert [r[0] for r in xlsx_rows(only_f)[1:]] == [mine[1].name]
    assert AccessLog.objects.filter(kind="export").order_by("-id").first().row_count == 1  # type: ignore[union-attr]


def test_export_button_only_for_those_who_may(client: Client, world: World) -> None:
    client.force_login(world.bob)
    assert "export=xlsx" in client.get(reverse(LIST)).content.decode()
    client.force_login(world.grace)
    body = client.get(reverse(LIST)).content.decode()
    assert "export=xlsx" not in body
    assert client.get(reverse(LIST), {"export": "xlsx"}).status_code == 403
    assert not AccessLog.objects.filter(kind="export").exists()


# -- saved filters -----------------------------------------------------------------------------------


def test_saved_filter_save_and_apply(client: Client, world: World) -> None:
    a1 = world.areas.community_a1
    alone = ElderFactory.create(area=a1, living_situation=LivingSituation.ALONE)
    ElderFactory.create(area=a1, living_situation=LivingSituation.WITH_FAMILY)
    client.force_login(world.bob)

    query = "living_situation=alone"
    response = client.post(reverse("people:saved_filter_save"), {"name": "独居老人", "query": "?" + query})
    assert response.status_code == 302
    assert response["Location"] == reverse(LIST) + "?" + query
    saved = SavedFilter.objects.get()
    assert (saved.name, saved.query, saved.owner) == ("独居老人", query, world.bob)

    page = client.get(reverse(LIST))
    assert f'href="?{query}"' in page.content.decode()
    assert "独居老人" in page.content.decode()
    assert names(client.get(reverse(LIST) + "?" + saved.query)) == {alone.name}

    # a personal filter is not shown to others
    client.force_login(world.carol)
    assert "独居老人" not in client.get(reverse(LIST)).content.decode()


def test_saved_filter_needs_a_name(client: Client, world: World) -> None:
    client.force_login(world.bob)
    client.post(reverse("people:saved_filter_save"), {"name": " ", "query": "sex=F"})
    assert not SavedFilter.objects.exists()


def test_system_saved_filter_is_shown_to_everyone(client: Client, world: World) -> None:
    SavedFilter.objects.create(name="80岁以上", query="age_min=80")
    client.force_login(world.carol)
    assert "80岁以上" in client.get(reverse(LIST)).content.decode()


# -- the dashboard: every figure links to a list of exactly that many elders -------------------------


def _years_ago(years: int) -> datetime.date:
    today = timezone.localdate()
    return stats.birth_cutoff(today, years)


@pytest.fixture
def population(world: World) -> World:
    """Elders of every age bracket, both sexes, each special group, in both streets and outside."""
    a = world.areas
    places = [a.community_a1, a.community_a2, a.grid_a1, a.community_b1, a.community_b2]
    ages = [55, 60, 64, 69, 70, 79, 80, 89, 90, 99, 100, 104]
    situations = list(LivingSituation)
    for n, age in enumerate(ages * 2):
        ElderFactory.create(
            area=places[n % len(places)],
            age=age,
            sex="MF"[n % 2],
            living_situation=situations[n % len(situations)],
            capability_level=(n % 5) if n % 3 else None,
        )
    for n, elder in enumerate(Elder.objects.order_by("id")[:10]):
        CertificationFactory.create(
            elder=elder, category=[EconomicCategory.DIBAO, EconomicCategory.TEKUN][n % 2]
        )
    CertificationFactory.create(
        elder=Elder.objects.order_by("id")[11],
        category=EconomicCategory.DIBAO,
        valid_to=timezone.localdate() - datetime.timedelta(days=1),  # lapsed: not counted
    )
    ElderFactory.create(area=a.community_a1, status=ElderStatus.DECEASED, status_date=timezone.localdate())
    ElderFactory.create(area=a.community_b1, status=ElderStatus.MOVED, status_date=timezone.localdate())
    ElderFactory.create(area=a.other_community, age=85)
    return world


_LINK = re.compile(r'href="(/people/elders/\?[^"]*)"')
_MEASURE_BY_QUERY = {tuple(q.split("=")): m for m, q in MEASURE_FILTERS.items()}


def dashboard_links(client: Client, query: dict[str, str] | None = None) -> tuple[Any, list[str]]:
    response = client.get(reverse("reports:dashboard"), query or {})
    assert response.status_code == 200
    links = sorted({html.unescape(u) for u in _LINK.findall(response.content.decode())})
    return response.context["board"], links


def figure_for(board: Any, link: str) -> int:
    params = dict(parse_qsl(urlsplit(link).query))
    path = params.pop("area")
    figures = (
        board.figures if path == board.area.path else next(c for c in board.children if c.area.path == path)
    )
    if not params:
        return int(figures.total)
    ((key, value),) = params.items()
    if key == "age_bracket":
        return int(figures.by_bracket.get(int(value), 0))
    if key == "sex":
        return int(figures.by_sex.get(value, 0))
    return int(figures.groups.get(_MEASURE_BY_QUERY[(key, value)], 0))


def filtered_count(user: Any, link: str) -> int:
    """What the list page at ``link`` counts (the view's own filtered() without rendering the table)."""
    request = RequestFactory().get(link)
    request.user = user
    view = ElderListView()
    view.setup(request)
    _, qs = view.filtered()
    return qs.count()


@pytest.mark.parametrize(
    ("who", "area"), [("alice", None), ("bob", None), ("dave", None), ("alice", "street_b")]
)
def test_dashboard_figures_equal_their_lists(
    client: Client, population: World, who: str, area: str | None
) -> None:
    world = population
    user = world.users[who]
    client.force_login(user)
    board, links = dashboard_links(client, {"area": world.areas[area].path} if area else None)
    own = [u for u in links if parse_qsl(urlsplit(u).query)[0] == ("area", board.area.path)]
    # total, five age brackets, two sexes and six special groups for the area; the same less sex per child
    assert len(own) == 14
    assert len(links) == 14 + 12 * len(board.children)
    assert board.figures.total > 0
    mismatches = []
    for link in links:
        expected, got = figure_for(board, link), filtered_count(user, link)
        if got != expected:
            mismatches.append(f"{link}: figure {expected}, list {got}")
    assert not mismatches, "\n".join(mismatches)
    # and the pages themselves, for one link of each kind
    for link in own:
        if link.endswith(board.area.path) or "age_bracket=3" in link or "sex=F" in link or "dibao" in link:
            assert list_count(client.get(link, headers=HTMX_TABLE)) == figure_for(board, link), link


def test_dashboard_figures_match_a_fresh_count(client: Client, population: World) -> None:
    world = population
    client.force_login(world.alice)
    board, _ = dashboard_links(client)
    living = Elder.objects.filter(area_path__startswith=world.areas.district.path, status=ElderStatus.LIVING)
    assert board.figures.total == living.count() == 24
    assert board.figures.groups["dibao"] == living.filter(categories__contains="dibao").count() == 5
    assert board.figures.groups["disabled"] == living.filter(capability_level__gte=1).count()
    assert sum(c.total for c in board.children) == board.figures.total
    assert sum(board.figures.by_sex.values()) == board.figures.total


def test_dashboard_links_for_a_grid_worker(client: Client, population: World) -> None:
    world = population
    grid_worker = make_user("grid", Role.COMMUNITY_WORKER, [world.areas.grid_a1])
    client.force_login(grid_worker)
    board, links = dashboard_links(client)
    assert board.area == world.areas.grid_a1
    for link in links:
        assert filtered_count(grid_worker, link) == figure_for(board, link), link


# -- statistics stay correct after edits, without a rebuild -----------------------------------------


def test_stats_follow_edits_made_through_the_pages(client: Client, population: World) -> None:
    world = population
    stats.rebuild()
    rebuilt_at = ElderStatState.objects.get().rebuilt_at
    a1, a2 = world.areas.community_a1, world.areas.community_a2
    client.force_login(world.bob)

    # create
    data = form_data(world)
    assert client.post(reverse("people:elder_add"), data).status_code == 302
    assert_stats_match()
    created = Elder.objects.get(name="陈阿婆")

    # change community
    moved = {**data, "area": a2.pk}
    assert client.post(reverse("people:elder_edit", args=[created.pk]), moved).status_code == 302
    assert_stats_match()

    # add 低保
    cert = {"category": EconomicCategory.DIBAO, "valid_from": "2025-01-01", "certified_by": "通州区民政局"}
    assert client.post(reverse("people:certification_add", args=[created.pk]), cert).status_code == 302
    created.refresh_from_db()
    assert created.categories == "dibao"
    assert_stats_match()

    # mark deceased
    deceased = {**moved, "status": ElderStatus.DECEASED, "status_date": timezone.localdate().isoformat()}
    assert client.post(reverse("people:elder_edit", args=[created.pk]), deceased).status_code == 302
    assert_stats_match()

    # an action-level status change and one through the API
    other = Elder.objects.filter(area=a1, status=ElderStatus.LIVING).first()
    assert other is not None
    actions.elder_set_status(elder=other, status="moved", date=timezone.localdate(), note="", actor=world.bob)
    assert_stats_match()
    api = client.post(
        reverse("elder-list"),
        {"id_number": new_id_number(age=92), "name": "周福", "area": a1.code, "living_situation": "gugua"},
        content_type="application/json",
    )
    assert api.status_code == 201
    assert_stats_match()

    # nothing above rebuilt the statistics, and the dashboard shows the maintained figures
    assert ElderStatState.objects.get().rebuilt_at == rebuilt_at
    client.force_login(world.alice)
    board, _ = dashboard_links(client)
    assert ElderStatState.objects.get().rebuilt_at == rebuilt_at
    living = Elder.objects.filter(area_path__startswith=world.areas.district.path, status=ElderStatus.LIVING)
    assert board.figures.total == living.count()
    assert board.figures.groups["gugua"] == living.filter(living_situation="gugua").count()


def test_update_via_action_keeps_stats(population: World) -> None:
    world = population
    stats.rebuild()
    elder = Elder.objects.filter(area=world.areas.community_a1, status=ElderStatus.LIVING).first()
    assert elder is not None
    actions.elder_update(
        elder=elder,
        data=elder_data(
            world.areas.grid_a1, id_number=elder.id_number, name=elder.name, living_situation="alone"
        ),
        actor=world.dave,
    )
    assert_stats_match()


def test_a_search_lists_its_closest_matches_first_until_a_column_is_sorted(
    client: Client, world: World
) -> None:
    for name, area in [
        ("王淑英", world.areas.community_a2),
        ("魏松", world.areas.community_a1),
        ("王松", world.areas.community_a2),
    ]:
        ElderFactory(name=name, area=area)
    client.force_login(world.bob)
    response = client.get(reverse(LIST), {"q": "ws"})
    # initials ws before wsy, each by full pinyin; not the list's own order (community, then name)
    assert [e.name for e in response.context["table"].page.object_list.data] == ["王松", "魏松", "王淑英"]
    assert list_count(response) == 3
    assert "共 3 条" in html.unescape(response.content.decode())
    by_name = client.get(reverse(LIST), {"q": "ws", "sort": "name"})
    assert [e.name for e in by_name.context["table"].page.object_list.data] == ["王淑英", "王松", "魏松"]
    assert list_count(by_name) == 3
