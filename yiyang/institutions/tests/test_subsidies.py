"""Subsidies to homes computed from occupancy with rules as data; occupancy per day, set-based."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from yiyang.core.testing import World, xlsx_rows
from yiyang.institutions.actions import subsidies as actions
from yiyang.institutions.actions.residents import resident_change_care_level, resident_discharge
from yiyang.institutions.models import SubsidyLine, SubsidyRule
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


def scene(world: World) -> tuple[object, object]:
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
    assert {ln.institution_id for ln in roll.lines.all()} == {home.pk}  # type: ignore[attr-defined]
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
    series = [occ for pk, day, occ in daily if pk == home.pk]  # type: ignore[attr-defined]
    assert (
        series[0] == 2 and series[4] == 1 and series[10] == 2
    )  # 1 Mar: two; 5 Mar: one left; 11 Mar: one came
