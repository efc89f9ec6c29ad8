"""Search internals: which index a letters-only term needs, and paging on the index."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from yiyang.core.testing import World
from yiyang.people.models import Elder
from yiyang.people.pinyin import could_be_pinyin
from yiyang.people.selectors import elder_search, elder_search_q
from yiyang.people.tests.factories import ElderFactory


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("zs", False),  # 张三's initials: no syllable starts "zs"
        ("wxy", False),
        ("zsf", False),
        ("lxy", False),
        ("z", True),  # one letter begins a syllable
        ("zh", True),
        ("zhang", True),
        ("zhangs", True),  # a whole syllable, then the start of the next
        ("wangxiaoy", True),
        ("li", True),
        ("lv", True),  # 吕, with v for ü as name_pinyin writes it
        ("an", True),  # syllables without an initial
        ("er", True),
        ("xiong", True),
        ("ng", True),  # 嗯
    ],
)
def test_could_be_pinyin(term: str, expected: bool) -> None:
    assert could_be_pinyin(term) is expected


def test_initials_that_cannot_be_pinyin_search_the_initials_indexes_only() -> None:
    initials = Q(name_initials__startswith="zs") | (
        Q(name_initials_alt__startswith="zs") & ~Q(name_initials_alt="")
    )
    assert elder_search_q("zs") == initials
    assert elder_search_q("zhang") == (
        Q(name_initials__startswith="zhang")
        | (Q(name_initials_alt__startswith="zhang") & ~Q(name_initials_alt=""))
        | Q(name_pinyin__startswith="zhang")
        | (Q(name_pinyin_alt__startswith="zhang") & ~Q(name_pinyin_alt=""))
    )


@pytest.mark.django_db
def test_one_letter_searches_the_initials_alone_and_still_finds_each_pinyin_it_begins(
    world: World, crowd: list[Elder]
) -> None:
    """A name's pinyin and initials begin with the same letter, in either reading: the pinyin's
    indexes would add nobody (and scan a sixth of a city to find so)."""
    assert elder_search_q("w") == Q(name_initials__startswith="w") | (
        Q(name_initials_alt__startswith="w") & ~Q(name_initials_alt="")
    )
    for letter in "wdsbx":
        keys = [(e.pk, e.name_pinyin, e.name_pinyin_alt) for e in crowd]
        expected = {pk for pk, own, alt in keys if own.startswith(letter) or (alt and alt.startswith(letter))}
        assert set(Elder.objects.filter(elder_search_q(letter)).values_list("pk", flat=True)) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "ordering", [("area_path", "name_pinyin"), ("-birth_date", "id"), ("name_pinyin", "id")]
)
def test_late_rows_pages_equal_plain_pages(world: World, ordering: tuple[str, ...]) -> None:
    for age in range(60, 90):
        ElderFactory(area=world.areas.community_a1 if age % 2 else world.areas.community_a2, age=age)
    plain = Elder.objects.for_user(world.alice).select_related("area").order_by(*ordering)
    late = plain.late_rows()
    for start, stop in [(0, 7), (7, 14), (28, 40), (100, 120)]:
        expected = list(plain[start:stop])
        got = late[start:stop]
        assert [e.pk for e in got] == [e.pk for e in expected]
        # the fetched rows are whole objects with their related rows, as the table expects
        assert all(e.area.name for e in got)
    # other uses of the queryset are untouched
    assert late.count() == plain.count() == 30
    assert list(late.values_list("pk", flat=True)[:3]) == list(plain.values_list("pk", flat=True)[:3])
    assert late.first() == plain.first()


def _searched(world: World, term: str) -> Any:
    return elder_search(Elder.objects.for_user(world.alice), term).select_related("area").late_rows()


def _the_plain_way(searched: Any) -> Any:
    """The same rows and order, read the ordinary way: one query with the OR and the CASE order."""
    plain = searched.order_by(*searched.query.order_by)
    assert not plain.searching
    return plain


@pytest.fixture
def crowd(world: World) -> list[Elder]:
    """Names whose searches match in several ways at once: 单 (shan / dan), 薄 (bo / bao, the same
    initials in both readings), initials that are also pinyin (w: 王 wang, 吴 wu), ID and phone tails
    that are the same four digits for some and not others."""
    names = ["王松", "王淑英", "王思远", "吴山", "单雪", "单伟森", "薄文", "薄伟森", "魏淑", "王五"]
    elders: list[Elder] = []
    for n, name in enumerate(names * 3):
        area = world.areas.community_a1 if n % 2 else world.areas.community_a2
        ElderFactory(name=name, area=area, phone=f"1391234{n % 4:04d}" if n % 3 else "")
    elders.extend(Elder.objects.order_by("pk"))
    return elders


@pytest.mark.django_db
@pytest.mark.parametrize(
    "term", ["ws", "w", "wang", "d", "dan", "sx", "b", "bw", "bao", "王", "0001", "13912340001"]
)
def test_search_pages_and_count_equal_the_plain_query(world: World, crowd: list[Elder], term: str) -> None:
    searched = _searched(world, term)
    plain = _the_plain_way(searched)
    everything = list(plain)
    assert searched.count() == plain.count() == len(everything)
    assert len({e.pk for e in everything}) == len(everything)  # every match once
    for start, stop in [(0, 4), (4, 9), (0, 50), (7, 8), (40, 60)]:
        got = searched[start:stop]
        assert [e.pk for e in got] == [e.pk for e in everything[start:stop]], (start, stop)
        assert all(e.area.name for e in got)


@pytest.mark.django_db
def test_search_lists_the_closest_matches_first(world: World, crowd: list[Elder]) -> None:
    first = [e.name for e in _searched(world, "ws")[:15]]
    # initials ws (two characters) by full pinyin (wangsong, weishu, wushan), then wsy (wangshuying
    # before wangsiyuan); each name thrice
    assert first == [name for name in ["王松", "魏淑", "吴山", "王淑英", "王思远"] for _ in range(3)]
    # 单 is found by either reading, and 薄 (bo / bao, initials b either way) only once
    assert {e.name for e in _searched(world, "dx")[:50]} == {"单雪"}
    assert [e.name for e in _searched(world, "bw")[:50]].count("薄文") == 3


@pytest.mark.django_db
def test_search_finds_each_elder_whose_id_or_phone_ends_so(world: World, crowd: list[Elder]) -> None:
    tail = crowd[1].phone_tail
    expected = {e.pk for e in crowd if tail in (e.id_tail, e.phone_tail)}
    assert expected
    assert {e.pk for e in _searched(world, tail)[:100]} == expected
    assert _searched(world, tail).count() == len(expected)


@pytest.mark.django_db
def test_a_search_can_still_be_filtered_and_sorted(world: World, crowd: list[Elder]) -> None:
    searched = _searched(world, "ws").filter(area_path__startswith=world.areas.community_a1.path)
    everything = list(_the_plain_way(searched))
    assert everything and all(e.area == world.areas.community_a1 for e in everything)
    assert [e.pk for e in searched[:50]] == [e.pk for e in everything]
    assert searched.count() == len(everything)
    by_age = searched.order_by("-birth_date", "pk")
    assert not by_age.searching
    assert [e.pk for e in by_age[:50]] == [e.pk for e in searched.order_by("-birth_date", "pk")]


@pytest.mark.parametrize("term", ["1", "12", "123", "12X", " 1 2 "])
def test_fewer_than_four_digits_are_refused_with_the_reason(world: World, term: str) -> None:
    """The registry searches the last four digits of the ID number and phone (the rest is
    encrypted): fewer are refused, on the list, in the API and where an order is taken, instead of
    reading a tenth of the city for "1"."""
    elder = ElderFactory.create(area=world.areas.community_a1)
    client = Client()
    client.force_login(world.alice)
    page = client.get(reverse("people:elder_list"), {"q": term}).content.decode()
    assert "后 4 位" in page and "共 0 条" in page
    intake = client.get(reverse("services:workorder_add"), {"q": term}).content.decode()
    assert "后 4 位" in intake
    api = APIClient()
    api.force_authenticate(world.alice)
    response = api.get("/api/v1/people/elders/", {"q": term})
    assert response.status_code == 400 and "q" in response.json()
    found = client.get(reverse("people:elder_list"), {"q": elder.id_tail}).context["table"].paginator
    assert found.count >= 1
    # in English too, where a complaint is taken as well
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("people:elder_list"), {"q": term}).content.decode()
    assert "Search: For digits, enter the last 4 of the ID number or phone" in page
    intake = client.get(reverse("complaints:case_add"), {"q": term}).content.decode()
    assert "For digits, enter the last 4" in intake
    assert intake.count("fill in the form below") == 1  # its label, once (the catalog repeated it 8 times)
