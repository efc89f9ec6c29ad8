"""Visit tasks in one partition per period, a month's or a quarter's (PostgreSQL; SQLite keeps one table)."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from yiyang.core.testing import World
from yiyang.people.tests.factories import ElderFactory
from yiyang.visits import actions, partitions
from yiyang.visits.models import VisitRecord, VisitTask
from yiyang.visits.tests.factories import standard_rules

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's")


def _month() -> str:
    return f"{timezone.localdate():%Y-%m}"


def _quarter() -> str:
    today = timezone.localdate()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def _in(table: str) -> list[tuple[int, int, str]]:
    with connection.cursor() as cur:
        cur.execute(f'SELECT id, elder_id, period_key FROM "{table}" ORDER BY elder_id, period_key')
        return list(cur.fetchall())


def test_period_of_a_key_and_its_block() -> None:
    assert partitions.period_of("2026-12") == partitions.Period(
        "visits_visittask_202612", "2026-12", "2026-13"
    )
    assert partitions.period_of("2026-12b-R2") == partitions.period_of("2026-12")
    assert partitions.period_of("2026Q4") == partitions.Period("visits_visittask_2026q4", "2026Q4", "2026Q5")
    assert partitions.period_of("A123") is None and partitions.period_of("S7") is None
    keys = ["2026-12", "2026-12a", "2026-12b", "2026Q4", "2027-01", "2026-11b", "2026Q3"]
    blocks = [partitions.block_of(key) for key in keys]
    assert len(set(blocks)) == len(keys)
    assert max(partitions.block_of(k) for k in ["2100-12b", "2100Q4"]) * partitions.BLOCK_IDS + 2**32 < 2**53
    with pytest.raises(ValueError):
        partitions.block_of("2026-12-R2")


@postgres_only
def test_a_months_first_generation_makes_its_partitions(world: World) -> None:
    standard_rules()
    monthly = ElderFactory.create(area=world.areas.community_a1, age=85, living_situation="alone")
    halves = ElderFactory.create(area=world.areas.community_a1, age=70, categories="tekun")
    quarterly = ElderFactory.create(area=world.areas.community_b1, age=70, living_situation="empty_nest")
    result = actions.tasks_generate(area=world.areas.district, month=_month(), actor=None)
    assert result.routine == 4
    month, quarter = partitions.period_of(_month()), partitions.period_of(_quarter())
    assert month and quarter
    assert {month.name, quarter.name} <= set(partitions.period_partitions())
    in_month = _in(month.name)
    assert [(e, k) for _i, e, k in in_month] == [
        (monthly.pk, _month()), (halves.pk, f"{_month()}a"), (halves.pk, f"{_month()}b")
    ]  # fmt: skip
    assert [(e, k) for _i, e, k in _in(quarter.name)] == [(quarterly.pk, _quarter())]
    assert _in(partitions.DEFAULT_PARTITION) == []
    # Ids by block: one of each, and each finds its task as any id does.
    ids = [i for i, _e, _k in in_month]
    assert len(set(ids)) == 3 and min(ids) >= partitions.BLOCK_IDS
    task = VisitTask.objects.get(pk=ids[0])
    assert task.elder_id == monthly.pk and task.assignee == world.dave and task.status == "open"
    # A retried month adds nothing and makes no partition.
    before = partitions.period_partitions()
    assert actions.tasks_generate(area=world.areas.district, month=_month(), actor=None).total == 0
    assert partitions.period_partitions() == before
    assert VisitTask.objects.count() == 4


@postgres_only
def test_a_visit_links_to_a_generated_task_and_its_retry_joins_the_month(world: World) -> None:
    standard_rules()
    elder = ElderFactory.create(area=world.areas.community_a1, age=85, living_situation="alone")
    actions.tasks_generate(area=world.areas.district, month=_month(), actor=None)
    task = VisitTask.objects.get(elder=elder)
    data = actions.VisitInput(client_key=str(uuid.uuid4()), seen="nobody")
    record, new = actions.visit_record(task=task, data=data, actor=world.dave)
    assert new and VisitRecord.objects.get(pk=record.pk).task == task
    assert list(task.records.all()) == [record]
    retry = VisitTask.objects.get(retry_of=task)
    assert retry.pk < partitions.BLOCK_IDS  # the sequence's
    month = partitions.period_of(_month())
    assert month and (retry.pk, elder.pk, f"{_month()}-R2") in _in(month.name)
    task.delete()  # Django's on_delete still takes the records along
    assert not VisitRecord.objects.filter(pk=record.pk).exists()


@postgres_only
def test_tasks_written_before_the_month_had_its_partition_move_into_it(world: World) -> None:
    standard_rules()
    kept = ElderFactory.create(area=world.areas.community_a1, age=85, living_situation="alone")
    other = ElderFactory.create(area=world.areas.community_a1, age=86, living_situation="alone")
    today = timezone.localdate()
    by_hand = VisitTask.objects.create(
        elder=kept, area_path=kept.area_path, period_key=_month(), window_start=today, due_date=today,
        reason="手工",
    )  # fmt: skip
    after_alarm = VisitTask.objects.create(
        elder=kept, area_path=kept.area_path, period_key="A1", window_start=today, due_date=today
    )
    assert [i for i, _e, _k in _in(partitions.DEFAULT_PARTITION)] == sorted([by_hand.pk, after_alarm.pk])
    result = actions.tasks_generate(area=world.areas.district, month=_month(), actor=None)
    assert result.routine == 1
    month = partitions.period_of(_month())
    assert month
    assert [(i, e) for i, e, _k in _in(month.name)] == [
        (by_hand.pk, kept.pk),
        (_in(month.name)[1][0], other.pk),
    ]
    assert VisitTask.objects.get(elder=kept, period_key=_month()).reason == "手工"
    assert [i for i, _e, _k in _in(partitions.DEFAULT_PARTITION)] == [after_alarm.pk]


@postgres_only
def test_a_task_written_while_the_new_partition_is_filled_is_kept(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A task committed by someone else after the new table was filled, before the default partition
    was locked: it is moved in and the new task for the same elder and key is dropped (simulated:
    written just before the lock)."""
    standard_rules()
    elder = ElderFactory.create(area=world.areas.community_a1, age=85, living_situation="alone")
    ElderFactory.create(area=world.areas.community_a1, age=86, living_situation="alone")
    lock = partitions.lock_default
    meanwhile: list[VisitTask] = []

    def written_meanwhile(cur: object) -> None:  # before the month's partition is attached (the first)
        today = timezone.localdate()
        if not meanwhile:
            meanwhile.append(VisitTask.objects.create(
                elder=elder, area_path=elder.area_path, period_key=_month(), window_start=today,
                due_date=today + datetime.timedelta(days=1), reason="手工",
            ))  # fmt: skip
        lock(cur)

    monkeypatch.setattr(partitions, "lock_default", written_meanwhile)
    result = actions.tasks_generate(area=world.areas.district, month=_month(), actor=None)
    assert result.routine == 1
    assert list(VisitTask.objects.filter(elder=elder)) == meanwhile
    assert VisitTask.objects.count() == 2


@postgres_only
def test_period_partitions_left_empty_are_dropped() -> None:
    VisitTask.objects.all().delete()
    assert partitions.drop_empty() == len(partitions.period_partitions()) == 0
