"""Needs surveys on the dashboard and in charts: each value is the count of the list it opens, scoped
to the reader; the chart draws the figures of the table under it."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from yiyang.core.navigation import _key
from yiyang.core.testing import World
from yiyang.people.tests.factories import ElderFactory
from yiyang.visits import survey_dashboard, survey_figures, surveys
from yiyang.visits.tests.factories import ANSWERS, make_round

pytestmark = pytest.mark.django_db


def _section(client: Client, area: str) -> str:
    response = client.get(
        reverse("reports:dashboard_section"), {"area": area, "section": _key(survey_dashboard.SECTION)}
    )
    assert response.status_code == 200
    return response.content.decode()


def _cell(html: str, area_name: str, key: str) -> tuple[str, str]:
    row = re.search(rf"<tr[^>]*>\s*<td>(?:<a [^>]*>)?{area_name}(?:</a>)?</td>(.*?)</tr>", html, re.S)
    assert row, area_name
    cell = re.search(rf'data-figure="{key}">(?:<a href="([^"]*)">)?([^<]*)', row.group(1))
    assert cell, key
    return cell.group(2).strip(), (cell.group(1) or "").replace("&amp;", "&")


def _survey(world: World) -> None:
    """A district round (3 elders in street A, 1 in B; 2 of A's answered, one proposing a phone), a
    street B round, and a closed round that no figure counts."""
    a = [ElderFactory.create(area=world.areas.community_a1, living_situation="alone") for _ in range(3)]
    ElderFactory.create(area=world.areas.community_b1)
    district = make_round(world.areas.district, name="全区摸底")
    make_round(world.areas.street_b, name="兴东街道摸底")
    make_round(world.areas.street_a, name="已结束的摸底", status="closed")
    surveys.round_assign(survey_round=district, actor=world.alice)
    from yiyang.visits.models import SurveyResponse

    for elder, phone in zip(a[:2], ["13812345678", ""], strict=True):
        response = SurveyResponse.objects.get(round=district, elder=elder)
        surveys.survey_submit(response=response, answers={**ANSWERS, "phone": phone}, client_key=str(uuid.uuid4()),
                              actor=world.dave)  # fmt: skip


def test_survey_figures_compare_streets_and_open_their_lists(client: Client, world: World) -> None:
    _survey(world)
    client.force_login(world.alice)
    html = _section(client, world.areas.district.path)
    expected = {
        ("金沙街道", "visits.survey_rounds_open"): "1",
        ("兴东街道", "visits.survey_rounds_open"): "2",
        ("通州区", "visits.survey_rounds_open"): "2",
        ("金沙街道", "visits.survey_completion"): "66.7%",
        ("兴东街道", "visits.survey_completion"): "0.0%",
        ("金沙街道", "visits.proposals_pending"): "1",
        ("兴东街道", "visits.proposals_pending"): "0",
    }
    counts = {"visits.survey_rounds_open": 1, "visits.survey_completion": 3, "visits.proposals_pending": 1}
    for (area, key), value in expected.items():
        shown, link = _cell(html, area, key)
        assert shown == value, (area, key, shown)
        if area == "金沙街道":
            listed = client.get(link)
            assert listed.status_code == 200
            assert listed.context["table"].paginator.count == counts[key], (key, link)


def test_a_street_sees_its_own_figures_only(client: Client, world: World) -> None:
    _survey(world)
    children = [world.areas.community_a1.path, world.areas.community_a2.path]
    street = world.areas.street_a.path
    assert survey_dashboard.completion(world.bob, street, children)[street] == pytest.approx(2 / 3)
    assert (
        survey_dashboard.proposals_pending(world.carol, world.areas.street_b.path, [])[
            world.areas.street_b.path
        ]
        == 0
    )
    # An elder of street A is none of street B's business, even through a district-wide figure.
    district = survey_dashboard.completion(
        world.carol, world.areas.district.path, [street, world.areas.street_b.path]
    )
    assert district[street] is None
    client.force_login(world.bob)
    assert "66.7%" in _section(client, street)


def test_the_charts_draw_the_tables_figures(client: Client, world: World) -> None:
    _survey(world)
    from yiyang.visits.models import SurveyRound

    district = SurveyRound.objects.get(name="全区摸底")
    results = {r.question.code: r for r in survey_figures.results(district, world.alice)}
    living = results["living"].chart()
    assert living["areas"] == ["金沙街道", "兴东街道"]
    assert living["values"] == ["独居", "空巢", "与家人同住"]
    assert living["counts"] == [[2, 0, 0], [0, 0, 0]] and living["respondents"] == [2, 0]
    services = results["services"].chart()
    assert services["respondents"] == [2, 0]  # a multiple choice counts elders, not ticks
    income = results["income"].chart()
    assert income["means"] == [1500.0, None]

    client.force_login(world.alice)
    page = client.get(district.get_absolute_url()).content.decode()
    found = re.search(r'id="survey-chart-data" type="application/json">(.*?)</script>', page, re.S)
    assert found
    data = json.loads(found[1])
    assert [q["code"] for q in data["results"]] == ["income", "living", "phone", "services", "danger", "note"]
    assert 'id="chart-living"' in page and 'id="chart-note"' not in page  # free text has no chart
    # A free-text answer (here a phone number) is counted, never shown as a column of the figures.
    assert results["phone"].values == ["n"] and results["phone"].respondents == [1, 0]
    assert "13812345678" not in page and "138****5678" not in page
    assert "<script>" not in page.replace('<script src="', "")  # no inline script (CSP)


def test_a_review_returns_to_the_filtered_list(client: Client, world: World) -> None:
    _survey(world)
    from yiyang.visits.models import RegistryProposal

    proposal = RegistryProposal.objects.get()
    listed = reverse("visits:registryproposal_list") + f"?status=pending&area={world.areas.street_a.path}"
    client.force_login(world.alice)
    url = reverse("visits:registryproposal_review", args=[proposal.pk])
    response = client.post(url, {"accept": "0"}, HTTP_REFERER=f"http://testserver{listed}")
    assert response["Location"] == listed
    response = client.post(
        url, {"accept": "0"}, HTTP_REFERER="https://elsewhere.example/visits/surveys/proposals/?x=1"
    )
    assert response["Location"] == reverse("visits:registryproposal_list")
