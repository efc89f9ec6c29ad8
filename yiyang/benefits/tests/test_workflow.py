"""Approval workflow, arrears, qualification lapse, no double payment, budgets, care subsidy."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from yiyang.benefits import actions, documents
from yiyang.benefits.models import Budget, RollLine, Suspension
from yiyang.benefits.tests.factories import care_subsidy, certify, elder_born, longevity, service_subsidy
from yiyang.core.models import AccessLog, AuditEntry

D = datetime.date
pytestmark = pytest.mark.django_db


def approve(world, roll):
    actions.payment_roll_recheck(roll=roll, actor=world.alice)
    for path in roll.counts["streets"]:
        street = world.areas.street_a if path == world.areas.street_a.path else world.areas.street_b
        actions.payment_roll_review(roll=roll, street=street, actor=world.alice)
    return actions.payment_roll_approve(roll=roll, actor=world.alice, confirm_over_budget=True)


def test_street_then_district_approval_and_lock(world) -> None:
    programme = longevity()
    elder_born(D(1940, 1, 1))
    elder_born(D(1935, 1, 1), area=world.areas.community_b1)
    roll = actions.payment_roll_generate(
        programme=programme, area=world.areas.district, month=D(2026, 3, 1), actor=world.alice
    )
    assert roll.total_amount == Decimal("600.00") and roll.line_count == 2
    with pytest.raises(ValidationError):  # streets have not reviewed
        actions.payment_roll_approve(roll=roll, actor=world.alice)
    with pytest.raises(PermissionDenied):  # bob is street A; street B is not his
        actions.payment_roll_review(roll=roll, street=world.areas.street_b, actor=world.bob)
    actions.payment_roll_review(roll=roll, street=world.areas.street_a, actor=world.bob)
    roll.refresh_from_db()
    assert roll.status == "draft"
    actions.payment_roll_review(roll=roll, street=world.areas.street_b, actor=world.carol)
    roll.refresh_from_db()
    assert roll.status == "street_reviewed"
    with pytest.raises(PermissionDenied):  # a street may not approve
        actions.payment_roll_approve(roll=roll, actor=world.bob)
    # No separate re-check step: approval runs it and keeps its result on the roll.
    actions.payment_roll_approve(roll=roll, actor=world.alice)
    roll.refresh_from_db()
    assert roll.rechecked_at is not None and roll.recheck_summary == "标记 0 条"
    with pytest.raises(ValidationError, match="不能重复审批"):
        actions.payment_roll_approve(roll=roll, actor=world.alice)
    with pytest.raises(ValidationError):
        actions.payment_roll_generate(
            programme=programme, area=world.areas.district, month=D(2026, 3, 1), actor=world.alice
        )
    verbs = set(AuditEntry.objects.filter(object_type="benefits.paymentroll").values_list("verb", flat=True))
    assert {
        "paymentroll.generate",
        "paymentroll.street_review",
        "paymentroll.recheck",
        "paymentroll.approve",
    } <= verbs


def test_no_person_twice_in_a_programme_month(world) -> None:
    programme = longevity()
    elder = elder_born(D(1940, 1, 1))
    street_roll = actions.payment_roll_generate(
        programme=programme, area=world.areas.street_a, month=D(2026, 3, 1), actor=world.alice
    )
    district_roll = actions.payment_roll_generate(
        programme=programme, area=world.areas.district, month=D(2026, 3, 1), actor=world.alice
    )
    assert street_roll.line_count == 1 and district_roll.line_count == 0
    line = RollLine.objects.get(roll=street_roll)
    with pytest.raises(IntegrityError), transaction.atomic():
        RollLine.objects.create(
            roll=district_roll,
            programme=programme,
            month=D(2026, 3, 1),
            elder=elder,
            base_amount=1,
            amount=1,
            change_type="new",
            area_path=line.area_path,
        )


def test_recheck_flags_changed_facts_and_blocks_approval(world) -> None:
    programme = longevity()
    elder = elder_born(D(1940, 1, 1))
    roll = actions.payment_roll_generate(
        programme=programme, area=world.areas.street_a, month=D(2026, 3, 1), actor=world.alice
    )
    line = RollLine.objects.get(roll=roll)
    assert (line.fact_age, line.fact_status, line.fact_hukou_local) == (86, "living", True)
    elder.hukou_local = False
    elder.save()
    line.refresh_from_db()
    assert line.fact_hukou_local is True  # frozen
    actions.payment_roll_review(roll=roll, street=world.areas.street_a, actor=world.bob)
    actions.payment_roll_recheck(roll=roll, actor=world.alice)
    line.refresh_from_db()
    assert line.flagged and line.flag_reason == "户籍已变更"
    with pytest.raises(ValidationError, match="复核资格：有 1 条"):
        actions.payment_roll_approve(roll=roll, actor=world.alice)
    actions.roll_line_exclude(line=line, reason="户籍迁出本区", actor=world.bob)
    roll.refresh_from_db()
    assert roll.total_amount == 0
    actions.payment_roll_approve(roll=roll, actor=world.alice)


def test_differences_from_last_month(world) -> None:
    programme = longevity()
    same = elder_born(D(1940, 1, 1))
    turning_90 = elder_born(D(1936, 4, 10))
    dies = elder_born(D(1940, 1, 1))
    march = actions.payment_roll_generate(
        programme=programme, area=world.areas.district, month=D(2026, 3, 1), actor=world.alice
    )
    approve(world, march)
    dies.status, dies.status_date = "deceased", D(2026, 3, 15)
    dies.save()
    newcomer = elder_born(D(1946, 4, 2))
    april = actions.payment_roll_generate(
        programme=programme, area=world.areas.district, month=D(2026, 4, 1), actor=world.alice
    )
    lines = {line.elder_id: line for line in RollLine.objects.filter(roll=april)}
    assert lines[same.pk].change_type == "continued"
    assert (lines[turning_90.pk].change_type, lines[turning_90.pk].reason, lines[turning_90.pk].amount) == (
        "changed",
        "年龄档变化",
        Decimal("500"),
    )
    assert (lines[dies.pk].change_type, lines[dies.pk].reason, lines[dies.pk].amount) == (
        "stopped",
        "死亡",
        0,
    )
    assert (lines[newcomer.pk].change_type, lines[newcomer.pk].reason) == ("new", "新纳入")
    assert april.counts["stopped"] == 1 and april.line_count == 3


def test_qualification_lapse_suspends_and_certifying_pays_arrears(world) -> None:
    programme = longevity(requires_qualification_check=True)
    elder = elder_born(D(1940, 1, 1))
    actions.qualification_certify(elder=elder, certified_on=D(2025, 3, 10), channel="video", actor=world.bob)
    approve(
        world,
        actions.payment_roll_generate(
            programme=programme, area=world.areas.district, month=D(2026, 3, 1), actor=world.alice
        ),
    )
    # The check expired on 2026-03-09: from April the elder is suspended.
    april = actions.payment_roll_generate(
        programme=programme, area=world.areas.district, month=D(2026, 4, 1), actor=world.alice
    )
    suspension = Suspension.objects.get(elder=elder)
    assert suspension.from_month == D(2026, 4, 1) and suspension.reason == "qualification"
    line = RollLine.objects.get(roll=april, elder=elder)
    assert (line.change_type, line.reason) == ("stopped", "暂停发放")
    approve(world, april)
    approve(
        world,
        actions.payment_roll_generate(
            programme=programme, area=world.areas.district, month=D(2026, 5, 1), actor=world.alice
        ),
    )
    actions.qualification_certify(elder=elder, certified_on=D(2026, 6, 3), channel="home", actor=world.dave)
    suspension.refresh_from_db()
    assert suspension.resumed_month == D(2026, 6, 1)
    june = actions.payment_roll_generate(
        programme=programme, area=world.areas.district, month=D(2026, 6, 1), actor=world.alice
    )
    line = RollLine.objects.get(roll=june, elder=elder)
    assert (line.change_type, line.base_amount, line.arrears_amount, line.amount, line.months_covered) == (
        "arrears",
        Decimal("100"),
        Decimal("200"),
        Decimal("300"),
        3,
    )
    assert line.reason == "恢复发放，补发2个月"
    assert sorted(line.arrears_months.values_list("month", flat=True)) == [D(2026, 4, 1), D(2026, 5, 1)]
    # Regenerating June does not pay the arrears twice.
    june = actions.payment_roll_generate(
        programme=programme, area=world.areas.district, month=D(2026, 6, 1), actor=world.alice
    )
    assert RollLine.objects.get(roll=june, elder=elder).arrears_amount == Decimal("200")


def test_service_subsidy_by_certification_month(world) -> None:
    programme = service_subsidy()
    dibao = elder_born(D(1950, 1, 1))
    certify(dibao, "dibao", D(2026, 3, 20), D(2026, 5, 10))
    dibian = elder_born(D(1950, 1, 1))
    certify(dibian, "dibian", D(2025, 1, 1))
    for month, expected in (
        (D(2026, 2, 1), None),
        (D(2026, 3, 1), "300"),
        (D(2026, 5, 1), "300"),
        (D(2026, 6, 1), None),
    ):
        roll = actions.payment_roll_generate(
            programme=programme, area=world.areas.district, month=month, actor=world.alice
        )
        lines = {line.elder_id: line.amount for line in RollLine.objects.filter(roll=roll, amount__gt=0)}
        assert lines.get(dibao.pk) == (Decimal(expected) if expected else None)
        assert lines[dibian.pk] == Decimal("200")


def test_care_subsidy_follows_assessment_in_force(world) -> None:
    from yiyang.assessments.models import Assessment

    programme = care_subsidy()
    elder = elder_born(D(1940, 1, 1))
    Assessment.objects.create(
        elder=elder,
        assessed_on=D(2025, 6, 15),
        valid_to=D(2026, 6, 14),
        assessor_name="王",
        organisation="中心",
        final_level=3,
        status="confirmed",
    )
    Assessment.objects.create(
        elder=elder,
        assessed_on=D(2025, 1, 5),
        valid_to=D(2026, 1, 4),
        assessor_name="王",
        organisation="中心",
        final_level=1,
        status="confirmed",
    )
    Assessment.objects.create(  # a draft never counts
        elder=elder,
        assessed_on=D(2026, 1, 5),
        assessor_name="王",
        organisation="中心",
        final_level=4,
        status="draft",
    )
    for month, expected in (
        (D(2025, 5, 1), None),
        (D(2025, 6, 1), "400"),
        (D(2026, 6, 1), "400"),
        (D(2026, 7, 1), None),
    ):
        roll = actions.payment_roll_generate(
            programme=programme, area=world.areas.district, month=month, actor=world.alice
        )
        lines = {line.elder_id: line.amount for line in RollLine.objects.filter(roll=roll, amount__gt=0)}
        assert lines.get(elder.pk) == (Decimal(expected) if expected else None), month


def test_budget_warning_before_approval(world) -> None:
    programme = longevity()
    elder_born(D(1940, 1, 1))
    Budget.objects.create(programme=programme, area=world.areas.street_a, year=2026, amount=Decimal("50"))
    roll = actions.payment_roll_generate(
        programme=programme, area=world.areas.district, month=D(2026, 3, 1), actor=world.alice
    )
    actions.payment_roll_recheck(roll=roll, actor=world.alice)
    actions.payment_roll_review(roll=roll, street=world.areas.street_a, actor=world.bob)
    status = actions.budget_status(roll)
    assert status[0]["over"] and status[0]["remaining"] == Decimal("-50")
    with pytest.raises(actions.BudgetExceeded):
        actions.payment_roll_approve(roll=roll, actor=world.alice)
    roll = actions.payment_roll_approve(roll=roll, actor=world.alice, confirm_over_budget=True)
    assert actions.budget_status(roll)[0]["spent"] == Decimal("0")  # this roll is shown separately


def test_budgets_add_up_the_approved_rolls_street_by_street(world, django_assert_max_num_queries) -> None:
    """Spending read from the rolls' kept amounts equals the sum of their lines, street by street;
    the reading costs the same few queries however many months were approved."""
    programme = longevity()
    elder_born(D(1940, 1, 1))
    elder_born(D(1935, 1, 1), area=world.areas.community_b1)
    for street in (world.areas.street_a, world.areas.street_b):
        Budget.objects.create(programme=programme, area=street, year=2026, amount=Decimal("10000"))
    for month in (1, 2, 3):
        roll = actions.payment_roll_generate(
            programme=programme, area=world.areas.district, month=D(2026, month, 1), actor=world.alice
        )
        approve(world, roll)
    draft = actions.payment_roll_generate(
        programme=programme, area=world.areas.district, month=D(2026, 4, 1), actor=world.alice
    )
    # an approved roll from before the amounts were kept is read from its lines
    old = roll.__class__.objects.get(programme=programme, month=D(2026, 1, 1))
    del old.counts["street_amounts"]
    old.save(update_fields=["counts"])

    with django_assert_max_num_queries(4):
        status = {row["area"].path: row for row in actions.budget_status(draft)}
    for street in (world.areas.street_a, world.areas.street_b):
        lines = RollLine.objects.filter(programme=programme, area_path__startswith=street.path)
        approved = sum(line.amount for line in lines.filter(month__lt=D(2026, 4, 1)))
        this = sum(line.amount for line in lines.filter(roll=draft))
        assert approved > 0 and this > 0
        assert status[street.path]["spent"] == approved
        assert status[street.path]["this"] == this
        assert status[street.path]["remaining"] == Decimal("10000") - approved - this


def test_rate_change_cannot_touch_approved_months(world) -> None:
    programme = longevity()
    elder_born(D(1940, 1, 1))
    approve(
        world,
        actions.payment_roll_generate(
            programme=programme, area=world.areas.district, month=D(2026, 7, 1), actor=world.alice
        ),
    )
    rule = programme.rates.get(age_from=80)
    with pytest.raises(ValidationError, match="已审批"):
        actions.rate_change(rule=rule, amount=Decimal("150"), valid_from=D(2026, 7, 1), actor=world.alice)
    with pytest.raises(ValidationError, match="1日"):
        actions.rate_change(rule=rule, amount=Decimal("150"), valid_from=D(2026, 8, 15), actor=world.alice)
    with pytest.raises(PermissionDenied):
        actions.rate_change(rule=rule, amount=Decimal("150"), valid_from=D(2026, 8, 1), actor=world.bob)
    actions.rate_change(rule=rule, amount=Decimal("150"), valid_from=D(2026, 8, 1), actor=world.alice)


def test_public_list_and_bank_file(world) -> None:
    programme = longevity()
    elder = elder_born(D(1940, 1, 1), name="张小三")
    actions.bank_account_save(
        elder=elder, bank_name="农商银行", holder_name="张小三", number="6228480012345678901", actor=world.bob
    )
    roll = actions.payment_roll_generate(
        programme=programme, area=world.areas.district, month=D(2026, 3, 1), actor=world.alice
    )
    with pytest.raises(ValidationError):
        documents.bank_file(roll=roll, actor=world.alice)
    roll = approve(world, roll)
    content = documents.public_list_print(roll=roll, actor=world.alice)
    assert isinstance(content, bytes)
    html = documents.public_list_html(roll)
    assert "张*三" in html and "张小三" not in html and elder.id_number not in html
    assert content.startswith(b"%PDF")
    data, _, _name = documents.bank_file(roll=roll, actor=world.alice, fmt="csv")
    text = data.decode("utf-8-sig")
    # The bank pays people: full account and ID numbers, always, and logged.
    assert "6228480012345678901" in text and elder.id_number in text
    log = AccessLog.objects.get(kind="export", object_type="benefits.paymentroll")
    assert log.fields == ["身份证号", "账号"] and log.reason == "银行代发文件"
    with pytest.raises(PermissionDenied):
        documents.bank_file(roll=roll, actor=world.bob)
    assert elder.bank_account.account_masked == "6228***********8901"


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张*"), ("张小三", "张*三"), ("欧阳小华", "欧阳*华"), ("李", "李"), ("司马相如", "司马*如")],
)
def test_mask_name(name: str, masked: str) -> None:
    assert documents.mask_name(name) == masked


def test_street_worker_sees_district_roll_but_only_own_lines(client, world) -> None:
    from django.urls import reverse

    programme = longevity()
    mine = elder_born(D(1940, 1, 1), name="金沙甲")
    elder_born(D(1940, 1, 1), name="兴东乙", area=world.areas.community_b1)
    roll = actions.payment_roll_generate(
        programme=programme, area=world.areas.district, month=D(2026, 3, 1), actor=world.alice
    )
    client.force_login(world.bob)
    body = client.get(reverse("benefits:paymentroll_detail", args=[roll.pk])).content.decode()
    assert mine.name in body and "兴东乙" not in body
    response = client.post(
        reverse("benefits:paymentroll_action", args=[roll.pk, "review"]),
        {"street": world.areas.street_a.path},
    )
    assert response.status_code == 302
    assert roll.reviews.filter(street=world.areas.street_a).exists()
