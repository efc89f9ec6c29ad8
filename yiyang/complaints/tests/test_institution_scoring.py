"""Monthly scorecards of institutions (养老机构月度考评): upheld complaints against the home, inspection
findings by severity, a rectification deadline missed or kept, incidents that harmed a resident — each
a point traced to its event, by rules with dates; the district sees every home, a home its own only."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.complaints.actions import case_create, scorecards_compute
from yiyang.complaints.actions.intake import CaseData
from yiyang.complaints.models import Case, InstitutionScore, InstitutionScorePoint, ScoreRule
from yiyang.complaints.tests.factories import make_case
from yiyang.core.testing import World
from yiyang.institutions.actions.safety import finding_add, finding_recheck, finding_rectify
from yiyang.institutions.models import Incident, Inspection
from yiyang.institutions.tests.factories import admit, make_institution, make_staff
from yiyang.people.tests.factories import ElderFactory

pytestmark = pytest.mark.django_db

MONTH = datetime.date(2026, 3, 1)  # under the seeded rules, and every deadline in it long passed


def at(day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def month_of_events(world: World) -> dict[str, Any]:
    home = make_institution(world.areas.community_a1, name="颐康养老院")
    other = make_institution(world.areas.community_b1, name="松鹤养老院")
    staff = make_staff(home)
    resident = admit(ElderFactory.create(area=world.areas.community_a1), home)
    inspection = Inspection.objects.create(institution=home, inspected_on=datetime.date(2026, 3, 10),
                                           inspectors="区民政局")  # fmt: skip
    blocked = finding_add(inspection=inspection, description="消防通道堵塞", severity="serious",
                          deadline=datetime.date(2026, 3, 20), actor=world.alice)  # fmt: skip
    ledger = finding_add(inspection=inspection, description="台账不全", severity="general",
                         deadline=datetime.date(2026, 3, 25), actor=world.alice)  # fmt: skip
    finding_rectify(finding=ledger, on=datetime.date(2026, 3, 22), note="已补齐", actor=staff)
    finding_recheck(finding=ledger, passed=True, on=datetime.date(2026, 3, 24), note="", actor=world.alice)
    finding_add(inspection=inspection, description="护理员无证上岗", severity="major",
                deadline=datetime.date(2026, 4, 15), actor=world.alice)  # fmt: skip
    for harm, day in (("serious", 5), ("minor", 6), ("none", 7)):
        Incident.objects.create(institution=home, resident=resident, kind="fall", harm=harm, occurred_at=at(day),
                                description=f"跌倒{harm}")  # fmt: skip
    case = make_case(world.areas.community_a1, subject_institution=home, category="institution",
                     finding="upheld", reply="属实", replied_at=at(12), status="replied")  # fmt: skip
    make_case(world.areas.community_a1, subject_institution=home, finding="not_upheld", replied_at=at(13))
    return {"home": home, "other": other, "staff": staff, "case": case, "blocked": blocked, "ledger": ledger}


def test_every_event_of_the_home_is_scored_and_traced(world: World, month_of_events: dict[str, Any]) -> None:
    home = month_of_events["home"]
    run = scorecards_compute(month=MONTH, actor=world.alice)
    points = {(p.source, p.ref_id): p for p in InstitutionScorePoint.objects.filter(institution=home)}
    sources = sorted(source for source, _ in points)
    assert sources == sorted(["home_upheld", "finding_serious", "finding_general", "finding_major",
                              "finding_overdue", "finding_fixed", "incident_serious", "incident_harm"])  # fmt: skip
    blocked, ledger = month_of_events["blocked"], month_of_events["ledger"]
    overdue = points[("finding_overdue", blocked.pk)]
    assert overdue.ref_type == "institutions.finding"
    # Overdue from the day after the deadline, local midnight.
    assert timezone.localtime(overdue.at) == datetime.datetime(
        2026, 3, 21, tzinfo=timezone.get_current_timezone()
    )
    assert points[("finding_fixed", ledger.pk)].points == Decimal("1")
    assert points[("home_upheld", month_of_events["case"].pk)].ref_type == "complaints.case"
    score = InstitutionScore.objects.get(institution=home, month=MONTH)
    assert score.score == Decimal("100") - 5 - 8 - 1 - 3 - 5 + 1 - 5 - 1 == Decimal("73")
    assert score.credit_list == "black" and score.events == 8 and score.area_path == home.area_path
    quiet = InstitutionScore.objects.get(institution=month_of_events["other"], month=MONTH)
    assert quiet.score == Decimal("100") and quiet.credit_list == "red" and quiet.events == 0
    assert run.institutions == 2 and run.institution_points == 8
    # A rerun replaces the month: nothing doubled.
    scorecards_compute(month=MONTH, actor=world.alice)
    assert InstitutionScorePoint.objects.filter(institution=home).count() == 8
    assert InstitutionScore.objects.filter(month=MONTH).count() == 2


def test_a_deadline_not_yet_passed_is_not_overdue(world: World) -> None:
    home = make_institution(world.areas.community_a1)
    today = timezone.localdate()
    inspection = Inspection.objects.create(institution=home, inspected_on=today, inspectors="街道")
    finding_add(
        inspection=inspection, description="灭火器过期", severity="major", deadline=today, actor=world.alice
    )
    scorecards_compute(month=today, actor=world.alice)
    assert set(InstitutionScorePoint.objects.values_list("source", flat=True)) == {"finding_major"}


def test_the_home_rules_are_data_with_dates(world: World, month_of_events: dict[str, Any]) -> None:
    ScoreRule.objects.filter(source="finding_serious").update(valid_to=MONTH - datetime.timedelta(days=1))
    ScoreRule.objects.create(source="finding_serious", points=-20, valid_from=MONTH, basis="严重隐患从严")
    ScoreRule.objects.filter(source="finding_fixed").update(valid_from=MONTH + datetime.timedelta(days=40))
    scorecards_compute(month=MONTH, actor=world.alice)
    score = InstitutionScore.objects.get(institution=month_of_events["home"], month=MONTH)
    assert score.score == Decimal("100") - 5 - 20 - 1 - 3 - 5 - 5 - 1 == Decimal("60")


def test_the_home_sees_its_own_score_and_the_district_every_home(
    client: Client, world: World, month_of_events: dict[str, Any]
) -> None:
    scorecards_compute(month=MONTH, actor=world.alice)
    home, other = month_of_events["home"], month_of_events["other"]
    ours = InstitutionScore.objects.get(institution=home)
    theirs = InstitutionScore.objects.get(institution=other)
    client.force_login(month_of_events["staff"])
    page = client.get(reverse("complaints:institutionscore_detail", args=[ours.pk])).content.decode()
    assert "73.0" in page and "消防通道堵塞" in page and "跌倒serious" in page
    assert f"#finding-{month_of_events['blocked'].pk}" in page
    assert reverse("institutions:incident_detail", args=[Incident.objects.get(harm="serious").pk]) in page
    # The complainant is never named on the home's page: the point names the case by its number.
    assert month_of_events["case"].complainant_name not in page
    listing = client.get(reverse("complaints:institutionscore_list") + "?month=2026-03").content.decode()
    assert "颐康养老院" in listing and "松鹤养老院" not in listing
    assert client.get(reverse("complaints:institutionscore_detail", args=[theirs.pk])).status_code == 404
    client.force_login(world.alice)
    listing = client.get(reverse("complaints:institutionscore_list") + "?month=2026-03").content.decode()
    assert "颐康养老院" in listing and "松鹤养老院" in listing
    points = client.get(
        reverse("complaints:institutionscorepoint_list") + f"?institution={home.pk}"
    ).content.decode()
    assert "消防通道堵塞" in points and f"#finding-{month_of_events['blocked'].pk}" in points


def test_the_hotline_names_the_home_complained_about(world: World) -> None:
    home = make_institution(world.areas.community_a1, name="夕阳红养老院")
    case, _ = case_create(data=CaseData(channel="hotline", category="institution", title="伙食差", content="饭菜冷",
                                        area=world.areas.community_a1, subject_institution=home),
                          actor=world.erin)  # fmt: skip
    case = Case.objects.get(pk=case.pk)
    assert case.subject_institution_id == home.pk and case.institution_name == "夕阳红养老院"


def test_the_api_and_the_intake_page_name_the_home(client: Client, world: World) -> None:
    home = make_institution(world.areas.community_a1, name="福寿养老院")
    client.force_login(world.erin)
    body = {"channel": "12345", "category": "institution", "title": "护理不到位", "content": "老人身上有压疮",
            "area": world.areas.community_a1.pk, "subject_institution": home.pk}  # fmt: skip
    made = client.post(reverse("complaintcase-list"), json.dumps(body), content_type="application/json")
    assert made.status_code == 201 and made.json()["subject_institution"] == home.pk
    missing = client.post(reverse("complaintcase-list"), json.dumps({**body, "subject_institution": 999999}),
                          content_type="application/json")  # fmt: skip
    assert missing.status_code == 400 and "subject_institution" in missing.json()
    page = client.get(reverse("complaints:case_add")).content.decode()
    assert "福寿养老院" in page and 'name="subject_institution"' in page
