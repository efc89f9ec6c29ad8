"""Needs surveys: handed out once, answered once, registry changes only through review, needs become work."""

from __future__ import annotations

import io
import json
import uuid
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from yiyang.accounts.models import AreaAssignment
from yiyang.core.models import AccessLog, AuditEntry
from yiyang.core.testing import World, make_user
from yiyang.people.models import Elder, ElderContact, SavedFilter
from yiyang.people.tests.factories import ElderFactory
from yiyang.visits import survey_figures, surveys
from yiyang.visits.models import RegistryProposal, SurveyAnswer, SurveyResponse, VisitTask
from yiyang.visits.tests.factories import ANSWERS, make_response, make_round

pytestmark = pytest.mark.django_db


def _submit(
    response: SurveyResponse, actor: object, key: str | None = None, **answers: object
) -> surveys.Submitted:
    return surveys.survey_submit(response=response, answers={**ANSWERS, **answers}, client_key=key or str(uuid.uuid4()),
                                 actor=actor)  # fmt: skip


def test_a_round_is_handed_out_once_to_the_grid_worker(world: World) -> None:
    a1 = [ElderFactory.create(area=world.areas.grid_a1) for _ in range(3)]
    ElderFactory.create(area=world.areas.community_b1)
    ElderFactory.create(area=world.areas.community_a2, status="deceased")
    survey_round = make_round(world.areas.street_a)
    assert surveys.round_assign(survey_round=survey_round, actor=world.bob) == 3
    assert surveys.round_assign(survey_round=survey_round, actor=world.bob) == 0  # a repeat adds nothing
    rows = SurveyResponse.objects.filter(round=survey_round)
    assert {r.elder_id for r in rows} == {e.pk for e in a1}
    assert {r.assignee_id for r in rows} == {world.dave.pk}  # the community's worker covers the grid
    assert AuditEntry.objects.filter(verb="surveyround.assign").count() == 2


def test_a_saved_filter_narrows_the_population(world: World) -> None:
    alone = ElderFactory.create(area=world.areas.community_a1, living_situation="alone")
    ElderFactory.create(area=world.areas.community_a1, living_situation="with_family")
    population = SavedFilter.objects.create(name="独居老人", query="living_situation=alone")
    survey_round = make_round(world.areas.street_a, population=population)
    assert surveys.round_assign(survey_round=survey_round, actor=world.alice) == 1
    assert SurveyResponse.objects.get(round=survey_round).elder_id == alone.pk


def test_a_street_cannot_hand_out_another_streets_round(world: World) -> None:
    with pytest.raises(PermissionDenied):
        surveys.round_assign(survey_round=make_round(world.areas.street_b), actor=make_user("x", "community_worker",
                                                                                              [world.areas.community_a1]))  # fmt: skip


def test_a_survey_sent_twice_is_stored_once(world: World) -> None:
    response = make_response(world, world.areas.community_a1, assignee=world.dave)
    key = str(uuid.uuid4())
    first = _submit(response, world.dave, key)
    again = _submit(response, world.dave, key)
    assert (first.new, again.new) == (True, False)
    assert again.response.pk == response.pk
    assert SurveyAnswer.objects.filter(response=response).count() == 4  # phone and note blank: no row
    response.refresh_from_db()
    assert (response.status, response.worker, response.client_key) == ("done", world.dave, key)
    with pytest.raises(ValidationError):  # a second, different submission of a done survey
        _submit(response, world.dave)
    other = make_response(world, world.areas.community_a1)
    with pytest.raises(ValidationError):  # one key, two elders
        _submit(other, world.dave, key)


def test_bad_input_is_refused_whole_and_loses_nothing(world: World) -> None:
    response = make_response(world, world.areas.community_a1, assignee=world.dave)
    with pytest.raises(ValidationError) as caught:
        _submit(response, world.dave, income="很多", living="")
    assert set(caught.value.message_dict) == {"income", "living"}
    response.refresh_from_db()
    assert response.status == "open" and not SurveyAnswer.objects.exists()
    assert _submit(response, world.dave).new  # corrected, it is stored


def test_an_answer_that_contradicts_the_registry_is_only_proposed(world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1, living_situation="with_family")
    elder.set_phone("13900000000")
    elder.save()
    response = make_response(world, world.areas.community_a1, elder=elder, assignee=world.dave)
    result = _submit(response, world.dave, living="独居", phone="138 1234 5678")
    assert result.proposals == 2
    elder.refresh_from_db()
    assert (elder.living_situation, elder.phone) == ("with_family", "13900000000")  # not overwritten
    living = RegistryProposal.objects.get(field="living_situation")
    phone = RegistryProposal.objects.get(field="phone")
    assert phone.proposed_display == "138****5678" and "13812345678" not in phone.proposed_enc
    with pytest.raises(ValidationError):  # rejecting needs a reason
        surveys.proposal_review(proposal=living, accept=False, note="", actor=world.bob)
    surveys.proposal_review(proposal=living, accept=True, note="", actor=world.bob)
    surveys.proposal_review(proposal=phone, accept=False, note="老人说电话没换", actor=world.bob)
    elder.refresh_from_db()
    assert (elder.living_situation, elder.phone) == ("alone", "13900000000")
    assert AuditEntry.objects.filter(verb="elder.living_situation", object_id=str(elder.pk)).exists()
    assert AuditEntry.objects.filter(verb="registryproposal.reject").exists()
    with pytest.raises(ValidationError):  # reviewed once
        surveys.proposal_review(proposal=living, accept=True, note="", actor=world.bob)
    with pytest.raises(PermissionDenied):  # the worker who asked does not review
        surveys.proposal_review(proposal=RegistryProposal(pk=living.pk, elder=elder, area_path=elder.area_path,
                                                          response=response), accept=True, note="", actor=world.dave)  # fmt: skip


def test_an_emergency_phone_accepted_updates_the_contact(world: World) -> None:
    from yiyang.visits.models import SurveyQuestion

    response = make_response(world, world.areas.community_a1, assignee=world.dave)
    SurveyQuestion.objects.create(template=response.round.template, position=7, code="emergency", text="紧急联系人电话",
                                  kind="text", required=False, registry_field="emergency_phone")  # fmt: skip
    _submit(response, world.dave, emergency="13700001111")
    proposal = RegistryProposal.objects.get(field="emergency_phone")
    surveys.proposal_review(proposal=proposal, accept=True, note="", actor=world.bob)
    contact = ElderContact.objects.get(elder_id=response.elder_id, is_emergency=True)
    assert contact.phone == "13700001111"


def test_same_answer_as_the_registry_proposes_nothing(world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1, living_situation="alone")
    response = make_response(world, world.areas.community_a1, elder=elder, assignee=world.dave)
    assert _submit(response, world.dave, living="独居", phone="不知道").proposals == 0


def test_needs_found_become_work(world: World) -> None:
    from yiyang.services.tests.factories import item

    item()
    response = make_response(world, world.areas.community_a1, assignee=world.dave)
    result = _submit(response, world.dave, services=["助餐", "助医"], danger="是")
    assert result.follow_ups == 2
    task = VisitTask.objects.get(elder_id=response.elder_id, period_key=f"S{response.pk}")
    assert (task.kind, task.assignee) == ("event", world.dave)
    from yiyang.services.models import WorkOrder

    assert WorkOrder.objects.filter(elder_id=response.elder_id).count() == 1


def test_progress_and_results_by_area_link_to_their_elders(client: Client, world: World) -> None:
    survey_round = make_round(world.areas.district)
    for area, answer in [(world.areas.community_a1, "独居"), (world.areas.community_a2, "独居"),
                         (world.areas.community_b1, "空巢")]:  # fmt: skip
        _submit(make_response(world, area, round=survey_round), None, living=answer, income="1000")
    make_response(world, world.areas.community_b1, round=survey_round)
    rows = {r.area.name: (r.assigned, r.answered) for r in survey_figures.progress(survey_round, world.alice)}
    assert rows == {"金沙街道": (2, 2), "兴东街道": (2, 1)}
    assert [(r.area.name, r.assigned) for r in survey_figures.progress(survey_round, world.bob)] == [
        ("金沙街道", 2)
    ]
    results = {r.question.code: r for r in survey_figures.results(survey_round, world.alice)}
    living = results["living"]
    cells = {area.name: [f for f, _link in row] for area, row in living.rows}
    assert cells["金沙街道"][:2] == [2, 0] and cells["兴东街道"][:2] == [0, 1]
    income = {area.name: [f for f, _link in row] for area, row in results["income"].rows}
    assert income["金沙街道"] == [2, Decimal("1000")]
    # a figure opens the list of its elders
    link = {area.name: row for area, row in living.rows}["金沙街道"][0][1]
    client.force_login(world.alice)
    page = client.get(link)
    assert page.status_code == 200
    names = set(
        Elder.objects.filter(area_path__startswith=world.areas.street_a.path).values_list("name", flat=True)
    )
    assert all(name in page.content.decode() for name in names)
    detail = client.get(survey_round.get_absolute_url())
    assert detail.status_code == 200 and "金沙街道" in detail.content.decode()


def test_results_export_is_typed(client: Client, world: World) -> None:
    survey_round = make_round(world.areas.street_a)
    _submit(make_response(world, world.areas.community_a1, round=survey_round), None, income="1234.5",
            services=["助餐", "助浴"])  # fmt: skip
    client.force_login(world.bob)
    response = client.get(reverse("visits:surveyround_export", args=[survey_round.pk]))
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [c.value for c in ws[1]]
    row = dict(zip(header, list(ws[2]), strict=True))
    income = row["1. 月收入（元）"]
    assert income.value == 1234.5 and income.number_format == "0.00"
    assert row["调查时间"].is_date
    assert row["4. 需要的服务"].value == "助餐、助浴"
    assert AccessLog.objects.filter(object_type="visits.surveyround", kind="export").exists()


def test_the_api_stores_once_and_the_form_posts_once(client: Client, world: World) -> None:
    response = make_response(world, world.areas.community_a1, assignee=world.dave)
    client.force_login(world.dave)
    url = reverse("surveyresponse-submit", args=[response.pk])
    body = json.dumps({"client_key": "phone-1", "answers": ANSWERS})
    first = client.post(url, body, content_type="application/json")
    again = client.post(url, body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    bad = client.post(reverse("surveyresponse-submit", args=[make_response(world, world.areas.community_a1).pk]),
                      json.dumps({"client_key": "phone-2", "answers": {**ANSWERS, "income": "x"}}),
                      content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and "income" in bad.json()
    other = make_response(world, world.areas.community_a1, assignee=world.dave)
    fill = reverse("visits:surveyresponse_fill", args=[other.pk])
    form = {
        "client_key": "form-1",
        "income": "800",
        "living": "空巢",
        "danger": "否",
        "services": ["助餐", "助浴"],
    }
    assert client.post(fill, {**form, "income": "-5"}).status_code == 400  # said, nothing stored
    assert client.post(fill, form).status_code == 302
    assert client.post(fill, form).status_code == 302  # the same key: stored once
    assert SurveyAnswer.objects.filter(response=other, question__code="services").count() == 2
    today = client.get(reverse("visits:survey_today"))
    assert today.status_code == 200


def test_a_closed_round_takes_no_answers(world: World) -> None:
    response = make_response(world, world.areas.community_a1, assignee=world.dave)
    surveys.round_close(survey_round=response.round, actor=world.alice)
    with pytest.raises(ValidationError):
        _submit(response, world.dave)


def test_worker_of_a_grid_gets_the_grid(world: World) -> None:
    gridder = make_user("gridder", "community_worker", [world.areas.grid_a1])
    AreaAssignment.objects.get_or_create(user=gridder, area=world.areas.grid_a1)
    elder = ElderFactory.create(area=world.areas.grid_a1)
    survey_round = make_round(world.areas.community_a1)
    surveys.round_assign(survey_round=survey_round, actor=world.alice)
    assert SurveyResponse.objects.get(round=survey_round, elder=elder).assignee == gridder
