"""Subsidies to homes computed from occupancy with rules as data; occupancy per day, set-based."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from yiyang.core.models import AuditEntry
from yiyang.core.testing import World, xlsx_rows
from yiyang.institutions.actions import subsidies as actions
from yiyang.institutions.actions.residents import resident_change_care_level, resident_discharge
from yiyang.institutions.models import Institution, SubsidyLine, SubsidyRule
from yiyang.institutions.occupancy import daily_occupancy, nights_by_home
from yiyang.institutions.tests.factories import admit, make_bed, make_institution
from yiyang.people.tests.factories import ElderFactory

MONTH = datetime.date(2026, 3, 1)  # 31 nights


def rules() -> None:
    start = datetime.date(2025, 1, 1)
    SubsidyRule.objects.create(name="运营补贴", kind="operating", amount=Decimal("100.00"), valid_from=start)
    SubsidyRule.objects.create(name="三级护理运营补贴", kind="operating", care_level="level_3",
                               amount=Decimal("310.00"), valid_from=start)  # fmt: skip
    SubsidyRule.objects.create(name="旧标准", kind="operating", care_level="level_3", amount=Decimal("1.00"),
                               valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2024, 12, 31))  # fmt: skip
    SubsidyRule.objects.create(
        name="新增床位建设补贴", kind="construction", amount=Decimal("10000.00"), valid_from=start
    )
    SubsidyRule.objects.create(name="护理型床位建设补贴", kind="construction", bed_kind="nursing",
                               amount=Decimal("15000.00"), valid_from=start)  # fmt: skip


def scene(world: World) -> tuple[Institution, Institution]:
    home = make_institution(world.areas.community_a1)
    other_street = make_institution(world.areas.community_b1)
    # Whole month at level 2: 31 nights × 100 / 31 = 100.00
    admit(ElderFactory.create(area=world.areas.community_a1), home, admitted_on=datetime.date(2026, 2, 1))
    # From 11 March, level 2 until the 21st, then level 3: 10 nights at 100, 11 at 310.
    moved = admit(
        ElderFactory.create(area=world.areas.community_a1), home, admitted_on=datetime.date(2026, 3, 11)
    )
    resident_change_care_level(
        resident=moved, care_level="level_3", on=datetime.date(2026, 3, 21), actor=None
    )
    # Left on 5 March: 4 nights.
    left = admit(
        ElderFactory.create(area=world.areas.community_a1), home, admitted_on=datetime.date(2025, 12, 1)
    )
    resident_discharge(resident=left, on=datetime.date(2026, 3, 5), reason="home", actor=None)
    # New beds in March: two nursing, one care; one added in February does not count.
    for kind in ("nursing", "nursing", "care"):
        make_bed(home, kind=kind, added_on=datetime.date(2026, 3, 15))
    make_bed(home, added_on=datetime.date(2026, 2, 28))
    admit(
        ElderFactory.create(area=world.areas.community_b1),
        other_street,
        admitted_on=datetime.date(2026, 1, 1),
    )
    return home, other_street


def test_a_month_of_subsidies_from_occupancy(client: Client, world: World) -> None:
    rules()
    home, _other = scene(world)
    roll = actions.subsidy_roll_compute(area=world.areas.street_a, month=MONTH, actor=world.bob)
    lines = {
        (ln.kind, ln.category): (ln.quantity, ln.bed_months, ln.rate, ln.amount) for ln in roll.lines.all()
    }
    assert lines[("operating", "level_2")] == (
        31 + 10 + 4,
        Decimal("1.45"),
        Decimal("100.00"),
        Decimal("145.16"),
    )
    assert lines[("operating", "level_3")] == (11, Decimal("0.35"), Decimal("310.00"), Decimal("110.00"))
    assert lines[("construction", "nursing")][3] == Decimal("30000.00")
    assert lines[("construction", "care")][0] == 1
    assert {ln.institution_id for ln in roll.lines.all()} == {home.pk}
    assert roll.total == Decimal("145.16") + Decimal("110.00") + Decimal("30000.00") + Decimal("10000.00")
    # Computing again replaces the draft's lines: nothing doubled.
    again = actions.subsidy_roll_compute(area=world.areas.street_a, month=MONTH, actor=world.bob)
    assert again.pk == roll.pk and SubsidyLine.objects.filter(roll=roll).count() == len(lines)
    # Review, then approval by someone else; an approved roll is never recomputed.
    actions.subsidy_roll_review(roll=roll, actor=world.bob)
    with pytest.raises(ValidationError, match="同一人"):
        actions.subsidy_roll_approve(roll=roll, actor=world.bob)
    actions.subsidy_roll_approve(roll=roll, actor=world.alice)
    with pytest.raises(ValidationError, match="不能重新计算"):
        actions.subsidy_roll_compute(area=world.areas.street_a, month=MONTH, actor=world.bob)
    # Another street's worker cannot see or compute it.
    client.force_login(world.carol)
    assert client.get(roll.get_absolute_url()).status_code == 404
    # The payment file opens with numbers as numbers.
    client.force_login(world.alice)
    response = client.get(reverse("institutions:subsidyroll_payment", args=[roll.pk]))
    rows = xlsx_rows(response)
    assert rows[0][0] == "机构名称" and isinstance(rows[1][-1], float | int | Decimal)
    assert sum(r[-1] for r in rows[1:] if isinstance(r[-1], int | float)) == pytest.approx(float(roll.total))


def test_nights_and_daily_occupancy_agree(world: World) -> None:
    home, _other = scene(world)
    until = MONTH.replace(month=4)
    daily = daily_occupancy(MONTH, until, area_path=world.areas.district.path)
    per_home: dict[int, int] = {}
    for pk, _day, occupied in daily:
        per_home[pk] = per_home.get(pk, 0) + occupied
    nights = {
        row[0]: row[1] for row in nights_by_home(world.areas.district.path, MONTH, until, by_care_level=False)
    }
    assert per_home == nights
    assert len(daily) == 2 * 31
    series = [occ for pk, day, occ in daily if pk == home.pk]
    assert (
        series[0] == 2 and series[4] == 1 and series[10] == 2
    )  # 1 Mar: two; 5 Mar: one left; 11 Mar: one came


Key = tuple[int, str, str]
Line = tuple[int, Decimal, Decimal, Decimal, int]  # quantity, bed-months, rate, amount, roll


def lines_of(roll: Any) -> dict[Key, tuple[int, Line]]:
    """Each line by (home, kind, category): its row id, and its figures."""
    return {
        (ln.institution_id, ln.kind, ln.category): (
            ln.pk,
            (ln.quantity, ln.bed_months, ln.rate, ln.amount, ln.roll_id),
        )
        for ln in SubsidyLine.objects.filter(roll=roll)
    }


def last_compute(roll: Any) -> dict[str, Any]:
    entry = AuditEntry.objects.filter(verb="subsidyroll.compute", object_id=str(roll.pk)).latest("pk")
    return dict(entry.after or {})


def figures(lines: dict[Key, tuple[int, Line]]) -> dict[Key, Line]:
    return {key: figures for key, (_pk, figures) in lines.items()}


def compute(world: World) -> Any:
    return actions.subsidy_roll_compute(area=world.areas.street_a, month=MONTH, actor=world.bob)


def test_a_recompute_gives_exactly_the_lines_of_the_month_as_it_now_is(world: World) -> None:
    rules()
    home, _other = scene(world)
    a1 = world.areas.community_a1
    # The only level-1 resident: her line goes when her February discharge is recorded late.
    gone = admit(
        ElderFactory.create(area=a1), home, admitted_on=datetime.date(2026, 2, 1), care_level="level_1"
    )
    roll = compute(world)
    before = figures(lines_of(roll))
    assert {key[1:] for key in before} == {
        ("operating", "level_1"), ("operating", "level_2"), ("operating", "level_3"),
        ("construction", "nursing"), ("construction", "care"),
    }  # fmt: skip
    assert before[(home.pk, "operating", "level_1")][0] == 31

    # Computing again with nothing changed gives the same lines and total, nothing doubled.
    again = compute(world)
    assert again.pk == roll.pk and figures(lines_of(again)) == before and again.total == roll.total
    assert last_compute(roll) == {"lines": 5, "total": str(roll.total)}

    # Occupancy moves: one more level-2 resident from 20 March (12 nights), a second home of the street
    # with a resident from 30 March (2 nights), the level-1 resident left on 20 February.
    admit(ElderFactory.create(area=a1), home, admitted_on=datetime.date(2026, 3, 20))
    second = make_institution(world.areas.community_a2)
    admit(ElderFactory.create(area=world.areas.community_a2), second, admitted_on=datetime.date(2026, 3, 30))
    resident_discharge(resident=gone, on=datetime.date(2026, 2, 20), reason="home", actor=None)
    roll = compute(world)
    after = figures(lines_of(roll))
    level_2 = (home.pk, "operating", "level_2")
    new = (second.pk, "operating", "level_2")
    assert set(after) == set(before) - {(home.pk, "operating", "level_1")} | {new}
    # The changed line has the new figures; the others are as they were.
    assert after[level_2][:4] == (45 + 12, Decimal("1.84"), Decimal("100.00"), Decimal("183.87"))
    for key in set(before) & set(after) - {level_2}:
        assert after[key] == before[key], key
    assert after[new][:4] == (2, Decimal("0.06"), Decimal("100.00"), Decimal("6.45"))
    assert last_compute(roll) == {"lines": 5, "total": str(roll.total)}
    assert roll.total == SubsidyLine.objects.filter(roll=roll).aggregate(t=Sum("amount"))["t"]


def test_a_recompute_follows_the_rules(world: World) -> None:
    rules()
    home, _other = scene(world)
    roll = compute(world)
    before = figures(lines_of(roll))
    level_3 = (home.pk, "operating", "level_3")
    # A new level-3 rate from 1 March reprices that line alone.
    SubsidyRule.objects.create(name="三级护理运营补贴（调整）", kind="operating", care_level="level_3",
                               amount=Decimal("341.00"), valid_from=MONTH)  # fmt: skip
    roll = compute(world)
    after = figures(lines_of(roll))
    assert after[level_3][:4] == (11, Decimal("0.35"), Decimal("341.00"), Decimal("121.00"))
    assert {k: v for k, v in after.items() if k != level_3} == {
        k: v for k, v in before.items() if k != level_3
    }
    assert roll.total == sum((f[3] for f in before.values()), Decimal("0")) + Decimal("11.00")
    # With no rule in force for the month every line goes, and the total is nought.
    SubsidyRule.objects.filter(valid_from=MONTH).delete()
    SubsidyRule.objects.update(valid_to=datetime.date(2026, 2, 28))
    roll = compute(world)
    assert lines_of(roll) == {} and roll.total == Decimal("0")
    assert last_compute(roll) == {"lines": 0, "total": "0"}


@pytest.mark.parametrize("approve", [False, True])
def test_a_reviewed_or_approved_month_is_never_recomputed(world: World, approve: bool) -> None:
    rules()
    home, _other = scene(world)
    roll = compute(world)
    before, total = lines_of(roll), roll.total
    actions.subsidy_roll_review(roll=roll, actor=world.bob)
    if approve:
        actions.subsidy_roll_approve(roll=roll, actor=world.alice)
    # Occupancy moves after the review: the roll keeps what was reviewed.
    admit(ElderFactory.create(area=world.areas.community_a1), home, admitted_on=datetime.date(2026, 3, 20))
    with pytest.raises(ValidationError, match="不能重新计算"):
        compute(world)
    roll.refresh_from_db()
    assert lines_of(roll) == before and roll.total == total
    assert roll.status == ("approved" if approve else "reviewed")
