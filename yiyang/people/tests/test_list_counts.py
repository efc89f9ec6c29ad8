"""The elder list's count and rows, made cheaper (issue 19) and still exact.

- ``people_elder_count`` (PostgreSQL) stays equal to a fresh ``GROUP BY`` after every kind of change:
  actions, bulk inserts, updates and deletes in SQL, a truncate; and the list's count is the
  queryset's, whichever way it was reached.
- A page far into the list, started at its area by the kept counts, is the page the offset gives.
- The ranges said beside the area prefixes select the same rows.
- The Python table body renders model rows as django-tables2's template does.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from yiyang.core.scoping import _following, path_range_q
from yiyang.core.testing import World, table_both_ways
from yiyang.people import actions, counts
from yiyang.people.choices import ElderStatus, LivingSituation
from yiyang.people.filtersets import ElderFilterSet
from yiyang.people.models import Elder
from yiyang.people.selectors import elder_search_count_key
from yiyang.people.tables import ElderTable
from yiyang.people.tests.factories import ElderFactory, register_elder

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="people_elder_count is kept on PostgreSQL"
)


Key = tuple[str, str, str, str]  # facet, value, status, area path


def kept() -> dict[Key, int]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT facet, value, status, area_path, n FROM {counts.TABLE} WHERE n <> 0")
        return {(facet, value, status, path): int(n) for facet, value, status, path, n in cur.fetchall()}


def fresh() -> dict[Key, int]:
    """The same, worked out in Python from the elders."""
    found: Counter[Key] = Counter()
    for e in Elder.objects.values():
        values = {
            "": "",
            "sex": e["sex"],
            "living_situation": e["living_situation"],
            "hukou_local": "true" if e["hukou_local"] else "false",
            "disabled": "true" if (e["capability_level"] or 0) >= 1 else "false",
        }
        for facet, value in values.items():
            found[facet, value, e["status"], e["area_path"]] += 1
        for category in filter(None, e["categories"].split(",")):
            found["category", category, e["status"], e["area_path"]] += 1
        for facet, value in search_terms(e):
            found[facet, value, e["status"], e["area_path"][: counts.SEARCH_PATH]] += 1
    return dict(found)


def search_terms(e: Mapping[str, Any]) -> set[tuple[str, str]]:
    """The search facets an elder is counted under: once per term, however many keys it begins."""
    keys = [e["name_pinyin"], e["name_pinyin_alt"], e["name_initials"], e["name_initials_alt"]]
    terms = {("name", k[:n]) for k in keys if k for n in range(1, counts.SEARCH_PREFIX + 1)}
    terms |= {("initials", k[:n]) for k in keys[2:] if k for n in range(1, counts.SEARCH_INITIALS + 1)}
    if e["name"] and ord(e["name"][0]) > 127:
        terms.add(("first", e["name"][0]))
    return terms


@postgresql_only
def test_the_counts_equal_a_fresh_count_after_every_kind_of_change(world: World) -> None:
    a1, b1 = world.areas.community_a1, world.areas.community_b1
    assert kept() == fresh()
    # actions, as the pages make them
    one = register_elder(world.alice, a1)
    two = register_elder(world.alice, b1)
    assert kept() == fresh()
    actions.elder_set_status(
        elder=one, status=ElderStatus.DECEASED, date=datetime.date(2025, 3, 1), note="", actor=world.alice
    )
    assert kept() == fresh()
    # a bulk insert (an import), an UPDATE moving many rows, one changing nothing counted
    ElderFactory.create_batch(5, area=a1)
    copies = []
    for i in range(4):  # one statement inserting several rows (bulk_create), as an import's batch does
        copy = Elder.objects.get(pk=two.pk)
        copy.pk, copy.id_number_hash, copy.area, copy.area_path = None, f"copy{i}", a1, a1.path
        copies.append(copy)
    Elder.objects.bulk_create(copies)
    assert kept() == fresh()
    Elder.objects.filter(area_path__startswith=a1.path).update(area=b1, area_path=b1.path)
    Elder.objects.filter(pk=two.pk).update(status=ElderStatus.MOVED)
    Elder.objects.update(address="新地址")
    assert kept() == fresh()
    # the filtered columns: each value moves from one count to another
    Elder.objects.filter(pk=one.pk).update(
        living_situation=LivingSituation.ALONE,
        categories="dibao,tekun",
        capability_level=2,
        hukou_local=False,
    )
    Elder.objects.filter(pk=two.pk).update(sex="F", categories="", capability_level=None)
    assert kept() == fresh()
    # the names searched: a surname read two ways, a compound one, letters, a short name; renamed
    for name in ("单雄信", "单单", "欧阳修", "Tom Lee", "吕", "曾"):
        register_elder(world.alice, b1, name=name)
    Elder.objects.filter(pk=one.pk).update(
        name="单田芳", name_pinyin="shantianfang", name_initials="stf", name_pinyin_alt="dantianfang",
        name_initials_alt="dtf",
    )  # fmt: skip
    assert kept() == fresh()
    assert {("name", "shan"), ("name", "dan"), ("initials", "dx"), ("first", "单")} <= {
        key[:2] for key in kept()
    }
    # plain SQL, as a repair in psql would be
    with connection.cursor() as cur:
        cur.execute("UPDATE people_elder SET status = 'living' WHERE id = %s", [one.pk])
        cur.execute("DELETE FROM people_elder WHERE id_number_hash IN ('copy0', 'copy1')")
    assert kept() == fresh()
    # a rollback takes its change to the counts with it
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        ElderFactory.create_batch(3, area=a1)
        raise RuntimeError
    assert kept() == fresh()
    # rebuilt from the registry: the same
    counts.rebuild()
    assert kept() == fresh() and counts.count(None, None) == Elder.objects.count()


@postgresql_only
def test_the_database_keeps_the_counts_as_the_module_says() -> None:
    """The migrations froze each step's SQL: the functions a migrated database runs are the ones
    ``people.counts`` declares (a change there needs its migration)."""
    with connection.cursor() as cur:
        for sql in counts.FUNCTIONS:
            name = re.search(r"FUNCTION (\w+)\(", sql)
            assert name
            cur.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [name.group(1)])
            assert cur.fetchone() == (sql.split("$$")[1],), name.group(1)


@postgresql_only
def test_a_truncate_empties_the_counts(world: World) -> None:
    ElderFactory.create_batch(3, area=world.areas.community_a1)
    assert counts.count(None, None) == 3
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own inserts: their checks done first
        cur.execute("TRUNCATE people_elder CASCADE")
    assert kept() == {} == fresh()


def shown_count(response: Any) -> int:
    assert response.status_code == 200
    found = re.search(r"共 ([\d,]+) 条", response.content.decode())
    assert found, "the list says how many"
    return int(found.group(1).replace(",", ""))


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"status": "all"},
        {"status": ElderStatus.DECEASED},
        {"area": "320612001001"},
        {"area": "320612002", "status": "all"},
        {"sex": "F"},
        {"sex": "F", "area": "320612001"},
        {"living_situation": LivingSituation.ALONE, "status": "all"},
        {"category": "dibao"},
        {"disabled": "true"},
        {"disabled": "false"},  # no capability level recorded counts as not disabled, as the filter says
        {"hukou_local": "false"},
        {"sex": "F", "living_situation": LivingSituation.ALONE},  # two filters: counted from the rows
        {"age_min": "80"},
        {"q": "zz"},
        {"age_min": "200"},  # invalid: nothing
        # searched: broad terms count from the kept counts of a street or more, the rest from the rows
        {"q": "w"},
        {"q": "wang"},
        {"q": "WS"},
        {"q": "王"},
        {"q": "dan"},  # 单 read everyday
        {"q": "shan", "status": "all"},
        {"q": "wangsong"},  # longer than the kept terms
        {"q": "w", "area": "320612001"},
        {"q": "w", "area": "320612001001"},  # a community: counted
        {"q": "w", "sex": "F"},  # a search and a filter: counted
        {"q": "12"},  # too few digits: refused, nothing listed
    ],
)
def test_the_list_says_exactly_how_many_it_lists(world: World, query: dict[str, str]) -> None:
    a1, a2, b1 = world.areas.community_a1, world.areas.community_a2, world.areas.community_b1
    ElderFactory.create_batch(3, area=a1, sex="F")
    ElderFactory.create_batch(2, area=a2, sex="M")
    ElderFactory.create_batch(4, area=b1)
    ElderFactory.create_batch(
        2,
        area=a2,
        sex="F",
        living_situation=LivingSituation.ALONE,
        categories="dibao,tekun",
        capability_level=2,
    )
    ElderFactory.create(
        area=b1, living_situation=LivingSituation.ALONE, hukou_local=False, categories="dibao"
    )
    ElderFactory.create(area=a1, status=ElderStatus.DECEASED, living_situation=LivingSituation.ALONE)
    ElderFactory.create(area=world.areas.other_community)
    for name, area in (("王松", a1), ("王淑英", a2), ("汪洋", b1), ("单雄信", a1), ("魏思", a2)):
        ElderFactory.create(area=area, name=name)
    for user in (world.alice, world.bob, world.dave):
        client = Client()
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("people:elder_list"), query)
        table = response.context["table"]
        expected = table.data.data.count()  # the page's own queryset, counted
        assert shown_count(response) == expected == table.paginator.count
        from_kept = any(counts.TABLE in q["sql"] for q in queries.captured_queries)
        fs = response.context["fs"]
        others = set(query) - {"area", "status"}
        searched = others == {"q"} and elder_search_count_key(query["q"]) is not None
        within_street = user != world.dave and len(query.get("area", "")) <= counts.SEARCH_PATH
        kept_for = (
            len(others) <= 1
            and (others <= set(counts.FILTERS) or (searched and within_street))
            and (not fs.is_bound or fs.is_valid())
        )
        # PostgreSQL adds up the kept counts for the list as it opens or is narrowed by area and status,
        # and by one one-choice filter (bob may not choose street B: an invalid filter lists nothing,
        # and counts nothing)
        assert from_kept == (counts.available() and kept_for)


def test_every_page_of_the_list_is_reachable_and_none_shows_an_elder_twice(world: World) -> None:
    ElderFactory.create_batch(120, area=world.areas.community_a1)
    client = Client()
    client.force_login(world.bob)
    seen: list[int] = []
    for page in (1, 2, 3):
        response = client.get(reverse("people:elder_list"), {"page": page})
        seen += [row.record.pk for row in response.context["table"].page.object_list]
    assert sorted(seen) == sorted(Elder.objects.for_user(world.bob).values_list("pk", flat=True))


@pytest.mark.parametrize(
    "query",
    [{}, {"sort": "-area"}, {"living_situation": LivingSituation.ALONE}, {"status": "all", "sort": "name"}],
)
def test_a_page_far_into_the_list_is_the_page_the_offset_gives(
    world: World, query: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ``SKIP_FROM`` rows, a list counted per area (PostgreSQL) starts its page at the area the
    page falls in, skipping the areas before it by their kept counts: every page is still the one
    the offset gives, each elder on exactly one page, with namesakes in one area (ordered by id)."""
    from yiyang.core import pagination
    from yiyang.people.views import ElderListView

    monkeypatch.setattr(pagination, "SKIP_FROM", 3)
    monkeypatch.setattr(ElderListView, "per_page", 4)
    areas = world.areas
    for area, n in (
        (areas.community_a1, 5),
        (areas.grid_a1, 3),
        (areas.community_a2, 4),
        (areas.community_b1, 6),
    ):
        ElderFactory.create_batch(n, area=area, name="王秀英", living_situation=LivingSituation.ALONE)
    ElderFactory.create_batch(2, area=areas.community_a2)
    ElderFactory.create(area=areas.community_b1, status=ElderStatus.DECEASED)
    for user in (world.alice, world.bob):
        client = Client()
        client.force_login(user)
        first = client.get(reverse("people:elder_list"), query)
        table = first.context["table"]
        # one order from page to page: it ends with the primary key, namesakes in one area included
        assert table.data.data.query.order_by[-1] in ("id", "-id")
        expected = list(table.data.data.values_list("pk", flat=True))  # the list's queryset, read whole
        assert len(expected) == table.paginator.count > 8
        seen: list[int] = []
        skipped = False
        for page in range(1, table.paginator.num_pages + 1):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse("people:elder_list"), {**query, "page": str(page)})
            seen += [row.record.pk for row in response.context["table"].page.object_list]
            skipped |= any(
                counts.TABLE in q["sql"] and "GROUP BY" in q["sql"] for q in queries.captured_queries
            )
        assert seen == expected
        # the skip is taken where the order leads with the area and the counts are kept
        assert skipped == (counts.available() and query.get("sort", "-area") == "-area")


def test_the_area_ranges_select_what_the_prefixes_select(world: World) -> None:
    assert _following("320612001") == "320612002"
    assert _following("3206129") == "320613"
    assert _following("999") == ""
    for area in (world.areas.street_a, world.areas.community_b1, world.areas.grid_a1):
        ElderFactory.create(area=area)
    ElderFactory.create(area=world.areas.other_community)
    for prefixes in (["320612001"], ["320612001", "320612002"], ["3206"], [world.areas.grid_a1.path]):
        ranged = Elder.objects.filter(path_range_q("area_path", prefixes))
        by_prefix = Elder.objects.filter(area_path__regex="^(" + "|".join(prefixes) + ")")
        assert set(ranged) == set(by_prefix)
    assert str(path_range_q("area_path", ["32a"])) == "(AND: )"  # not digits: no range at all


@pytest.mark.parametrize(
    ("query", "column"),
    [
        ({"sex": "F"}, "sex"),
        ({"age_bracket": "2"}, "birth_date"),
        ({"age_min": "80", "age_max": "89"}, "birth_date"),
        ({"living_situation": LivingSituation.ALONE}, "living_situation"),
        ({"category": "dibao"}, "categories"),
        ({"disabled": "true"}, "capability_level"),
        ({"hukou_local": "false"}, "hukou_local"),
        ({"area": "320612001", "status": "all"}, "area_path"),
    ],
)
def test_every_filter_of_the_list_reads_columns_its_index_carries(
    world: World, query: dict[str, str], column: str
) -> None:
    """A filtered page and its exact count read the list's index alone (no row of the table): every
    column a filter compares is a key or an included column of ``elder_list_order_idx``."""
    index = next(i for i in Elder._meta.indexes if i.name == "elder_list_order_idx")
    carried = {*index.fields, *index.include}
    request = RequestFactory().get("/")
    request.user = world.alice
    fs = ElderFilterSet(query, queryset=Elder.objects.for_user(world.alice), request=request)
    assert fs.is_valid(), fs.errors
    sql, _params = fs.qs.query.sql_with_params()
    where = sql.split(" WHERE ", 1)[1].split(" ORDER BY ", 1)[0]
    compared = set(re.findall(r'"people_elder"\."(\w+)"', where))
    assert column in compared  # the filter is there
    assert compared <= carried, compared - carried


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_python_table_body_renders_elders_as_django_tables2_does(world: World, language: str) -> None:

    a1 = world.areas.community_a1
    ElderFactory.create(area=a1, sex="F", living_situation=LivingSituation.ALONE, categories="dibao")
    ElderFactory.create(area=a1, sex="M", status=ElderStatus.DECEASED)
    ElderFactory.create(area=world.areas.grid_a1, living_situation="")
    request = RequestFactory().get("/")
    request.user = world.alice
    with translation.override(language):
        html, theirs = table_both_ways(
            ElderTable, Elder.objects.select_related("area").order_by("pk"), request
        )
        assert html == theirs
    assert ("独居" if language == "zh-hans" else "Living alone") in html
