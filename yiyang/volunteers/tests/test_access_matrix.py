"""The access matrix of the volunteer registry: teams and volunteers on both axes (the community they
are in, and membership of the team), list, detail, edit, API and export."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

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
from yiyang.volunteers.actions import bank
from yiyang.volunteers.models import (
    Activity,
    BankRule,
    HelpRequest,
    HonourCampaign,
    MonthEndCheck,
    MutualAidPair,
    Nomination,
    Participation,
    ServiceRecord,
    TimeAccount,
    TimeMovement,
    Volunteer,
    VolunteerTeam,
)
from yiyang.volunteers.tests.factories import make_team, make_volunteer


def make_organisation(world: World, name: str) -> VolunteerTeam:
    return make_team(world.areas.other_community, name=f"志愿服务队{name}{next_number()}")


def team_in(world: World, area: Any, team: VolunteerTeam | None = None) -> VolunteerTeam:
    return team or make_team(area)


def volunteer_in(world: World, area: Any, team: VolunteerTeam | None = None) -> Volunteer:
    return make_volunteer(area, team=team)


def _export(list_name: str, marker: Any) -> Endpoint:
    return Endpoint("export", lambda _o: reverse(list_name) + "?export=xlsx", action="export", listing=True,
                    contains=xlsx_contains(marker))  # fmt: skip


MATRICES: dict[str, AccessMatrix] = {
    "team": AccessMatrix.standard(
        VolunteerTeam,
        team_in,
        list_url="volunteers:volunteerteam_list",
        detail_url="volunteers:volunteerteam_detail",
        edit_url="volunteers:volunteerteam_edit",
        api_basename="volunteerteam",
        marker=lambda t: t.name,
        organisation=make_organisation,
        extra=[_export("volunteers:volunteerteam_list", lambda t: t.name)],
    ),
    "volunteer": AccessMatrix.standard(
        Volunteer,
        volunteer_in,
        list_url="volunteers:volunteer_list",
        detail_url="volunteers:volunteer_detail",
        edit_url="volunteers:volunteer_edit",
        api_basename="volunteer",
        marker=lambda v: v.id_number_masked,
        organisation=make_organisation,
        extra=[_export("volunteers:volunteer_list", lambda v: v.id_number_masked)],
    ),
}


# -- the time bank and services ---------------------------------------------------------------------------


def account_in(world: World, area: Any, team: VolunteerTeam | None = None) -> TimeAccount:
    if team is not None:
        return bank.account_for_team(team)
    return bank.account_for_volunteer(make_volunteer(area))


def movement_in(world: World, area: Any) -> TimeMovement:
    account = bank.account_for_volunteer(make_volunteer(area))
    [movement] = bank.earn(
        account=account,
        minutes=60,
        source_key=f"manual:{next_number()}",
        memo=f"流水摘要{next_number()}号",
        actor=None,
    )
    return movement


def service_in(world: World, area: Any, team: VolunteerTeam | None = None) -> ServiceRecord:
    elder = ElderFactory.create(area=area)
    return ServiceRecord.objects.create(
        volunteer=make_volunteer(area, team=team), elder=elder, skill="health"
    )


def request_in(world: World, area: Any, team: VolunteerTeam | None = None) -> HelpRequest:
    elder = ElderFactory.create(area=area)
    volunteer = make_volunteer(area, team=team) if team is not None else None
    return HelpRequest.objects.create(elder=elder, skill="health", volunteer=volunteer)


def activity_in(world: World, area: Any) -> Activity:
    start = timezone.now().replace(second=0, microsecond=0)  # as the form sets times: to the minute
    return Activity.objects.create(
        name="重阳",
        kind="chongyang",
        area=area,
        place=f"地点{next_number()}号",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=10,
    )


def participation_in(world: World, area: Any) -> Participation:
    return Participation.objects.create(
        activity=activity_in(world, area), elder=ElderFactory.create(area=area)
    )


def campaign_in(world: World, area: Any) -> HonourCampaign:
    return HonourCampaign.objects.create(name=f"十佳老人评选{next_number()}", kind="top_ten", area=area)


def nomination_in(world: World, area: Any) -> Nomination:
    campaign = HonourCampaign.objects.get_or_create(
        name="全区十佳老人评选", kind="top_ten", area=world.areas.district
    )[0]
    return Nomination.objects.create(
        campaign=campaign, nominee=f"候选人{next_number()}号", area=area, deeds="事迹"
    )


def rule_in(world: World, area: Any) -> BankRule:
    return BankRule.objects.create(
        name=f"规则{next_number()}", cap_hours=1500, valid_from=datetime.date(2020, 1, 1)
    )


def pair_in(world: World, area: Any, team: VolunteerTeam | None = None) -> MutualAidPair:
    elder = ElderFactory.create(area=area)
    return MutualAidPair.objects.create(volunteer=make_volunteer(area, team=team), elder=elder,
                                        note=f"约定{next_number()}号")  # fmt: skip


def check_in(world: World, area: Any) -> MonthEndCheck:
    return MonthEndCheck.objects.create(month=datetime.date(2026, 1, 1), actor_name=f"核对{next_number()}")


MATRICES.update(
    {
        "account": AccessMatrix.standard(
            TimeAccount, account_in, list_url="volunteers:timeaccount_list",
            detail_url="volunteers:timeaccount_detail", api_basename="timeaccount", marker=lambda a: a.get_absolute_url(),
            organisation=make_organisation,
            extra=[Endpoint("statement", lambda a: reverse("volunteers:timeaccount_detail", args=[a.pk]) + "?export=xlsx",
                            action="export")],
        ),
        "movement": AccessMatrix.standard(
            TimeMovement, movement_in, list_url="volunteers:timemovement_list", api_basename="timemovement",
            marker=lambda m: m.memo,
            extra=[_export("volunteers:timemovement_list", lambda m: m.memo)],
        ),
        "service": AccessMatrix.standard(
            ServiceRecord, service_in, list_url="volunteers:servicerecord_list",
            detail_url="volunteers:servicerecord_detail", api_basename="servicerecord",
            marker=lambda s: s.get_absolute_url(), organisation=make_organisation,
        ),
        "request": AccessMatrix.standard(
            HelpRequest, request_in, list_url="volunteers:helprequest_list",
            detail_url="volunteers:helprequest_detail", api_basename="helprequest",
            marker=lambda r: r.get_absolute_url(), organisation=make_organisation,
        ),
        "activity": AccessMatrix.standard(
            Activity, activity_in, list_url="volunteers:activity_list", detail_url="volunteers:activity_detail",
            edit_url="volunteers:activity_edit", marker=lambda a: a.get_absolute_url(),
            extra=[_export("volunteers:activity_list", lambda a: a.place)],
        ),
        "participation": AccessMatrix.standard(
            Participation, participation_in, detail_url="volunteers:participation_ticket",
            extra=[Endpoint("attend", lambda p: reverse("volunteers:participation_attend", args=[p.code]),
                            model=Activity, action="attend")],
        ),
        "campaign": AccessMatrix.standard(
            HonourCampaign, campaign_in, list_url="volunteers:honourcampaign_list",
            detail_url="volunteers:honourcampaign_detail", edit_url="volunteers:honourcampaign_edit",
            marker=lambda c: c.get_absolute_url(),
        ),
        "nomination": AccessMatrix(Nomination, nomination_in, [
            Endpoint("campaign", lambda n: reverse("volunteers:honourcampaign_detail", args=[n.campaign_id]),
                     listing=True, contains=page_contains(lambda n: n.nominee)),
        ]),
        "rule": AccessMatrix.standard(BankRule, rule_in, list_url="volunteers:bankrule_list",
                                      edit_url="volunteers:bankrule_edit", marker=lambda r: r.name),
        "pair": AccessMatrix.standard(
            MutualAidPair, pair_in, list_url="volunteers:mutualaidpair_list",
            detail_url="volunteers:mutualaidpair_detail", edit_url="volunteers:mutualaidpair_edit",
            api_basename="mutualaidpair", marker=lambda p: p.get_absolute_url(), organisation=make_organisation,
            extra=[_export("volunteers:mutualaidpair_list", lambda p: p.note)],
        ),
        "check": AccessMatrix.standard(MonthEndCheck, check_in, list_url="volunteers:monthendcheck_list",
                                       marker=lambda c: c.actor_name),
    }
)  # fmt: skip
CASES = matrix_cases(MATRICES)


@pytest.mark.parametrize(("key", "who", "endpoint"), CASES)
def test_access(client: Client, world: World, key: str, who: str, endpoint: str) -> None:
    MATRICES[key].check(client, world, who, endpoint)
