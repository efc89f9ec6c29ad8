"""Search internals: which index a letters-only term needs, and paging on the index."""

from __future__ import annotations

import pytest
from django.db.models import Q

from yiyang.core.testing import World
from yiyang.people.models import Elder
from yiyang.people.pinyin import could_be_pinyin
from yiyang.people.selectors import elder_search_q
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
