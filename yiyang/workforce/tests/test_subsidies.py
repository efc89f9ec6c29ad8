"""Post subsidies: the month's lines from the rules in force, certificates only between their dates,
nothing after leaving, nothing twice; review, approval and the one bank payment file."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yiyang.core.models import AccessLog
from yiyang.core.testing import World
from yiyang.workforce import actions
from yiyang.workforce.choices import CertificateLevel, RollStatus, SubsidyKind
from yiyang.workforce.models import CareWorker, PostSubsidyLine, PostSubsidyRule
from yiyang.workforce.tests.factories import make_certificate, make_worker

pytestmark = pytest.mark.django_db

NOV = datetime.date(2026, 11, 1)


def _line(worker: CareWorker) -> PostSubsidyLine | None:
    return PostSubsidyLine.objects.filter(worker=worker).first()


def test_the_rules_in_force_give_post_and_seniority_amounts(world: World) -> None:
    # Seeded rules: 中级 200/month; 5–10 years in post 150/month.
    w = make_worker(world.areas.community_a1, post_since=datetime.date(2020, 3, 1))
    make_certificate(w, CertificateLevel.MIDDLE)
    make_certificate(w, CertificateLevel.JUNIOR, valid_from=datetime.date(2019, 1, 1))
    roll = actions.roll_generate(area=world.areas.street_a, month=NOV, actor=world.bob)
    line = _line(w)
    assert line is not None
    assert (line.level, line.post_amount, line.years, line.seniority_amount, line.amount) == (
        CertificateLevel.MIDDLE, Decimal("200.00"), 6, Decimal("150.00"), Decimal("350.00"),
    )  # fmt: skip
    assert (roll.line_count, roll.total_amount) == (1, Decimal("350.00"))


def test_a_new_rule_applies_from_its_date_only(world: World) -> None:
    PostSubsidyRule.objects.filter(kind=SubsidyKind.POST, level=CertificateLevel.MIDDLE).update(
        valid_to=datetime.date(2026, 10, 31)
    )
    PostSubsidyRule.objects.create(kind=SubsidyKind.POST, level=CertificateLevel.MIDDLE, amount=Decimal("260"),
                                   valid_from=datetime.date(2026, 11, 1))  # fmt: skip
    w = make_worker(world.areas.community_a1, post_since=datetime.date(2026, 1, 1))
    make_certificate(w)
    actions.roll_generate(area=world.areas.street_a, month=datetime.date(2026, 10, 1), actor=world.alice)
    actions.roll_generate(area=world.areas.street_a, month=NOV, actor=world.alice)
    amounts = dict(PostSubsidyLine.objects.filter(worker=w).values_list("month", "post_amount"))
    assert amounts == {datetime.date(2026, 10, 1): Decimal("200.00"), NOV: Decimal("260.00")}


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "paid"),
    [
        (datetime.date(2026, 11, 30), None, True),  # issued on the month's last day
        (datetime.date(2026, 12, 1), None, False),  # issued after the month: not before it was issued
        (datetime.date(2020, 1, 1), datetime.date(2026, 11, 29), False),  # expired within the month
        (datetime.date(2020, 1, 1), datetime.date(2026, 11, 30), True),  # valid through the month's end
    ],
)
def test_a_certificate_counts_only_between_its_dates(
    world: World, valid_from: datetime.date, valid_to: datetime.date | None, paid: bool
) -> None:
    w = make_worker(world.areas.community_a1)
    make_certificate(w, valid_from=valid_from, valid_to=valid_to)
    actions.roll_generate(area=world.areas.street_a, month=NOV, actor=world.bob)
    assert (_line(w) is not None) is paid


def test_payment_stops_when_the_worker_leaves(world: World) -> None:
    w = make_worker(world.areas.community_a1)
    make_certificate(w)
    actions.careworker_leave(
        worker=w, left_on=datetime.date(2026, 11, 20), reason="resigned", actor=world.bob
    )
    actions.roll_generate(area=world.areas.street_a, month=datetime.date(2026, 10, 1), actor=world.bob)
    actions.roll_generate(area=world.areas.street_a, month=NOV, actor=world.bob)
    assert list(PostSubsidyLine.objects.filter(worker=w).values_list("month", flat=True)) == [
        datetime.date(2026, 10, 1)
    ]
    # The same exit recorded twice changes nothing; another date is refused.
    actions.careworker_leave(
        worker=w, left_on=datetime.date(2026, 11, 20), reason="resigned", actor=world.bob
    )
    with pytest.raises(ValidationError):
        actions.careworker_leave(
            worker=w, left_on=datetime.date(2026, 11, 21), reason="resigned", actor=world.bob
        )


def test_generating_twice_doubles_nothing_and_another_roll_pays_no_one_twice(world: World) -> None:
    for _ in range(3):
        make_certificate(make_worker(world.areas.community_a1))
    actions.roll_generate(area=world.areas.street_a, month=NOV, actor=world.alice)
    again = actions.roll_generate(area=world.areas.street_a, month=NOV, actor=world.alice)
    district = actions.roll_generate(area=world.areas.district, month=NOV, actor=world.alice)
    assert again.line_count == 3
    assert district.line_count == 0
    assert PostSubsidyLine.objects.count() == 3


def test_only_the_workers_of_the_roll_area_and_no_future_month(world: World) -> None:
    make_certificate(make_worker(world.areas.community_a1))
    make_certificate(make_worker(world.areas.community_b1))
    roll = actions.roll_generate(area=world.areas.street_a, month=NOV, actor=world.bob)
    assert roll.line_count == 1
    with pytest.raises(PermissionDenied):
        actions.roll_generate(area=world.areas.street_b, month=NOV, actor=world.bob)
    with pytest.raises(ValidationError):
        actions.roll_generate(area=world.areas.street_a, month=datetime.date(2099, 1, 1), actor=world.bob)


def test_review_approve_and_the_bank_file(world: World) -> None:
    w = make_worker(world.areas.community_a1, name="周秀英")
    make_certificate(w)
    no_account = make_worker(world.areas.community_a1, account="")
    make_certificate(no_account, CertificateLevel.SENIOR)
    roll = actions.roll_generate(area=world.areas.street_a, month=NOV, actor=world.bob)
    with pytest.raises(ValidationError):
        actions.roll_bank_file(roll=roll, actor=world.alice)
    actions.roll_review(roll=roll, actor=world.bob)
    with pytest.raises(ValidationError):  # a reviewed roll is not regenerated
        actions.roll_generate(area=world.areas.street_a, month=NOV, actor=world.bob)
    with pytest.raises(PermissionDenied):  # a street does not approve
        actions.roll_approve(roll=roll, actor=world.bob)
    actions.roll_approve(roll=roll, actor=world.alice)
    assert roll.status == RollStatus.APPROVED
    content, _type, filename = actions.roll_bank_file(roll=roll, actor=world.alice)
    assert filename.endswith(".xlsx") and "养老护理员岗位补贴" in filename
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:7] == ("序号", "姓名", "身份证号", "开户银行", "户名", "账号", "金额（元）")
    by_name = {r[1]: r for r in rows[1:] if r[1]}
    assert by_name["周秀英"][2] == w.id_number and by_name["周秀英"][5] == "6222020200112233445"
    assert by_name["周秀英"][6] == 350  # a number the bank's sheet can SUM
    assert "无代发账户" in by_name[no_account.name][9]
    assert AccessLog.objects.filter(object_type="workforce.postsubsidyroll", object_id=str(roll.pk)).exists()
    csv, _type, name = actions.roll_bank_file(roll=roll, actor=world.alice, fmt="csv")
    assert name.endswith(".csv") and "周秀英" in csv.decode("utf-8-sig")
