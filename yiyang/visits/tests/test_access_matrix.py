"""The access matrix of visits: rules for every permitted reader, tasks and records by area."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from yiyang.core import crypto
from yiyang.core.testing import (
    AccessMatrix,
    Endpoint,
    World,
    matrix_cases,
    next_number,
    page_contains,
    xlsx_contains,
)
from yiyang.people.tests.factories import ElderFactory
from yiyang.visits.models import (
    Campaign,
    CampaignGoods,
    Contribution,
    Contributor,
    GoodsAllocation,
    Recipient,
    RegistryProposal,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyRound,
    SurveyTemplate,
    VisitRecord,
    VisitRule,
    VisitTask,
)
from yiyang.visits.tests.factories import (
    make_campaign,
    make_contributor,
    make_question,
    make_record,
    make_response,
    make_round,
    make_rule,
    make_task,
    make_template,
)


def shared_campaign(world: World) -> Campaign:
    """One campaign of the city for a test: its pages list the rows of every placement at once."""
    made: dict[str, Any] = world.__dict__.setdefault("campaigns", {})
    if "city" not in made:
        made["city"] = make_campaign(world.areas.city, budget=Decimal("1000000"))
    campaign: Campaign = made["city"]
    return campaign


def campaign_in(world: World, area: Any) -> Campaign:
    return make_campaign(area)


def contributor_in(world: World, area: Any, contributor: Contributor | None = None) -> Contributor:
    return contributor or make_contributor()


def make_recipient(world: World, area: Any) -> Recipient:
    elder = ElderFactory.create(area=area)
    recipient = Recipient.objects.create(
        campaign=shared_campaign(world), elder=elder, area_path=elder.area_path
    )
    Contribution.objects.create(
        campaign=recipient.campaign, recipient=recipient, elder=elder, contributor=make_contributor(),
        area_path=elder.area_path, kind="money", description="慰问金", amount=Decimal("100"),
    )  # fmt: skip
    return recipient


def make_contribution(world: World, area: Any, contributor: Contributor | None = None) -> Contribution:
    elder = ElderFactory.create(area=area)
    campaign = shared_campaign(world)
    recipient = Recipient.objects.create(campaign=campaign, elder=elder, area_path=elder.area_path)
    return Contribution.objects.create(
        campaign=campaign, recipient=recipient, elder=elder, contributor=contributor or make_contributor(),
        area_path=elder.area_path, kind="goods", description=f"慰问品{next_number()}", amount=Decimal("100"),
    )  # fmt: skip


def round_in(world: World, area: Any) -> SurveyRound:
    return make_round(area)


def make_answer(world: World, area: Any) -> SurveyAnswer:
    response = make_response(world, area)
    question = response.round.template.questions.get(code="note")
    return SurveyAnswer.objects.create(response=response, round=response.round, question=question, elder=response.elder,
                                       area_path=response.area_path, value=f"答案{next_number()}")  # fmt: skip


def make_proposal(world: World, area: Any) -> RegistryProposal:
    response = make_response(world, area)
    return RegistryProposal.objects.create(
        elder=response.elder, area_path=response.area_path, response=response, field="living_situation",
        proposed_enc=crypto.encrypt("alone"), proposed_display=f"独居{next_number()}",
    )  # fmt: skip


def make_goods(world: World, area: Any) -> CampaignGoods:
    return CampaignGoods.objects.create(
        campaign=make_campaign(area), name=f"慰问品{next_number()}", received=10
    )


def make_allocation(world: World, area: Any) -> GoodsAllocation:
    goods = CampaignGoods.objects.create(
        campaign=shared_campaign(world), name=f"慰问品{next_number()}", received=10
    )
    return GoodsAllocation.objects.create(goods=goods, area=area, area_path=area.path, allocated=5)


MATRICES: dict[str, AccessMatrix] = {
    "rule": AccessMatrix.standard(
        VisitRule, make_rule, list_url="visits:visitrule_list", edit_url="visits:visitrule_edit",
        api_basename="visitrule", marker=lambda r: r.name,
    ),
    "task": AccessMatrix.standard(
        VisitTask, make_task, list_url="visits:visittask_list", detail_url="visits:visittask_detail",
        api_basename="visittask", marker=lambda t: t.reason,
        extra=[
            Endpoint("export", lambda t: reverse("visits:visittask_list") + "?export=xlsx", action="export",
                     listing=True, contains=xlsx_contains(lambda t: t.reason)),
            Endpoint("elder-tier", lambda t: reverse("visits:elder_tier", args=[t.elder_id])),
        ],
    ),
    "record": AccessMatrix.standard(
        VisitRecord, make_record, list_url="visits:visitrecord_list", api_basename="visitrecord",
        marker=lambda r: r.elder.name,
        extra=[
            Endpoint("export", lambda r: reverse("visits:visitrecord_list") + "?export=xlsx", action="export",
                     listing=True, contains=xlsx_contains(lambda r: r.elder.name)),
        ],
    ),
    "campaign": AccessMatrix.standard(
        Campaign, campaign_in, list_url="visits:campaign_list", detail_url="visits:campaign_detail",
        edit_url="visits:campaign_edit", marker=lambda c: c.name, api_basename="visitcampaign",
    ),
    "contributor": AccessMatrix.standard(
        Contributor, contributor_in, list_url="visits:contributor_list", edit_url="visits:contributor_edit",
        marker=lambda c: c.name, organisation=make_contributor,
    ),
    "recipient": AccessMatrix(
        Recipient, make_recipient,
        [
            Endpoint("delivery", lambda r: reverse("visits:campaign_delivery", args=[r.campaign_id]), listing=True,
                     contains=page_contains(lambda r: r.elder.name)),
        ],
    ),
    "contribution": AccessMatrix.standard(
        Contribution, make_contribution, list_url="visits:contribution_list", marker=lambda c: c.description,
        organisation=make_contributor, api_basename="visitcontribution",
        extra=[
            Endpoint("export", lambda c: reverse("visits:contribution_list") + "?export=xlsx", action="export",
                     listing=True, contains=xlsx_contains(lambda c: c.description)),
        ],
    ),
    "surveytemplate": AccessMatrix.standard(
        SurveyTemplate, make_template, list_url="visits:surveytemplate_list", edit_url="visits:surveytemplate_edit",
        marker=lambda t: t.name,
        extra=[
            Endpoint("export_questions", lambda t: reverse("visits:surveytemplate_export", args=[t.pk]),
                     model=SurveyQuestion, contains=xlsx_contains(lambda t: t.name)),
        ],
    ),
    "surveyquestion": AccessMatrix.standard(
        SurveyQuestion, make_question, list_url="visits:surveyquestion_list", edit_url="visits:surveyquestion_edit",
        marker=lambda q: q.text,
    ),
    "surveyround": AccessMatrix.standard(
        SurveyRound, round_in, list_url="visits:surveyround_list", detail_url="visits:surveyround_detail",
        edit_url="visits:surveyround_edit", api_basename="surveyround", marker=lambda r: r.name,
    ),
    "surveyresponse": AccessMatrix.standard(
        SurveyResponse, make_response, list_url="visits:surveyresponse_list", detail_url="visits:surveyresponse_fill",
        api_basename="surveyresponse", marker=lambda r: r.elder.name,
        extra=[
            Endpoint("export", lambda r: reverse("visits:surveyresponse_list") + "?export=xlsx", action="export",
                     listing=True, contains=xlsx_contains(lambda r: r.elder.name)),
        ],
    ),
    "surveyanswer": AccessMatrix.standard(
        SurveyAnswer, make_answer, list_url="visits:surveyanswer_list", marker=lambda a: a.elder.name,
        extra=[
            Endpoint("export", lambda a: reverse("visits:surveyanswer_list") + "?export=xlsx", action="export",
                     listing=True, contains=xlsx_contains(lambda a: a.value)),
        ],
    ),
    "registryproposal": AccessMatrix.standard(
        RegistryProposal, make_proposal, list_url="visits:registryproposal_list", marker=lambda p: p.proposed_display,
    ),
    "campaigngoods": AccessMatrix(
        CampaignGoods, make_goods,
        [Endpoint("goods", lambda g: reverse("visits:campaign_goods", args=[g.campaign_id]))],
    ),
    "goodsallocation": AccessMatrix(
        GoodsAllocation, make_allocation,
        [Endpoint("goods", lambda a: reverse("visits:campaign_goods", args=[a.goods.campaign_id]), listing=True,
                  contains=page_contains(lambda a: f"<td>{a.area.name}</td>"))],
    ),
}  # fmt: skip
CASES = matrix_cases(MATRICES)


@pytest.mark.parametrize(("key", "who", "endpoint"), CASES)
def test_access(client: Client, world: World, key: str, who: str, endpoint: str) -> None:
    MATRICES[key].check(client, world, who, endpoint)
