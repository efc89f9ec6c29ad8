"""The tier of an elder and the periods of a cycle: pure functions, table-driven."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from yiyang.visits.tiers import Facts, slots_for, tier_for


@dataclass
class Rule:
    name: str
    rank: int
    cycle: str = "month"
    min_age: int | None = None
    living_situation: str = ""
    category: str = ""
    min_capability: int | None = None


RULES = [
    Rule("特困", 1, "half_month", category="tekun"),
    Rule("失能", 2, "half_month", min_capability=1),
    Rule("80岁以上独居", 3, "month", min_age=80, living_situation="alone"),
    Rule("空巢", 4, "quarter", living_situation="empty_nest"),
    Rule("警情后", 0, "event"),
]


@pytest.mark.parametrize(
    ("facts", "tier", "reason"),
    [
        (Facts(85, "alone"), "80岁以上独居", "年龄 85 岁（≥ 80）"),
        (Facts(79, "alone"), None, None),
        (Facts(80, "alone", ["tekun"]), "特困", "经济类别：特困"),
        (Facts(70, "with_family", [], 2), "失能", "能力等级：中度失能"),
        (Facts(70, "with_family", [], 0), None, None),
        (Facts(66, "empty_nest"), "空巢", "居住情况：空巢"),
        (Facts(90, "alone", ["dibao"], 1), "失能", "能力等级：轻度失能"),
    ],
)
def test_tier_for(facts: Facts, tier: str | None, reason: str | None) -> None:
    result = tier_for(facts, RULES)
    assert (result.rule.name if result.rule else None) == tier
    if reason:
        assert reason in result.reasons


def test_an_event_rule_is_never_a_tier() -> None:
    assert tier_for(Facts(70, "with_family"), [Rule("警情后", 0, "event")]).rule is None


@pytest.mark.parametrize(
    ("cycle", "month", "keys"),
    [
        ("half_month", (2026, 2), [("2026-02a", 1, 15), ("2026-02b", 16, 28)]),
        ("month", (2026, 12), [("2026-12", 1, 31)]),
        ("quarter", (2026, 11), [("2026Q4", None, None)]),
        ("event", (2026, 11), []),
    ],
)
def test_slots(cycle: str, month: tuple[int, int], keys: list[tuple[str, int | None, int | None]]) -> None:
    slots = slots_for(cycle, *month)
    assert [s.period_key for s in slots] == [k[0] for k in keys]
    for slot, (_key, first, last) in zip(slots, keys, strict=True):
        if first is not None:
            assert slot.window_start == datetime.date(month[0], month[1], first)
            assert slot.due_date == datetime.date(month[0], month[1], last or 1)
    if cycle == "quarter":
        assert slots[0].window_start == datetime.date(2026, 10, 1)
        assert slots[0].due_date == datetime.date(2026, 12, 31)
