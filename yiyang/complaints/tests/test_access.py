"""The access matrix of complaints: cases on both axes (the area they lie in, and membership of the
provider they are assigned to), their events through the case page, the rules for everyone permitted."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.complaints.actions.protection import open_for
from yiyang.complaints.models import (
    CalendarDay,
    Case,
    CaseEvent,
    CaseTally,
    DeadlineRule,
    InstitutionScore,
    InstitutionScorePoint,
    ProtectiveCase,
    ProtectiveStep,
    ProviderScore,
    Referral,
    ScorePoint,
    ScoreRule,
)
from yiyang.complaints.tests.factories import make_case
from yiyang.core.testing import (
    AccessMatrix,
    Endpoint,
    World,
    matrix_cases,
    next_number,
    page_contains,
    xlsx_contains,
)
from yiyang.institutions.models import Institution
from yiyang.institutions.tests.factories import make_institution
from yiyang.services.models import Provider


def make_provider(world: World, name: str) -> Provider:
    return Provider.objects.create(name=f"服务商{name}{next_number()}", kind="domestic")


def case_in(world: World, area: Any, provider: Provider | None = None) -> Case:
    return make_case(area, provider)


def make_event(world: World, area: Any, provider: Provider | None = None) -> CaseEvent:
    return CaseEvent.objects.filter(case=make_case(area, provider)).get()


def make_rule(world: World, area: Any) -> DeadlineRule:
    return DeadlineRule.objects.create(
        name=f"时限规则{next_number()}", amount=5, valid_from=datetime.date(2026, 1, 1)
    )


def make_day(world: World, area: Any) -> CalendarDay:
    day = datetime.date(2031, 1, 1) + datetime.timedelta(days=next_number() % 360)
    return CalendarDay.objects.create(date=day, kind="holiday", name=f"节日{next_number()}")


MONTH = datetime.date(2026, 11, 1)


def make_score(world: World, area: Any, provider: Provider | None = None) -> ProviderScore:
    provider = provider or make_provider(world, "C")
    return ProviderScore.objects.create(
        provider=provider,
        month=MONTH,
        score=95,
        deducted=5,
        events=1,
        credit_list="red",
        computed_at=timezone.now(),
    )


def make_point(world: World, area: Any, provider: Provider | None = None) -> ScorePoint:
    case = make_case(area, provider)
    return ScorePoint.objects.create(
        provider=provider or make_provider(world, "C"), month=MONTH, source="complaint_upheld", points=-5,
        at=timezone.now(), area_path=area.path, ref_type="complaints.case", ref_id=case.pk, note=f"记分{next_number()}",
    )  # fmt: skip


def make_score_rule(world: World, area: Any) -> ScoreRule:
    return ScoreRule.objects.create(source="visit_late", points=-1, valid_from=datetime.date(2026, 1, 1),
                                    basis=f"考评依据{next_number()}")  # fmt: skip


MATRICES: dict[str, AccessMatrix] = {
    "case": AccessMatrix.standard(
        Case,
        case_in,
        list_url="complaints:case_list",
        detail_url="complaints:case_detail",
        api_basename="complaintcase",
        marker=lambda c: c.number,
        organisation=make_provider,
        extra=[
            Endpoint(
                "export",
                lambda c: reverse("complaints:case_list") + "?export=xlsx",
                action="export",
                listing=True,
                contains=xlsx_contains(lambda c: c.number),
            )
        ],
    ),
    # A case's record is shown on the case's page, to whoever sees the case.
    "event": AccessMatrix(
        CaseEvent,
        make_event,
        [Endpoint("case-page", lambda e: reverse("complaints:case_detail", args=[e.case_id]))],
        organisation=make_provider,
    ),
    "rule": AccessMatrix.standard(
        DeadlineRule,
        make_rule,
        list_url="complaints:deadlinerule_list",
        edit_url="complaints:deadlinerule_edit",
        marker=lambda r: r.name,
    ),
    "day": AccessMatrix(
        CalendarDay,
        make_day,
        [
            Endpoint(
                "list",
                lambda d: reverse("complaints:calendarday_list") + "?year=2031",
                listing=True,
                contains=page_contains(lambda d: d.name),
            ),
            Endpoint("edit", lambda d: reverse("complaints:calendarday_edit", args=[d.pk]), action="change"),
        ],
    ),
}


def make_referral(world: World, area: Any) -> Referral:
    return Referral.objects.create(
        case=make_case(area), kind="legal_aid", to_name=f"法律援助中心{next_number()}"
    )


MATRICES.update(
    {
        "referral": AccessMatrix.standard(
            Referral,
            make_referral,
            list_url="complaints:referral_list",
            marker=lambda r: r.to_name,
            extra=[
                Endpoint(
                    "export",
                    lambda r: reverse("complaints:referral_list") + "?export=xlsx",
                    action="export",
                    listing=True,
                    contains=xlsx_contains(lambda r: r.to_name),
                )
            ],
        ),
        "score": AccessMatrix.standard(
            ProviderScore,
            make_score,
            list_url="complaints:providerscore_list",
            detail_url="complaints:providerscore_detail",
            marker=lambda s: s.provider.name,
            organisation=make_provider,
        ),
        "point": AccessMatrix(
            ScorePoint,
            make_point,
            [
                Endpoint(
                    "list",
                    lambda p: reverse("complaints:scorepoint_list"),
                    listing=True,
                    contains=page_contains(lambda p: p.note),
                )
            ],
            organisation=make_provider,
        ),
        "score_rule": AccessMatrix.standard(
            ScoreRule,
            make_score_rule,
            list_url="complaints:scorerule_list",
            edit_url="complaints:scorerule_edit",
            marker=lambda r: r.basis,
        ),
    }
)


def make_protection(world: World, area: Any) -> ProtectiveCase:
    return open_for(make_case(area, category="neglect", title=f"独居老人无人照料{next_number()}"), None)


def make_step(world: World, area: Any) -> ProtectiveStep:
    return make_protection(world, area).steps.get(kind="visit")


# The follow-up of neglect or abuse: the offices of the elder's area only (no organisation axis; the
# provider complained about and the hotline are never granted it — test_protection.py checks frank).
MATRICES.update(
    {
        "protection": AccessMatrix.standard(
            ProtectiveCase, make_protection, list_url="complaints:protectivecase_list",
            detail_url="complaints:protectivecase_detail", marker=lambda p: p.case.number,
            extra=[Endpoint("export", lambda p: reverse("complaints:protectivecase_list") + "?export=xlsx",
                            action="export", listing=True, contains=xlsx_contains(lambda p: p.case.number))],
        ),
        "protective_step": AccessMatrix(ProtectiveStep, make_step, [
            Endpoint("page", lambda s: reverse("complaints:protectivecase_detail", args=[s.protection_id]),
                     contains=page_contains(lambda s: f'id="step-{s.pk}"')),
        ]),
    }
)  # fmt: skip


def make_home(world: World, name: str) -> Institution:
    return make_institution(world.areas.other_community, name=f"机构{name}{next_number()}")


def make_home_score(world: World, area: Any, institution: Institution | None = None) -> InstitutionScore:
    home = institution or make_institution(area)
    return InstitutionScore.objects.create(
        institution=home, month=MONTH, area_path=home.area_path, score=72, deducted=28, events=3,
        credit_list="black", computed_at=timezone.now(),
    )  # fmt: skip


def make_home_point(world: World, area: Any, institution: Institution | None = None) -> InstitutionScorePoint:
    home = institution or make_institution(area)
    return InstitutionScorePoint.objects.create(
        institution=home, month=MONTH, source="finding_serious", points=-8, at=timezone.now(),
        area_path=home.area_path, ref_type="institutions.finding", ref_id=next_number(), note=f"机构记分{next_number()}",
    )  # fmt: skip


# The homes' scorecards: the offices of the home's area, and the home's own staff (organisation axis).
MATRICES.update(
    {
        "home_score": AccessMatrix.standard(
            InstitutionScore, make_home_score, list_url="complaints:institutionscore_list",
            detail_url="complaints:institutionscore_detail", marker=lambda s: s.institution.name,
            organisation=make_home,
        ),
        "home_point": AccessMatrix(InstitutionScorePoint, make_home_point, [
            Endpoint("list", lambda p: reverse("complaints:institutionscorepoint_list"), listing=True,
                     contains=page_contains(lambda p: p.note)),
        ], organisation=make_home),
    }
)  # fmt: skip


def make_tally(world: World, area: Any, provider: Provider | None = None) -> CaseTally:
    return CaseTally.objects.create(
        day=timezone.localdate(), area_path=area.path, unit_provider=provider, unit_key=provider.pk if provider else 0,
        unit_name=f"承办单位{next_number()}", total=3, closed=2,
    )  # fmt: skip


def _rates_by_unit(t: CaseTally) -> str:
    return reverse("complaints:resolution_rate") + f"?by=unit&from={t.day:%Y-%m-%d}&to={t.day:%Y-%m-%d}"


# The 办结率 counts: read on the 办结率 page, scoped as the cases they count (area and unit provider).
MATRICES["tally"] = AccessMatrix(
    CaseTally, make_tally,
    [Endpoint("rates", _rates_by_unit, listing=True, contains=page_contains(lambda t: t.unit_name))],
    organisation=make_provider,
)  # fmt: skip
CASES = matrix_cases(MATRICES)


@pytest.mark.parametrize(("key", "who", "endpoint"), CASES)
def test_access(client: Client, world: World, key: str, who: str, endpoint: str) -> None:
    MATRICES[key].check(client, world, who, endpoint)
