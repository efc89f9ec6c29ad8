"""Hand-computed roll cases at month and birthday boundaries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from yiyang.benefits import actions
from yiyang.benefits.choices import StartRule
from yiyang.benefits.models import RateRule, RollLine
from yiyang.benefits.tests.factories import RULES_FROM, elder_born, longevity

D = datetime.date
pytestmark = pytest.mark.django_db


def paid(world, programme, month, area=None):
    roll = actions.payment_roll_generate(
        programme=programme, area=area or world.areas.district, month=month, actor=world.alice
    )
    return {line.elder_id: line for line in RollLine.objects.filter(roll=roll)}, roll


@pytest.mark.parametrize(
    ("birth", "month", "rule", "expected"),
    [
        # Turning 80 on the 1st / the last day of December 2026.
        (D(1946, 12, 1), D(2026, 12, 1), StartRule.SAME_MONTH, "100"),
        (D(1946, 12, 31), D(2026, 12, 1), StartRule.SAME_MONTH, "100"),
        (D(1946, 12, 1), D(2026, 11, 1), StartRule.SAME_MONTH, None),
        (D(1947, 1, 1), D(2026, 12, 1), StartRule.SAME_MONTH, None),
        (D(1946, 12, 1), D(2026, 12, 1), StartRule.NEXT_MONTH, None),
        (D(1946, 12, 31), D(2027, 1, 1), StartRule.NEXT_MONTH, "100"),
        (D(1946, 11, 30), D(2026, 12, 1), StartRule.NEXT_MONTH, "100"),
        # 29 February: the birthday month is February even in common years.
        (D(1944, 2, 29), D(2026, 2, 1), StartRule.SAME_MONTH, "100"),  # 82, already paid
        (D(1936, 2, 29), D(2026, 2, 1), StartRule.SAME_MONTH, "500"),  # turns 90 in Feb 2026
        (D(1936, 2, 29), D(2026, 1, 1), StartRule.SAME_MONTH, "100"),
        (D(1936, 2, 29), D(2026, 2, 1), StartRule.NEXT_MONTH, "100"),
        (D(1936, 2, 29), D(2026, 3, 1), StartRule.NEXT_MONTH, "500"),
        # Tier boundaries: 89 → 90 and 99 → 100.
        (D(1936, 6, 15), D(2026, 5, 1), StartRule.SAME_MONTH, "100"),
        (D(1936, 6, 15), D(2026, 6, 1), StartRule.SAME_MONTH, "500"),
        (D(1926, 6, 30), D(2026, 6, 1), StartRule.SAME_MONTH, "800"),
        (D(1926, 7, 1), D(2026, 6, 1), StartRule.SAME_MONTH, "500"),
        (D(1950, 1, 1), D(2026, 6, 1), StartRule.SAME_MONTH, None),
    ],
)
def test_age_tiers_at_birthday_boundaries(world, birth, month, rule, expected) -> None:
    programme = longevity(start_rule=rule)
    elder = elder_born(birth)
    lines, _ = paid(world, programme, month)
    if expected is None:
        assert elder.pk not in lines
    else:
        assert lines[elder.pk].amount == Decimal(expected)
        assert lines[elder.pk].change_type == "new"


@pytest.mark.parametrize(
    ("died", "month", "expected"),
    [
        (D(2026, 3, 31), D(2026, 3, 1), True),  # died on the last day: March is paid
        (D(2026, 3, 31), D(2026, 4, 1), False),  # stops from the month after
        (D(2026, 4, 1), D(2026, 4, 1), True),
        (D(2026, 2, 28), D(2026, 3, 1), False),
    ],
)
def test_death_stops_from_the_next_month(world, died, month, expected) -> None:
    programme = longevity()
    elder = elder_born(D(1940, 5, 5), status="deceased", status_date=died)
    lines, _ = paid(world, programme, month)
    assert (elder.pk in lines) is expected


def test_not_local_hukou_and_moved_are_not_paid(world) -> None:
    programme = longevity()
    outsider = elder_born(D(1940, 5, 5), hukou_local=False)
    moved = elder_born(D(1940, 5, 5), status="moved", status_date=D(2026, 1, 10))
    other_district = elder_born(D(1940, 5, 5), area=world.areas.other_community)
    lines, _ = paid(world, programme, D(2026, 3, 1))
    assert not {outsider.pk, moved.pk, other_district.pk} & set(lines)


def test_rate_change_mid_year_leaves_earlier_months(world) -> None:
    programme = longevity()
    elder = elder_born(D(1940, 5, 5))
    june, _ = paid(world, programme, D(2026, 6, 1))
    rule = programme.rates.get(age_from=80)
    actions.rate_change(rule=rule, amount=Decimal("150"), valid_from=D(2026, 7, 1), actor=world.alice)
    rule.refresh_from_db()
    assert rule.valid_to == D(2026, 6, 30)
    june_again, _ = paid(world, programme, D(2026, 6, 1))  # regenerating a draft June keeps June's rate
    july, _ = paid(world, programme, D(2026, 7, 1))
    assert june[elder.pk].amount == june_again[elder.pk].amount == Decimal("100")
    assert july[elder.pk].amount == Decimal("150")
    assert july[elder.pk].change_type == "changed"
    assert july[elder.pk].reason == "发放标准调整"
    assert july[elder.pk].prev_amount == Decimal("100")


@pytest.mark.parametrize(
    ("birth", "month", "rule", "age", "amount"),
    [
        # The age the tier pays for, reached by the reference day (the month's last day for
        # same_month, the day before it begins for next_month), counting the birthday month whole —
        # as the tiers do. Frozen age and rate agree on every line (issue 11).
        (D(1946, 11, 30), D(2026, 11, 1), StartRule.SAME_MONTH, 80, "100"),  # birthday on the reference day
        (D(1946, 12, 1), D(2026, 12, 1), StartRule.SAME_MONTH, 80, "100"),
        (D(1946, 12, 31), D(2026, 12, 1), StartRule.SAME_MONTH, 80, "100"),  # crosses 80 at the month's end
        (D(1946, 11, 30), D(2026, 12, 1), StartRule.NEXT_MONTH, 80, "100"),  # reference 30 November
        (D(1936, 12, 1), D(2026, 12, 1), StartRule.NEXT_MONTH, 89, "100"),  # turns 90 the day after
        (D(1936, 12, 20), D(2026, 12, 1), StartRule.SAME_MONTH, 90, "500"),  # crosses 90 within the month
        (
            D(1936, 2, 29),
            D(2026, 2, 1),
            StartRule.SAME_MONTH,
            90,
            "500",
        ),  # birthday month, common year (was 89)
        (D(1936, 2, 29), D(2028, 2, 1), StartRule.SAME_MONTH, 92, "500"),  # 29 Feb 2028: 92 that day
        (D(1936, 2, 29), D(2026, 3, 1), StartRule.NEXT_MONTH, 90, "500"),  # reference 28 Feb 2026 (was 89)
        (D(1936, 3, 1), D(2026, 3, 1), StartRule.NEXT_MONTH, 89, "100"),
    ],
)
def test_frozen_age_agrees_with_the_tier_paid(world, birth, month, rule, age, amount) -> None:
    programme = longevity(start_rule=rule)
    elder = elder_born(birth)
    lines, _ = paid(world, programme, month)
    assert lines[elder.pk].fact_age == age
    assert lines[elder.pk].base_amount == Decimal(amount)
    lo, _, hi = lines[elder.pk].fact_basis.partition("-")
    assert int(lo) <= age and (not hi or age <= int(hi))
    assert lines[elder.pk].fact_birth_date == birth


def test_overlapping_age_tiers_are_refused_by_name(world) -> None:
    programme = longevity()
    RateRule.objects.create(
        programme=programme, age_from=85, age_to=94, amount=Decimal("300"), valid_from=RULES_FROM
    )
    elder_born(D(1940, 5, 5))
    with pytest.raises(ValidationError, match="重叠"):
        paid(world, programme, D(2026, 6, 1))
