"""Manual interventions: suspending and resuming payment, and adjustments (补发 / 扣减 / 更正) that
correct an approved month from a later draft roll — actions, pages, scope and audit."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from yiyang.areas.models import Area
from yiyang.benefits import actions, documents
from yiyang.benefits.models import ElderBankAccount, PaymentRoll, Programme, RollLine, Suspension
from yiyang.benefits.tests.factories import elder_born, longevity
from yiyang.benefits.tests.test_workflow import approve
from yiyang.core.models import AuditEntry
from yiyang.core.testing import AccessMatrix, Endpoint, World, matrix_cases
from yiyang.people.models import Elder

D = datetime.date
pytestmark = pytest.mark.django_db
MARCH, APRIL, MAY = D(2026, 3, 1), D(2026, 4, 1), D(2026, 5, 1)


def _programme() -> Programme:
    return Programme.objects.filter(code="gaoling").first() or longevity()


def generate(world: World, month: datetime.date, area: Area | None = None) -> PaymentRoll:
    return actions.payment_roll_generate(
        programme=_programme(), area=area or world.areas.district, month=month, actor=world.alice
    )


def paid_march_draft_april(world: World) -> tuple[Elder, PaymentRoll, PaymentRoll]:
    """An 86-year-old paid 100 in an approved March roll; April is a draft."""
    elder = elder_born(D(1940, 1, 1))
    march = approve(world, generate(world, MARCH))
    return elder, march, generate(world, APRIL)


# -- suspensions: actions -------------------------------------------------------------------------------


def test_manual_suspension_stops_payment_and_resuming_restarts_it(world: World) -> None:
    programme = _programme()
    elder = elder_born(D(1940, 1, 1))
    suspension = actions.suspension_create(
        elder=elder,
        programme=programme,
        from_month=D(2026, 3, 15),
        pays_arrears=False,
        notice="家属报告长期出国，待核实",
        actor=world.bob,
    )
    assert suspension.from_month == MARCH and suspension.reason == "manual"
    entry = AuditEntry.objects.get(verb="suspension.create")
    assert entry.subject_id == elder.pk and entry.message == "家属报告长期出国，待核实"
    march = generate(world, MARCH)
    assert march.line_count == 0
    approve(world, march)
    actions.suspension_resume(suspension=suspension, month=APRIL, actor=world.bob, note="已回国")
    april = generate(world, APRIL)
    line = RollLine.objects.get(roll=april, elder=elder)
    # Not paid back: this suspension said so.
    assert (line.change_type, line.reason, line.amount) == ("new", "新纳入", Decimal("100.00"))
    assert AuditEntry.objects.filter(verb="suspension.resume", subject_id=elder.pk).exists()


def test_suspension_that_pays_arrears_pays_the_months_back(world: World) -> None:
    elder = elder_born(D(1940, 1, 1))
    suspension = actions.suspension_create(
        elder=elder, programme=None, from_month=MARCH, pays_arrears=True, notice="待核实", actor=world.bob
    )
    approve(world, generate(world, MARCH))
    actions.suspension_resume(suspension=suspension, month=APRIL, actor=world.bob)
    line = RollLine.objects.get(roll=generate(world, APRIL), elder=elder)
    assert (line.change_type, line.arrears_amount, line.amount) == ("arrears", Decimal("100"), Decimal("200"))


def test_suspension_rules(world: World) -> None:
    elder, march, _april = paid_march_draft_april(world)
    programme = _programme()
    with pytest.raises(ValidationError, match="暂停原因"):
        actions.suspension_create(
            elder=elder, programme=programme, from_month=MAY, pays_arrears=False, notice=" ", actor=world.bob
        )
    with pytest.raises(ValidationError, match="已审批") as exc:  # March is paid: suspend from April on
        actions.suspension_create(
            elder=elder,
            programme=programme,
            from_month=MARCH,
            pays_arrears=False,
            notice="x",
            actor=world.bob,
        )
    assert "2026年4月起" in str(exc.value)
    with pytest.raises(PermissionDenied):  # another street
        actions.suspension_create(
            elder=elder,
            programme=programme,
            from_month=MAY,
            pays_arrears=False,
            notice="x",
            actor=world.carol,
        )
    with pytest.raises(PermissionDenied):  # community workers certify but do not suspend
        actions.suspension_create(
            elder=elder, programme=programme, from_month=MAY, pays_arrears=False, notice="x", actor=world.dave
        )
    s = actions.suspension_create(
        elder=elder, programme=None, from_month=MAY, pays_arrears=False, notice="x", actor=world.bob
    )
    with pytest.raises(ValidationError, match="暂停中"):
        actions.suspension_create(
            elder=elder, programme=programme, from_month=MAY, pays_arrears=False, notice="y", actor=world.bob
        )
    with pytest.raises(ValidationError, match="早于"):
        actions.suspension_resume(suspension=s, month=APRIL, actor=world.bob)
    with pytest.raises(PermissionDenied):
        actions.suspension_resume(suspension=s, month=MAY, actor=world.carol)
    actions.suspension_resume(suspension=s, month=D(2026, 6, 1), actor=world.bob)
    with pytest.raises(ValidationError, match="已恢复"):
        actions.suspension_resume(suspension=s, month=D(2026, 6, 1), actor=world.bob)
    lapsed = Suspension.objects.create(elder=elder, reason="qualification", from_month=D(2026, 7, 1))
    with pytest.raises(ValidationError, match="资格认证"):
        actions.suspension_resume(suspension=lapsed, month=D(2026, 8, 1), actor=world.bob)
    assert march.status == "approved"


# -- suspensions: pages -------------------------------------------------------------------------------------


def test_suspension_pages(client: Client, world: World) -> None:
    elder = elder_born(D(1940, 1, 1))
    client.force_login(world.bob)
    page = client.get(reverse("people:elder_detail", args=[elder.pk])).content.decode()
    add_url = reverse("benefits:suspension_add", args=[elder.pk])
    assert add_url in page and "补贴调整" in page
    assert "暂停原因" in client.get(add_url).content.decode()
    response = client.post(add_url, {"programme": "", "from_month": "2026-05", "notice": "   "})
    assert response.status_code == 200 and "该字段是必填项" in response.content.decode()
    response = client.post(add_url, {"programme": "", "from_month": "2026-05", "notice": "待核实居住情况"})
    assert response.status_code == 302
    suspension = Suspension.objects.get(elder=elder)
    assert (suspension.from_month, suspension.programme, suspension.pays_arrears) == (MAY, None, False)
    listing = client.get(reverse("benefits:suspension_list")).content.decode()
    resume_url = reverse("benefits:suspension_resume", args=[suspension.pk])
    assert resume_url in listing
    response = client.post(resume_url, {"month": "2026-04"})
    assert response.status_code == 200 and "早于" in response.content.decode()
    assert client.post(resume_url, {"month": "2026-07", "note": "已核实"}).status_code == 302
    suspension.refresh_from_db()
    assert suspension.resumed_month == D(2026, 7, 1)
    assert resume_url not in client.get(reverse("benefits:suspension_list")).content.decode()
    # Read-only roles see neither the button nor the pages.
    client.force_login(world.grace)
    page = client.get(reverse("people:elder_detail", args=[elder.pk])).content.decode()
    assert add_url not in page and "补贴调整" not in page
    assert client.get(add_url).status_code == 403
    assert resume_url not in client.get(reverse("benefits:suspension_list")).content.decode()


# -- adjustments: actions -----------------------------------------------------------------------------------


def test_deduction_and_correction_of_an_approved_month(world: World) -> None:
    elder, march, april = paid_march_draft_april(world)
    with pytest.raises(ValidationError, match="已审批，不能再修改"):  # an approved roll never changes
        actions.roll_adjustment_add(
            roll=march,
            elder=elder,
            kind="deduction",
            corrects_month=D(2026, 2, 1),
            amount=Decimal("10"),
            reason="x",
            actor=world.alice,
        )
    line = actions.roll_adjustment_add(
        roll=april,
        elder=elder,
        kind="deduction",
        corrects_month=MARCH,
        amount=Decimal("30"),
        reason="3月按90岁档多发",
        actor=world.bob,
    )
    assert (line.amount, line.change_type, line.adjustment_kind, line.corrects_month) == (
        Decimal("-30"),
        "adjustment",
        "deduction",
        MARCH,
    )
    assert line.reason == "扣减2026年3月：3月按90岁档多发"
    april.refresh_from_db()
    assert april.total_amount == Decimal("70.00") and april.counts["adjustment"] == 1
    entry = AuditEntry.objects.get(verb="rollline.adjustment")
    assert entry.subject_id == elder.pk and entry.actor == world.bob
    with pytest.raises(ValidationError, match="不能为负数"):  # 100 paid, 30 deducted: 70 left
        actions.roll_adjustment_add(
            roll=april,
            elder=elder,
            kind="correction",
            corrects_month=MARCH,
            amount=Decimal("-80"),
            reason="x",
            actor=world.bob,
        )
    with pytest.raises(ValidationError, match="不能补发"):
        actions.roll_adjustment_add(
            roll=april,
            elder=elder,
            kind="arrears",
            corrects_month=MARCH,
            amount=Decimal("100"),
            reason="x",
            actor=world.bob,
        )
    with pytest.raises(ValidationError, match="没有已审批的花名册"):
        actions.roll_adjustment_add(
            roll=april,
            elder=elder,
            kind="correction",
            corrects_month=D(2026, 2, 1),
            amount=Decimal("5"),
            reason="x",
            actor=world.bob,
        )
    with pytest.raises(ValidationError, match="之前的月份"):
        actions.roll_adjustment_add(
            roll=april,
            elder=elder,
            kind="correction",
            corrects_month=APRIL,
            amount=Decimal("5"),
            reason="x",
            actor=world.bob,
        )
    with pytest.raises(PermissionDenied):
        actions.roll_adjustment_add(
            roll=april,
            elder=elder,
            kind="correction",
            corrects_month=MARCH,
            amount=Decimal("5"),
            reason="x",
            actor=world.carol,
        )
    up = actions.roll_adjustment_add(
        roll=april,
        elder=elder,
        kind="correction",
        corrects_month=MARCH,
        amount=Decimal("20"),
        reason="更正扣减金额",
        actor=world.bob,
    )
    assert actions.month_paid(elder=elder, programme=march.programme, month=MARCH) == (
        Decimal("100"),
        Decimal("90"),
    )
    # Regenerating the draft recomputes the lines but keeps the worker's adjustments.
    april = generate(world, APRIL)
    assert set(
        RollLine.objects.filter(roll=april, change_type="adjustment").values_list("pk", flat=True)
    ) == {
        line.pk,
        up.pk,
    }
    assert april.total_amount == Decimal("90.00")
    actions.roll_adjustment_delete(line=up, actor=world.bob)
    april.refresh_from_db()
    assert april.total_amount == Decimal("70.00")
    assert AuditEntry.objects.filter(verb="rollline.adjustment_delete", subject_id=elder.pk).exists()
    approve(world, april)
    with pytest.raises(ValidationError, match="已审批"):
        actions.roll_adjustment_delete(line=line, actor=world.bob)


def test_arrears_for_an_unpaid_month_and_deduction_limited_to_this_roll(world: World) -> None:
    elder = elder_born(D(1940, 1, 1))
    left_out = elder_born(D(1940, 1, 1))
    march = generate(world, MARCH)
    actions.roll_line_exclude(
        line=RollLine.objects.get(roll=march, elder=left_out), reason="待核实", actor=world.bob
    )
    approve(world, march)
    left_out.status, left_out.status_date = "moved", D(2026, 3, 20)  # not paid in April
    left_out.save()
    april = generate(world, APRIL)
    arrears = actions.roll_adjustment_add(
        roll=april,
        elder=left_out,
        kind="arrears",
        corrects_month=MARCH,
        amount=Decimal("100"),
        reason="核实后补发",
        actor=world.bob,
    )
    assert arrears.amount == Decimal("100")
    with pytest.raises(ValidationError, match="不能补发"):  # paid once already (by the adjustment)
        actions.roll_adjustment_add(
            roll=april,
            elder=left_out,
            kind="arrears",
            corrects_month=MARCH,
            amount=Decimal("100"),
            reason="重复",
            actor=world.bob,
        )
    with pytest.raises(ValidationError, match="补发、扣减金额请填正数"):
        actions.roll_adjustment_add(
            roll=april,
            elder=elder,
            kind="deduction",
            corrects_month=MARCH,
            amount=Decimal("-5"),
            reason="x",
            actor=world.bob,
        )
    # 100 is paid to ``elder`` in April: a deduction of more cannot be netted, it is a recovery.
    extra = approve(world, april)
    may = generate(world, MAY)
    assert extra.status == "approved"
    with pytest.raises(ValidationError, match="追回"):
        actions.roll_adjustment_add(
            roll=may,
            elder=left_out,  # moved away: nothing paid to them in May
            kind="deduction",
            corrects_month=MARCH,
            amount=Decimal("10"),
            reason="x",
            actor=world.bob,
        )


def test_bank_file_nets_a_deduction_into_the_payment(world: World) -> None:
    elder, _march, april = paid_march_draft_april(world)
    account = ElderBankAccount(elder=elder, bank_name="农商银行", holder_name=elder.name)
    account.set_account("6228480012345678901")
    account.save()
    actions.roll_adjustment_add(
        roll=april,
        elder=elder,
        kind="deduction",
        corrects_month=MARCH,
        amount=Decimal("40"),
        reason="多发",
        actor=world.bob,
    )
    april = approve(world, april)
    content, _type, _name = documents.bank_file(roll=april, actor=world.alice, fmt="csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == 2  # header + one payment: the deduction is no row of its own
    assert rows[1][6] == "60.00" and "已扣减 40.00" in rows[1][9]


# -- adjustments: pages -----------------------------------------------------------------------------------


def test_adjustment_pages(client: Client, world: World) -> None:
    elder, march, april = paid_march_draft_april(world)
    client.force_login(world.bob)
    # From a line of the approved March roll: the 更正 link fixes person, programme and month.
    detail = client.get(march.get_absolute_url()).content.decode()
    link = (
        f"{reverse('benefits:adjustment_add')}?elder={elder.pk}&programme={march.programme_id}&month=2026-03"
    )
    assert link in detail
    url = (
        reverse("benefits:adjustment_add") + f"?elder={elder.pk}&programme={march.programme_id}&month=2026-03"
    )
    page = client.get(url).content.decode()
    assert 'value="2026-03"' in page and str(april) in page and "近期发放记录" in page
    response = client.post(
        url,
        {
            "roll": april.pk,
            "kind": "deduction",
            "corrects_month": "2026-03",
            "amount": "500",
            "reason": "多发",
        },
    )
    assert response.status_code == 200 and "不能为负数" in response.content.decode()
    response = client.post(
        url,
        {
            "roll": april.pk,
            "kind": "deduction",
            "corrects_month": "2026-03",
            "amount": "25",
            "reason": "多发",
        },
    )
    assert response.status_code == 302 and response["Location"].startswith(april.get_absolute_url())
    line = RollLine.objects.get(roll=april, change_type="adjustment")
    assert line.amount == Decimal("-25")
    # The draft roll's page offers 增加调整 and 撤销调整; the list shows the line.
    detail = client.get(april.get_absolute_url() + "?change_type=adjustment").content.decode()
    assert reverse("benefits:adjustment_delete", args=[line.pk]) in detail and "增加调整" in detail
    assert "扣减2026年3月：多发" in client.get(reverse("benefits:adjustment_list")).content.decode()
    # Without a fixed elder the form asks for the ID number.
    response = client.post(
        reverse("benefits:adjustment_add"),
        {
            "roll": april.pk,
            "id_number": elder.id_number,
            "kind": "correction",
            "corrects_month": "2026-03",
            "amount": "5",
            "reason": "找零",
        },
    )
    assert response.status_code == 302
    assert client.post(reverse("benefits:adjustment_delete", args=[line.pk])).status_code == 302
    assert not RollLine.objects.filter(pk=line.pk).exists()
    # Street B: not their elder, not their line.
    client.force_login(world.carol)
    assert client.get(url).status_code == 404
    other = RollLine.objects.get(roll=april, change_type="adjustment")
    assert client.post(reverse("benefits:adjustment_delete", args=[other.pk])).status_code == 404
    assert "找零" not in client.get(reverse("benefits:adjustment_list")).content.decode()
    # An auditor reads, but neither adds nor removes.
    client.force_login(world.grace)
    assert client.get(url).status_code == 403
    assert "找零" in client.get(reverse("benefits:adjustment_list")).content.decode()


# -- the access matrix for the new pages -----------------------------------------------------------------


def make_adjustment(world: World, area: Area) -> RollLine:
    """An adjustment line (written directly: the matrix is about who may open what)."""
    elder = elder_born(D(1940, 1, 1), area=area)
    roll = PaymentRoll.objects.create(programme=_programme(), area=area.parent or area, month=MAY)
    return RollLine.objects.create(
        roll=roll,
        programme=roll.programme,
        month=MAY,
        elder=elder,
        base_amount=0,
        amount=Decimal("10"),
        change_type="adjustment",
        adjustment_kind="arrears",
        corrects_month=MARCH,
        reason=f"补发2026年3月：矩阵{elder.pk}",
        area_path=elder.area_path,
    )


def make_suspension(world: World, area: Area) -> Suspension:
    return Suspension.objects.create(
        elder=elder_born(D(1940, 1, 1), area=area), reason="manual", from_month=MAY, notice="矩阵"
    )


MATRICES: dict[str, AccessMatrix] = {
    "adjustment": AccessMatrix.standard(
        RollLine,
        make_adjustment,
        list_url="benefits:adjustment_list",
        marker=lambda line: line.reason,
        extra=[
            Endpoint(
                "add-for-elder",
                lambda line: reverse("benefits:adjustment_add") + f"?elder={line.elder_id}",
                action="change",
                model=PaymentRoll,
            ),
        ],
    ),
    "suspension": AccessMatrix(
        Suspension,
        make_suspension,
        [
            Endpoint("add", lambda s: reverse("benefits:suspension_add", args=[s.elder_id]), action="add"),
            Endpoint("resume", lambda s: reverse("benefits:suspension_resume", args=[s.pk]), action="change"),
        ],
    ),
}
CASES = matrix_cases(MATRICES)


@pytest.mark.parametrize(("key", "who", "endpoint"), CASES)
def test_access(client: Client, world: World, key: str, who: str, endpoint: str) -> None:
    MATRICES[key].check(client, world, who, endpoint)
