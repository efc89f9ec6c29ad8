"""A home's incident reports reach the elder's next GB/T 42195 assessment (Annex A.2.14): the assessor
sees them on the sheet, the sheet starts from their counts, and the saved assessment never counts
fewer than were recorded, so C.4 rule 3 (two or more events in 30 days raise one level) applies."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from yiyang.assessments import actions as assessment_actions
from yiyang.assessments import risk_events
from yiyang.assessments.actions import AssessmentData
from yiyang.assessments.tests.factories import answers_with_total
from yiyang.core.testing import World
from yiyang.institutions.actions.safety import incident_report
from yiyang.institutions.tests.factories import admit, make_institution
from yiyang.people.tests.factories import ElderFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def at(days_ago: int) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(TODAY - datetime.timedelta(days=days_ago), datetime.time(9))
    )


def resident_with_incidents(world: World) -> Any:
    home = make_institution(world.areas.community_a1, name="金沙颐养中心")
    stay = admit(
        ElderFactory.create(area=world.areas.community_a1),
        home,
        admitted_on=TODAY - datetime.timedelta(days=60),
    )
    for kind, days_ago in (("fall", 3), ("bed_fall", 12), ("wandering", 45), ("scald", 29)):
        incident_report(
            resident=stay, kind=kind, occurred_at=at(days_ago), description="夜间如厕", actor=None
        )
    return stay


def test_the_incidents_of_the_last_30_days_are_the_elders_risk_events(world: World) -> None:
    stay = resident_with_incidents(world)
    events = risk_events.recorded(stay.elder, TODAY)
    assert [(e.kind, e.on) for e in events] == [
        ("other", TODAY - datetime.timedelta(days=29)),
        ("fall", TODAY - datetime.timedelta(days=12)),
        ("fall", TODAY - datetime.timedelta(days=3)),
    ]  # the wandering 45 days ago is outside the window
    assert "金沙颐养中心" in events[0].title
    assert risk_events.counts(events) == {"fall": 2, "wandering": 0, "choking": 0, "self_harm": 0, "other": 1}
    # An assessment dated before the falls sees only what had happened by then.
    assert (
        risk_events.counts(risk_events.recorded(stay.elder, TODAY - datetime.timedelta(days=5)))["fall"] == 1
    )


def test_the_assessor_sees_them_and_the_sheet_starts_from_them(client: Any, world: World) -> None:
    stay = resident_with_incidents(world)
    client.force_login(world.bob)
    page = client.get(reverse("assessments:assessment_add") + f"?elder={stay.elder_id}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="recorded-risk-events"' in html and "金沙颐养中心" in html
    assert '<option value="2" selected>' in html.split('name="risk_fall"')[1].split("</select>")[0]


def test_a_saved_assessment_counts_no_fewer_and_the_level_rises(world: World) -> None:
    stay = resident_with_incidents(world)
    data = AssessmentData(
        assessed_on=TODAY, assessor_name="王评估", organisation="评估中心", reason="routine",
        answers=answers_with_total(70), risk_events={"fall": 0, "choking": 1},
    )  # fmt: skip
    assessment = assessment_actions.assessment_save_draft(elder=stay.elder, data=data, actor=world.bob)
    assert (assessment.risk_falls, assessment.risk_choking, assessment.risk_other) == (2, 1, 1)
    confirmed = assessment_actions.assessment_confirm(assessment=assessment, actor=world.alice)
    assert confirmed.preliminary_level is not None
    assert confirmed.final_level == confirmed.preliminary_level + 1  # C.4 rule 3
