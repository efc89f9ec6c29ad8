"""The adaptation lifecycle against the real database: enrolment from the registry, survey within the
cap, approval, contractor, photos, completion, acceptance (devices into safety), payment, the use check
and opt-outs; each refusal with its reason, each repeat doubling nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yiyang.adaptation import actions
from yiyang.adaptation.choices import Acceptor, PhotoStage, Status
from yiyang.adaptation.demo import ensure_rules, png
from yiyang.adaptation.models import CatalogueItem, Photo, Project, add_months
from yiyang.adaptation.tests.factories import make_contractor, make_project
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import grant_membership
from yiyang.core.testing import World, make_user
from yiyang.people.choices import ElderStatus
from yiyang.people.tests.factories import CertificationFactory, ElderFactory
from yiyang.people.timeline import elder_timeline
from yiyang.safety.models import Device

pytestmark = pytest.mark.django_db


def certified(area: Any, category: str, **extra: Any) -> Any:
    elder = ElderFactory.create(area=area, **extra)
    CertificationFactory.create(elder=elder, category=category)
    return elder


def test_enrolment_takes_the_streets_eligible_households_once(world: World) -> None:
    ensure_rules()
    a1 = world.areas.community_a1
    wanted = {certified(a1, c).pk: c for c in ("dibao", "dibian", "sanlao", "tekun")}
    certified(a1, "jisheng")  # not a category adapted at public cost
    ElderFactory.create(area=a1)  # no certification
    certified(a1, "dibao", status=ElderStatus.DECEASED)
    certified(world.areas.community_b1, "dibao")  # street B: not bob's
    made = actions.project_enrol_eligible(area=world.areas.street_a, actor=world.bob)
    assert made == 4
    rows = {p.elder_id: p for p in Project.objects.all()}
    assert {k: v.category for k, v in rows.items()} == wanted
    assert rows[next(k for k, v in wanted.items() if v == "dibao")].cap == Decimal("3500.00")
    assert rows[next(k for k, v in wanted.items() if v == "sanlao")].cap == Decimal("3000.00")
    assert actions.project_enrol_eligible(area=world.areas.street_a, actor=world.bob) == 0
    assert Project.objects.count() == 4
    assert AuditEntry.objects.filter(verb="project.enrol").count() == 2


def test_enrolment_outside_ones_area_is_refused(world: World) -> None:
    ensure_rules()
    with pytest.raises(ValidationError, match="不在您的管辖范围"):
        actions.project_enrol_eligible(area=world.areas.street_b, actor=world.bob)
    with pytest.raises(PermissionDenied):
        actions.project_enrol_eligible(area=world.areas.street_a, actor=world.dave)  # a community: no enrol


def test_a_dibao_household_from_survey_to_payment_and_its_call_device_in_safety(world: World) -> None:
    ensure_rules()
    elder = certified(world.areas.community_a1, "dibao")
    actions.project_enrol_eligible(area=world.areas.street_a, actor=world.bob)
    project = Project.objects.get(elder=elder)
    items = {i.code: i for i in CatalogueItem.objects.all()}
    plan = [actions.PlanItem(items["A01"], 2), actions.PlanItem(items["A03"], 4), actions.PlanItem(items["A04"], 2),
            actions.PlanItem(items["A05"], 1), actions.PlanItem(items["A07"], 1)]  # fmt: skip
    today = timezone.localdate()
    actions.project_survey(project=project, surveyed_on=today, surveyor="李网格", note="卫生间湿滑", items=plan,
                           actor=world.dave)  # fmt: skip
    assert project.status == Status.SURVEYED
    assert project.plan_total == Decimal("360") + Decimal("340") + Decimal("90") + Decimal("120") + Decimal(
        "380"
    )
    actions.project_approve(project=project, actor=world.bob)
    contractor = make_contractor()
    actions.project_assign(project=project, contractor=contractor, actor=world.bob)
    worker = make_user("shigong", "contractor")
    grant_membership(worker, contractor)
    actions.project_add_photo(project=project, stage=PhotoStage.BEFORE, content=png(1), actor=worker)
    actions.project_add_photo(project=project, stage=PhotoStage.AFTER, content=png(2), actor=worker)
    line = project.lines.get(item__code="A07")
    actions.project_finish_works(
        project=project, finished_on=today, serials={line.pk: "SOS-0001"}, actor=worker
    )
    assert project.status == Status.WORKS_DONE
    actions.project_accept(project=project, elder_signed=True, acceptor=Acceptor.THIRD_PARTY,
                           acceptor_name="通州质检中心", accepted_on=today, note="合格", actor=world.bob)  # fmt: skip
    device = Device.objects.for_user(world.bob).get(serial="SOS-0001")
    assert (device.elder_id, device.kind, device.installer) == (elder.pk, "sos_button", contractor.name)
    assert project.use_check_from == add_months(today, 3) and project.use_check_to == add_months(today, 6)
    actions.project_pay(
        project=project, amount=project.plan_total, paid_on=today, reference="FK1", actor=world.bob
    )
    assert project.status == Status.PAID and project.paid_amount == project.plan_total
    verbs = set(AuditEntry.objects.filter(object_type="adaptation.project").values_list("verb", flat=True))
    assert {"project.survey", "project.approve", "project.assign", "project.photo", "project.finish",
            "project.accept", "project.pay"} <= verbs  # fmt: skip
    events = [e.title for e in elder_timeline(elder, world.bob)]
    assert any("适老化改造" in t and "已付款" in t for t in events)
    assert any("改造验收通过" in t for t in events)


def test_payment_is_refused_before_acceptance_above_the_cap_and_twice(world: World) -> None:
    project = make_project(world.areas.community_a1, upto="works_done")
    with pytest.raises(ValidationError, match="尚未验收"):
        actions.project_pay(project=project, amount=Decimal("100"), paid_on=timezone.localdate(), reference="",
                            actor=world.bob)  # fmt: skip
    project = make_project(world.areas.community_a1, upto="accepted")
    with pytest.raises(ValidationError, match=r"超过每户补助上限 3,500\.00 元"):
        actions.project_pay(project=project, amount=Decimal("3600"), paid_on=timezone.localdate(), reference="",
                            actor=world.bob)  # fmt: skip
    with pytest.raises(ValidationError, match="超过验收的方案金额"):
        actions.project_pay(project=project, amount=project.plan_total + 1, paid_on=timezone.localdate(),
                            reference="", actor=world.bob)  # fmt: skip
    project.refresh_from_db()
    assert project.status == Status.ACCEPTED and project.paid_amount is None
    actions.project_pay(project=project, amount=project.plan_total, paid_on=timezone.localdate(), reference="",
                        actor=world.bob)  # fmt: skip
    with pytest.raises(ValidationError, match="不能重复付款"):
        actions.project_pay(project=project, amount=Decimal("1"), paid_on=timezone.localdate(), reference="",
                            actor=world.bob)  # fmt: skip
    project.refresh_from_db()
    assert project.paid_amount == project.plan_total


def test_a_plan_over_the_cap_is_refused_and_nothing_saved(world: World) -> None:
    project = make_project(world.areas.community_a1, category="sanlao")
    items = {i.code: i for i in CatalogueItem.objects.all()}
    with pytest.raises(ValidationError, match=r"方案金额 3,800\.00 元超过每户补助上限 3,000\.00 元"):
        actions.project_survey(project=project, surveyed_on=timezone.localdate(), surveyor="李", note="",
                               items=[actions.PlanItem(items["A07"], 10)], actor=world.dave)  # fmt: skip
    project.refresh_from_db()
    assert project.status == Status.ENROLLED and not project.lines.exists()


def test_works_need_both_photos_and_the_devices_serial(world: World) -> None:
    project = make_project(world.areas.community_a1, upto="assigned")
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="缺少施工前、施工后照片"):
        actions.project_finish_works(project=project, finished_on=today, serials={}, actor=world.bob)
    actions.project_add_photo(project=project, stage=PhotoStage.BEFORE, content=png(11), actor=world.bob)
    actions.project_add_photo(project=project, stage=PhotoStage.AFTER, content=png(12), actor=world.bob)
    with pytest.raises(ValidationError, match="设备序列号"):
        actions.project_finish_works(project=project, finished_on=today, serials={}, actor=world.bob)
    assert project.status == Status.ASSIGNED


def test_a_photo_twice_is_kept_once_and_anothers_photo_is_refused(world: World) -> None:
    first = make_project(world.areas.community_a1, upto="assigned")
    second = make_project(world.areas.community_a1, upto="assigned")
    one = actions.project_add_photo(project=first, stage=PhotoStage.BEFORE, content=png(21), actor=world.bob)
    again = actions.project_add_photo(
        project=first, stage=PhotoStage.BEFORE, content=png(21), actor=world.bob
    )
    assert one.pk == again.pk and Photo.objects.filter(project=first).count() == 1
    with pytest.raises(ValidationError, match="已用于项目"):
        actions.project_add_photo(project=second, stage=PhotoStage.BEFORE, content=png(21), actor=world.bob)
    with pytest.raises(ValidationError, match="只能上传"):
        actions.project_add_photo(
            project=second, stage=PhotoStage.BEFORE, content=b"%PDF-1.4", actor=world.bob
        )


def test_the_contractor_sees_and_works_only_its_own_jobs(world: World) -> None:
    ours, theirs = make_contractor(name="甲"), make_contractor(name="乙")
    mine = make_project(world.areas.community_a1, contractor=ours, upto="assigned")
    other = make_project(world.areas.community_b1, contractor=theirs, upto="assigned")
    waiting = make_project(world.areas.community_a1, upto="approved")
    worker = make_user("shigong", "contractor")
    grant_membership(worker, ours)
    assert list(Project.objects.for_user(worker)) == [mine]
    assert waiting not in Project.objects.for_user(worker)
    actions.project_add_photo(project=mine, stage=PhotoStage.BEFORE, content=png(31), actor=worker)
    with pytest.raises(PermissionDenied):
        actions.project_add_photo(project=other, stage=PhotoStage.BEFORE, content=png(32), actor=worker)
    with pytest.raises(PermissionDenied):
        actions.project_approve(project=waiting, actor=worker)
    accepted = make_project(world.areas.community_a1, contractor=ours, upto="accepted")
    with pytest.raises(PermissionDenied):
        actions.project_pay(project=accepted, amount=Decimal("1"), paid_on=timezone.localdate(), reference="",
                            actor=worker)  # fmt: skip


def test_acceptance_needs_the_elders_signature_and_a_third_partys_name(world: World) -> None:
    project = make_project(world.areas.community_a1, upto="works_done")
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="签字"):
        actions.project_accept(project=project, elder_signed=False, acceptor=Acceptor.STREET, acceptor_name="",
                               accepted_on=today, note="", actor=world.bob)  # fmt: skip
    with pytest.raises(ValidationError, match="验收机构"):
        actions.project_accept(project=project, elder_signed=True, acceptor=Acceptor.THIRD_PARTY, acceptor_name="",
                               accepted_on=today, note="", actor=world.bob)  # fmt: skip
    assert not Device.objects.filter(elder=project.elder).exists()


def test_opt_out_is_in_writing_and_only_before_the_works(world: World) -> None:
    project = make_project(world.areas.community_a1, upto="surveyed")
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="书面声明"):
        actions.project_opt_out(project=project, reason="institution", statement=" ", signed_on=today,
                                actor=world.dave)  # fmt: skip
    actions.project_opt_out(project=project, reason="institution", statement="已入住敬老院，自愿放弃。",
                            signed_on=today, actor=world.dave)  # fmt: skip
    assert project.status == Status.OPTED_OUT and project.opt_out_reason == "institution"
    done = make_project(world.areas.community_a1, upto="works_done")
    with pytest.raises(ValidationError, match="待验收"):
        actions.project_opt_out(project=done, reason="unwilling", statement="不要了", signed_on=today,
                                actor=world.dave)  # fmt: skip


def test_the_use_check_falls_due_three_months_after_acceptance(world: World) -> None:
    project = make_project(world.areas.community_a1, upto="paid")
    today = timezone.localdate()
    assert not project.use_check_due
    with pytest.raises(ValidationError, match="验收 3 个月后"):
        actions.project_use_check(
            project=project, checked_on=today, result="in_use", note="", actor=world.dave
        )
    accepted = add_months(today, -4)
    Project.objects.filter(pk=project.pk).update(
        accepted_on=accepted, use_check_from=add_months(accepted, 3), use_check_to=add_months(accepted, 6)
    )
    project.refresh_from_db()
    assert project.use_check_due and not project.use_check_overdue
    actions.project_use_check(
        project=project, checked_on=today, result="in_use", note="扶手每天用", actor=world.dave
    )
    assert project.use_checked_on == today and not project.use_check_due
    with pytest.raises(ValidationError, match="已于"):
        actions.project_use_check(
            project=project, checked_on=today, result="in_use", note="", actor=world.dave
        )


def test_an_application_twice_finds_the_same_project(world: World) -> None:
    ensure_rules()
    elder = ElderFactory.create(area=world.areas.community_a1)
    first = actions.project_apply(elder=elder, note="家属申请", actor=world.dave)
    assert first.category == "application" and first.cap == Decimal("3000.00")
    assert actions.project_apply(elder=elder, note="再次申请", actor=world.dave).pk == first.pk
    assert Project.objects.filter(elder=elder).count() == 1


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 1, 31), 3, datetime.date(2026, 4, 30)),
        (datetime.date(2026, 11, 30), 3, datetime.date(2027, 2, 28)),
        (datetime.date(2027, 11, 30), 3, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 6, 15), 6, datetime.date(2026, 12, 15)),
        (datetime.date(2026, 3, 31), -4, datetime.date(2025, 11, 30)),
    ],
)
def test_add_months(day: datetime.date, months: int, expected: datetime.date) -> None:
    assert add_months(day, months) == expected
