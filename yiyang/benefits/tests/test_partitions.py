"""Roll lines in one partition per programme and month (PostgreSQL); the totals a roll reports."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from yiyang.benefits import actions, partitions
from yiyang.benefits.choices import AdjustmentKind
from yiyang.benefits.models import RollLine
from yiyang.benefits.tests.factories import elder_born, longevity

D = datetime.date
pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's")


def generate(world, programme, month, area):
    return actions.payment_roll_generate(programme=programme, area=area, month=month, actor=world.alice)


def recount(roll):
    before = (roll.line_count, roll.total_amount, roll.counts)
    actions.generation._refresh_totals(roll)
    return before, (roll.line_count, roll.total_amount, roll.counts)


def test_totals_counted_while_writing_match_a_recount(world) -> None:
    programme = longevity()
    elder_born(D(1940, 1, 1))
    elder_born(D(1930, 5, 1))
    elder_born(D(1925, 5, 1), area=world.areas.community_b1)
    first = generate(world, programme, D(2026, 3, 1), world.areas.district)
    assert first.total_amount == Decimal("1400.00") and first.line_count == 3
    written, counted = recount(first)
    assert written == counted
    following = generate(world, programme, D(2026, 4, 1), world.areas.district)
    written, counted = recount(following)
    assert written == counted and following.counts["continued"] == 3


@postgres_only
def test_a_months_first_roll_fills_a_new_partition(world) -> None:
    programme = longevity()
    a = elder_born(D(1940, 1, 1))
    b = elder_born(D(1935, 1, 1), area=world.areas.community_b1)
    month = D(2026, 3, 1)
    roll = generate(world, programme, month, world.areas.street_a)
    name = partitions.name_for(programme.pk, month)
    with connection.cursor() as cur:
        assert partitions.exists(cur, programme.pk, month)
        cur.execute(f'SELECT id, elder_id FROM "{name}"')
        assert cur.fetchall() == [(roll.pk * partitions.BLOCK_IDS + a.pk, a.pk)]
    # The second street's roll of the month goes into the same partition, numbered by the sequence.
    other = generate(world, programme, month, world.areas.street_b)
    line = RollLine.objects.get(roll=other)
    assert line.elder_id == b.pk and line.pk < partitions.BLOCK_IDS
    with connection.cursor() as cur:
        cur.execute(f'SELECT COUNT(*) FROM "{name}"')
        assert cur.fetchone()[0] == 2
        cur.execute(f'SELECT COUNT(*) FROM "{partitions.DEFAULT_PARTITION}"')
        assert cur.fetchone()[0] == 0
    # A block-numbered line is an ordinary row to the ORM: found by id, adjusted, regenerated.
    assert RollLine.objects.get(pk=roll.pk * partitions.BLOCK_IDS + a.pk).amount == Decimal("100.00")
    RollLine.objects.create(  # an adjustment, as the ORM writes one
        roll=roll,
        programme=programme,
        month=month,
        elder=a,
        base_amount=Decimal(0),
        amount=Decimal("100"),
        months_covered=0,
        change_type="adjustment",
        adjustment_kind=AdjustmentKind.ARREARS,
        corrects_month=D(2026, 2, 1),
        area_path=a.area_path,
    )
    regenerated = generate(world, programme, month, world.areas.street_a)
    assert regenerated.pk == roll.pk
    assert RollLine.objects.filter(roll=roll, change_type="adjustment").count() == 1
    assert RollLine.objects.filter(roll=roll, change_type="new").count() == 1
    written, counted = recount(regenerated)
    assert written == counted


@postgres_only
def test_lines_already_in_the_default_partition_keep_their_month_there(world) -> None:
    programme = longevity()
    a = elder_born(D(1940, 1, 1))
    b = elder_born(D(1935, 1, 1), area=world.areas.community_b1)
    month = D(2026, 3, 1)
    generate(world, programme, month, world.areas.street_b)
    # Move street B's lines into the default partition, as on an installation partitioned later.
    line_table, name = RollLine._meta.db_table, partitions.name_for(programme.pk, month)
    with connection.cursor() as cur:
        cur.execute(f'ALTER TABLE "{line_table}" DETACH PARTITION "{name}"')
        columns = ", ".join(partitions.column_types())  # a partition's columns may be in another order
        cur.execute(f'INSERT INTO "{line_table}" ({columns}) SELECT {columns} FROM "{name}"')
        cur.execute(f'DROP TABLE "{name}"')
        assert partitions.in_default(cur, programme.pk, month)
    roll = generate(world, programme, month, world.areas.street_a)  # joins them: no new partition
    assert RollLine.objects.get(roll=roll).elder_id == a.pk
    assert RollLine.objects.filter(programme=programme, month=month).count() == 2
    assert b.pk in set(RollLine.objects.filter(month=month).values_list("elder_id", flat=True))
    with connection.cursor() as cur:
        assert not partitions.exists(cur, programme.pk, month)
