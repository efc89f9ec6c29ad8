"""Factories for home adaptation: the rules, a contractor, and a project at any step of its life."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from yiyang.adaptation import actions
from yiyang.adaptation.choices import Acceptor, PhotoStage, Status
from yiyang.adaptation.demo import ensure_rules, png
from yiyang.adaptation.models import CapRule, CatalogueItem, Contractor, Project
from yiyang.areas.models import Area
from yiyang.core.testing import next_number
from yiyang.people.tests.factories import CertificationFactory, ElderFactory

#: The steps of a project in order; ``make_project(..., upto="accepted")`` walks it that far.
STEPS = ["enrolled", "surveyed", "approved", "assigned", "works_done", "accepted", "paid"]


def make_contractor(world: Any = None, name: str = "") -> Contractor:
    return Contractor.objects.create(name=f"施工单位{name}{next_number()}", contact_name="王经理")


def make_item(world: Any = None, area: Any = None, **extra: Any) -> CatalogueItem:
    n = next_number()
    data: dict[str, Any] = {"code": f"T{n:05d}", "name": f"扶手{n}", "unit": "个", "price": Decimal("100.00"),
                            "valid_from": timezone.localdate().replace(month=1, day=1)}  # fmt: skip
    data.update(extra)
    return CatalogueItem.objects.create(**data)


def make_cap(world: Any = None, area: Any = None, **extra: Any) -> CapRule:
    data: dict[str, Any] = {"category": "sanlao", "amount": Decimal("2800.00"),
                            "valid_from": timezone.localdate().replace(month=1, day=1), "basis": f"测试{next_number()}"}  # fmt: skip
    data.update(extra)
    return CapRule.objects.create(**data)


def make_project(
    area: Area, *, contractor: Contractor | None = None, upto: str = "enrolled", category: str = "dibao"
) -> Project:
    """A household of ``area`` certified ``category`` and walked through the actions up to ``upto``
    (a contractor, if given, is assigned at that step)."""
    ensure_rules()
    elder = ElderFactory.create(area=area)
    CertificationFactory.create(elder=elder, category=category)
    project = actions.project_apply(elder=elder, note="测试", actor=None)
    target = STEPS.index(upto)
    if target >= 1:
        items = {i.code: i for i in CatalogueItem.objects.filter(code__in=["A01", "A03", "A07"])}
        plan = [
            actions.PlanItem(items["A01"], 2),
            actions.PlanItem(items["A03"], 2),
            actions.PlanItem(items["A07"], 1),
        ]
        today = timezone.localdate()
        actions.project_survey(
            project=project, surveyed_on=today, surveyor="李勘查", note="", items=plan, actor=None
        )
    if target >= 2:
        actions.project_approve(project=project, actor=None)
    if target >= 3:
        actions.project_assign(project=project, contractor=contractor or make_contractor(), actor=None)
    if target >= 4:
        for stage in (PhotoStage.BEFORE, PhotoStage.AFTER):
            actions.project_add_photo(project=project, stage=stage, content=png(next_number()), actor=None)
        serials = {
            line.pk: f"T-{project.pk}-{line.pk}" for line in project.lines.exclude(item__device_kind="")
        }
        actions.project_finish_works(
            project=project, finished_on=timezone.localdate(), serials=serials, actor=None
        )
    if target >= 5:
        actions.project_accept(project=project, elder_signed=True, acceptor=Acceptor.STREET, acceptor_name="金沙街道",
                               accepted_on=timezone.localdate(), note="", actor=None)  # fmt: skip
    if target >= 6:
        actions.project_pay(project=project, amount=project.plan_total, paid_on=timezone.localdate(), reference="",
                            actor=None)  # fmt: skip
    project.refresh_from_db()
    assert project.status == Status(upto)
    return project
