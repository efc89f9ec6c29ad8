"""The access matrix of institutional care: homes and what belongs to them, on both axes (the area the
home is in, and membership of the home)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.core.testing import AccessMatrix, Endpoint, World, matrix_cases, next_number, xlsx_contains
from yiyang.institutions.actions.residents import risk_assessment_create
from yiyang.institutions.models import (
    Bed,
    BedAssignment,
    Building,
    ChecklistItem,
    Finding,
    Floor,
    Incident,
    Inspection,
    Institution,
    InsurancePolicy,
    Resident,
    RiskAssessment,
    Room,
    RoundLog,
    StarAssessment,
    StarThreshold,
    SubsidyLine,
    SubsidyRoll,
    SubsidyRule,
)
from yiyang.institutions.tests.factories import admit, make_bed, make_institution, make_policy
from yiyang.people.tests.factories import ElderFactory


def make_organisation(world: World, name: str) -> Institution:
    return make_institution(world.areas.other_community, name=f"机构{name}{next_number()}")


def home_in(world: World, area: Any, institution: Institution | None = None) -> Institution:
    return institution or make_institution(area)


def bed_in(world: World, area: Any, institution: Institution | None = None) -> Bed:
    return make_bed(home_in(world, area, institution), room=f"R{next_number()}")


def policy_in(world: World, area: Any, institution: Institution | None = None) -> InsurancePolicy:
    return make_policy(home_in(world, area, institution))


def resident_in(world: World, area: Any, institution: Institution | None = None) -> Resident:
    resident: Resident = admit(ElderFactory.create(area=area), home_in(world, area, institution))
    return resident


def risk_in(world: World, area: Any, institution: Institution | None = None) -> RiskAssessment:
    return risk_assessment_create(
        elder=ElderFactory.create(area=area), institution=home_in(world, area, institution),
        assessor=f"评估人{next_number()}", items={"fall": (1, "扶手")}, actor=None,
    )  # fmt: skip


def incident_in(world: World, area: Any, institution: Institution | None = None) -> Incident:
    resident = resident_in(world, area, institution)
    return Incident.objects.create(
        institution=resident.institution, resident=resident, kind="fall", occurred_at=timezone.now(),
        description=f"事件{next_number()}", place=f"地点{next_number()}",
    )  # fmt: skip


def round_in(world: World, area: Any, institution: Institution | None = None) -> RoundLog:
    return RoundLog.objects.create(institution=home_in(world, area, institution), shift="night",
                                   staff=f"巡查人{next_number()}")  # fmt: skip


def inspection_in(world: World, area: Any, institution: Institution | None = None) -> Inspection:
    return Inspection.objects.create(
        institution=home_in(world, area, institution), inspectors=f"检查人{next_number()}"
    )


def finding_in(world: World, area: Any, institution: Institution | None = None) -> Finding:
    inspection = inspection_in(world, area, institution)
    return Finding.objects.create(
        inspection=inspection, institution=inspection.institution, description=f"问题{next_number()}",
        deadline=timezone.localdate(),
    )  # fmt: skip


def star_in(world: World, area: Any, institution: Institution | None = None) -> StarAssessment:
    return StarAssessment.objects.create(
        institution=home_in(world, area, institution), environment=90, facilities=90, management=90,
        service=400 + next_number() % 100, total=670,
    )  # fmt: skip


def roll_line(world: World, area: Any, institution: Institution | None = None) -> SubsidyLine:
    home = home_in(world, area, institution)
    roll = SubsidyRoll.objects.create(
        area_path=home.area_path, area_name="x", month=datetime.date(2020 + next_number() % 50, 1, 1)
    )
    return SubsidyLine.objects.create(
        roll=roll,
        institution=home,
        kind="operating",
        category="level_1",
        quantity=next_number(),
        rate=100,
        amount=100,
    )


def roll_in(world: World, area: Any) -> SubsidyRoll:
    return SubsidyRoll.objects.create(
        area_path=area.path,
        area_name=f"发放表{next_number()}",
        month=datetime.date(1990 + next_number() % 500 // 10, 1 + next_number() % 12, 1),
    )


MATRICES: dict[str, AccessMatrix] = {
    "institution": AccessMatrix.standard(
        Institution,
        home_in,
        list_url="institutions:institution_list",
        detail_url="institutions:institution_detail",
        edit_url="institutions:institution_edit",
        api_basename="institution",
        marker=lambda i: i.name,
        organisation=make_organisation,
        extra=[
            Endpoint(
                "export",
                lambda i: reverse("institutions:institution_list") + "?export=xlsx",
                action="export",
                listing=True,
                contains=xlsx_contains(lambda i: i.name),
            )
        ],
    ),
    "bed": AccessMatrix.standard(
        Bed,
        bed_in,
        list_url="institutions:bed_list",
        edit_url="institutions:bed_edit",
        api_basename="institutionbed",
        marker=lambda b: b.room_number,
        organisation=make_organisation,
        also=[Building, Floor, Room],  # a bed's page and row show its building, floor and room
        extra=[
            Endpoint(
                "export",
                lambda b: reverse("institutions:bed_list") + "?export=xlsx",
                action="export",
                listing=True,
                contains=xlsx_contains(lambda b: b.room_number),
            )
        ],
    ),
    "policy": AccessMatrix.standard(
        InsurancePolicy,
        policy_in,
        list_url="institutions:insurancepolicy_list",
        edit_url="institutions:insurancepolicy_edit",
        api_basename="institutionpolicy",
        marker=lambda p: p.policy_no,
        organisation=make_organisation,
    ),
    "resident": AccessMatrix.standard(
        Resident,
        resident_in,
        list_url="institutions:resident_list",
        detail_url="institutions:resident_detail",
        api_basename="resident",
        marker=lambda r: r.elder.name,
        organisation=make_organisation,
        extra=[
            Endpoint(
                "export",
                lambda r: reverse("institutions:resident_list") + "?export=xlsx",
                action="export",
                listing=True,
                contains=xlsx_contains(lambda r: r.elder.name),
            )
        ],
    ),
    "occupancy": AccessMatrix.standard(
        BedAssignment,
        lambda world, area, institution=None: resident_in(world, area, institution).beds.get(),
        list_url="institutions:bedassignment_list",
        marker=lambda a: a.resident.elder.name,
        organisation=make_organisation,
        extra=[
            Endpoint(
                "export",
                lambda a: reverse("institutions:bedassignment_list") + "?export=xlsx",
                action="export",
                listing=True,
                contains=xlsx_contains(lambda a: a.resident.elder.name),
            )
        ],
    ),
    "risk": AccessMatrix.standard(
        RiskAssessment,
        risk_in,
        list_url="institutions:riskassessment_list",
        detail_url="institutions:riskassessment_detail",
        api_basename="riskassessment",
        marker=lambda r: r.assessor,
        organisation=make_organisation,
    ),
    "incident": AccessMatrix.standard(
        Incident, incident_in, list_url="institutions:incident_list", detail_url="institutions:incident_detail",
        api_basename="incident", marker=lambda i: i.place, organisation=make_organisation,
        extra=[Endpoint("export", lambda i: reverse("institutions:incident_list") + "?export=xlsx", action="export",
                        listing=True, contains=xlsx_contains(lambda i: i.place))],
    ),
    "round": AccessMatrix.standard(
        RoundLog, round_in, list_url="institutions:roundlog_list", edit_url="institutions:roundlog_edit",
        api_basename="roundlog", marker=lambda r: r.staff, organisation=make_organisation,
    ),
    "inspection": AccessMatrix.standard(
        Inspection, inspection_in, list_url="institutions:inspection_list", detail_url="institutions:inspection_detail",
        edit_url="institutions:inspection_edit", api_basename="inspection", marker=lambda i: i.institution.name,
        organisation=make_organisation,
    ),
    "finding": AccessMatrix.standard(
        Finding, finding_in, list_url="institutions:finding_list", api_basename="finding",
        marker=lambda f: f.description, organisation=make_organisation,
    ),
    "star": AccessMatrix.standard(
        StarAssessment, star_in, list_url="institutions:starassessment_list", api_basename="starassessment",
        marker=lambda s: s.institution.name, organisation=make_organisation,
    ),
    "checklist": AccessMatrix.standard(
        ChecklistItem,
        lambda world, area: ChecklistItem.objects.create(code=f"X{next_number()}", text=f"检查内容{next_number()}",
                                                         valid_from=datetime.date(2020, 1, 1)),
        list_url="institutions:checklistitem_list", edit_url="institutions:checklistitem_edit",
        marker=lambda c: c.text,
    ),
    "threshold": AccessMatrix.standard(
        StarThreshold,
        lambda world, area: StarThreshold.objects.create(level=1, min_total=300 + next_number() % 60, min_area_share=40,
                                                         valid_from=datetime.date(2020, 1, 1), note=f"依据{next_number()}"),
        list_url="institutions:starthreshold_list", edit_url="institutions:starthreshold_edit",
        marker=lambda t: t.note,
    ),
    "subsidyline": AccessMatrix.standard(
        SubsidyLine, roll_line, list_url="institutions:subsidyline_list", marker=lambda ln: ln.institution.name,
        organisation=make_organisation,
    ),
    "subsidyroll": AccessMatrix.standard(
        SubsidyRoll, roll_in, list_url="institutions:subsidyroll_list", detail_url="institutions:subsidyroll_detail",
        marker=lambda r: r.area_name,
    ),
    "subsidyrule": AccessMatrix.standard(
        SubsidyRule,
        lambda world, area: SubsidyRule.objects.create(name=f"补贴标准{next_number()}", kind="operating", amount=100,
                                                       valid_from=datetime.date(2020, 1, 1)),
        list_url="institutions:subsidyrule_list", edit_url="institutions:subsidyrule_edit", marker=lambda r: r.name,
    ),
}  # fmt: skip
CASES = matrix_cases(MATRICES)


@pytest.mark.parametrize(("key", "who", "endpoint"), CASES)
def test_access(client: Client, world: World, key: str, who: str, endpoint: str) -> None:
    MATRICES[key].check(client, world, who, endpoint)
