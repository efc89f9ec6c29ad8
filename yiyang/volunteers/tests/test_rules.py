from __future__ import annotations

import pytest

from yiyang.volunteers import rules
from yiyang.volunteers.choices import Relation


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("1", 60), ("1.5", 90), (2, 120), ("0.01", 1), ("0.25", 15), (" 3 ", 180), ("0", 0), ("-1", -60)],
)
def test_hours_become_minutes(typed: object, minutes: int) -> None:
    assert rules.to_minutes(typed) == minutes


@pytest.mark.parametrize("typed", ["", "一小时", "1,5", "nan", "inf", None])
def test_what_is_not_a_number_is_refused(typed: object) -> None:
    with pytest.raises(ValueError):
        rules.to_minutes(typed)


@pytest.mark.parametrize(
    ("contact", "relation"),
    [("spouse", Relation.SPOUSE), ("child", Relation.PARENT), ("grandchild", Relation.GRANDPARENT),
     ("sibling", None), ("neighbour", None), ("friend", None), ("relative", None), ("carer", None)],
)  # fmt: skip
def test_only_spouses_and_direct_relatives_count(contact: str, relation: Relation | None) -> None:
    assert rules.relation_from_contact(contact) == relation


@pytest.mark.parametrize(
    ("relation", "age", "ok"),
    [(Relation.SPOUSE, 45, True), (Relation.PARENT, 60, True), (Relation.PARENT, 59, False),
     (Relation.GRANDPARENT, 85, True), (Relation.GRANDPARENT, 58, False)],
)  # fmt: skip
def test_relatives_receive_from_sixty(relation: Relation, age: int, ok: bool) -> None:
    assert rules.may_receive(relation, age, 60) is ok


@pytest.mark.parametrize(
    ("age", "living", "categories", "disabled", "ok"),
    [(80, "alone", [], False, True), (85, "gugua", [], False, True), (79, "alone", [], False, False),
     (70, "alone", ["dibao"], True, True), (70, "alone", ["dibao"], False, False),
     (70, "alone", ["tekun"], True, False), (90, "with_family", [], False, False),
     (82, "empty_nest", [], False, False), (59, "alone", ["dibao"], True, False)],
)  # fmt: skip
def test_the_pool_serves_elders_living_alone_first(
    age: int, living: str, categories: list[str], disabled: bool, ok: bool
) -> None:
    assert (
        rules.priority_recipient(age=age, living_situation=living, categories=categories, disabled=disabled)
        is ok
    )


@pytest.mark.parametrize(
    ("seconds", "cap", "minutes"), [(5399, 480, 89), (5400, 480, 90), (40000, 480, 480), (30, 480, 0)]
)
def test_credited_minutes(seconds: float, cap: int, minutes: int) -> None:
    assert rules.credited_minutes(seconds, cap) == minutes


def test_distance() -> None:
    assert rules.distance_m(32.0, 121.0, 32.0, 121.0) == 0
    assert 110_000 < rules.distance_m(32.0, 121.0, 33.0, 121.0) < 112_000
