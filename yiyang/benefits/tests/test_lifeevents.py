"""Death lists: matching by ID, proposals by name + birth date, unmatched rows, overpayment recovery."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yiyang.benefits import actions, lifeevents
from yiyang.benefits.models import LifeEventRow, Recovery, RollLine
from yiyang.benefits.tests.factories import elder_born, longevity
from yiyang.benefits.tests.test_workflow import approve

D = datetime.date
pytestmark = pytest.mark.django_db


def csv_bytes(rows: list[list[str]]) -> bytes:
    lines = ["身份证号,姓名,出生日期,死亡日期"] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def test_matching_by_id_name_and_birth(world) -> None:
    by_id = elder_born(D(1940, 1, 1))
    by_name = elder_born(D(1941, 2, 2), name="钱多多")
    twin_a = elder_born(D(1942, 3, 3), name="孙同名")
    elder_born(D(1942, 3, 3), name="孙同名", area=world.areas.community_b1)
    other = elder_born(D(1943, 4, 4), area=world.areas.other_community)
    data = csv_bytes(
        [
            [by_id.id_number, by_id.name, "", "2026-05-31"],
            ["", "钱多多", "1941-02-02", "2026-05-01"],  # no ID: proposed
            ["320612194102020000", "钱多多", "1941-02-02", "2026-05-01"],  # wrong ID (Excel zeros): proposed
            ["", "孙同名", "1942-03-03", "2026-05-01"],  # two candidates: reported, not proposed
            [other.id_number, other.name, "", "2026-05-01"],  # another district: not ours
            ["", "查无此人", "1930-01-01", "2026-05-01"],
        ]
    )
    batch = lifeevents.life_event_import(
        kind="deceased", source="殡葬", data=data, filename="d.csv", actor=world.alice
    )
    rows = {r.row_number: r for r in LifeEventRow.objects.filter(batch=batch)}
    assert batch.total_rows == 6 and len(rows) == 6  # nothing dropped
    assert (rows[2].status, rows[2].elder_id) == ("matched", by_id.pk)
    assert (rows[3].status, rows[3].elder_id) == ("proposed", by_name.pk)
    assert rows[4].status == "proposed" and "身份证号有误" in rows[4].note
    assert rows[5].status == "unmatched" and rows[5].candidates == 2 and "2 人" in rows[5].note
    assert rows[6].status == "unmatched" and rows[6].elder_id is None
    assert rows[7].status == "unmatched"
    assert twin_a.pk not in {r.elder_id for r in rows.values()}
    # Proposed rows are never applied silently.
    actions.life_event_batch_apply(batch=batch, actor=world.alice)
    by_id.refresh_from_db()
    by_name.refresh_from_db()
    assert (by_id.status, by_id.status_date) == ("deceased", D(2026, 5, 31))
    assert by_name.status == "living"
    actions.life_event_row_decide(row=rows[3], confirm=True, actor=world.alice)
    actions.life_event_row_decide(row=rows[4], confirm=False, actor=world.alice)
    actions.life_event_batch_apply(batch=batch, actor=world.alice)
    by_name.refresh_from_db()
    assert by_name.status == "deceased"


def test_street_worker_matches_only_inside_own_street(world) -> None:
    in_b = elder_born(D(1940, 1, 1), area=world.areas.community_b1)
    data = csv_bytes([[in_b.id_number, in_b.name, "", "2026-05-01"]])
    batch = lifeevents.life_event_import(
        kind="deceased", source="公安", data=data, filename="d.csv", actor=world.bob
    )
    assert LifeEventRow.objects.get(batch=batch).status == "unmatched"
    with pytest.raises(PermissionDenied):
        lifeevents.life_event_import(
            kind="deceased", source="公安", data=data, filename="d.csv", actor=world.grace
        )


def test_death_found_late_fills_the_recovery_ledger(world) -> None:
    programme = longevity()
    elder = elder_born(D(1935, 6, 1))  # 90+: 500 a month
    for month in (D(2026, 3, 1), D(2026, 4, 1), D(2026, 5, 1), D(2026, 6, 1)):
        approve(
            world,
            actions.payment_roll_generate(
                programme=programme, area=world.areas.district, month=month, actor=world.alice
            ),
        )
    data = csv_bytes([[elder.id_number, elder.name, "", "2026-03-31"]])  # died on the last day of March
    batch = lifeevents.life_event_import(
        kind="deceased", source="卫健", data=data, filename="d.xlsx.csv", actor=world.bob
    )
    result = actions.life_event_batch_apply(batch=batch, actor=world.bob)
    assert result == {"applied": 1, "recoveries": 1, "skipped": 0}
    recovery = Recovery.objects.get(elder=elder)
    assert recovery.stop_month == D(2026, 4, 1)
    assert recovery.owed == Decimal("1500.00") and recovery.months == "2026年4月、2026年5月、2026年6月"
    # Payments stop from the month after.
    july = actions.payment_roll_generate(
        programme=programme, area=world.areas.district, month=D(2026, 7, 1), actor=world.alice
    )
    line = RollLine.objects.get(roll=july, elder=elder)
    assert (line.change_type, line.reason, line.amount) == ("stopped", "死亡", 0)
    # Repaid in part, the rest waived with a district administrator's approval.
    actions.recovery_repay(recovery=recovery, amount=Decimal("1000"), actor=world.bob)
    with pytest.raises(ValidationError):
        actions.recovery_repay(recovery=recovery, amount=Decimal("600"), actor=world.bob)
    actions.recovery_request_waiver(recovery=recovery, reason="家属无力偿还", actor=world.bob)
    with pytest.raises(PermissionDenied):
        actions.recovery_decide_waiver(recovery=recovery, approve=True, actor=world.bob)
    recovery = actions.recovery_decide_waiver(recovery=recovery, approve=True, actor=world.alice)
    assert (recovery.repaid, recovery.waived, recovery.outstanding, recovery.status) == (
        Decimal("1000"),
        Decimal("500"),
        Decimal("0"),
        "settled",
    )
