"""The generated access matrix for assessment pages and API (see yiyang.core.testing)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from yiyang.accounts.roles import Role, permissions_for
from yiyang.areas.models import Area
from yiyang.assessments.choices import Status
from yiyang.assessments.models import Assessment, ScoringConfig
from yiyang.assessments.tests.factories import answers_with_total, elder_in, make_assessment
from yiyang.core.testing import AccessMatrix, Endpoint, World, page_contains, xlsx_contains

pytestmark = pytest.mark.django_db

ADMIN, STREET, COMMUNITY = Role.DISTRICT_ADMIN, Role.STREET_WORKER, Role.COMMUNITY_WORKER
HOTLINE, PROVIDER, AUDITOR = Role.HOTLINE_OPERATOR, Role.PROVIDER_STAFF, Role.AUDITOR
POLICY: dict[str, set[str]] = {
    "assessments.view_assessment": {ADMIN, STREET, COMMUNITY, AUDITOR},
    "assessments.add_assessment": {ADMIN, STREET, COMMUNITY},
    "assessments.change_assessment": {ADMIN, STREET, COMMUNITY},
    "assessments.confirm_assessment": {ADMIN, STREET, COMMUNITY},
    "assessments.void_assessment": {ADMIN, STREET},
    "assessments.print_assessment": {ADMIN, STREET, COMMUNITY},
    "assessments.export_assessment": {ADMIN, STREET, COMMUNITY},
    "assessments.view_scoringconfig": {ADMIN, STREET, COMMUNITY, AUDITOR},
    "assessments.change_scoringconfig": {ADMIN},
}


@pytest.mark.parametrize("permission", sorted(POLICY))
def test_role_policy(permission: str) -> None:
    assert {role for role in Role if permission in permissions_for(role)} == POLICY[permission]


def confirmed(world: World, area: Area) -> Assessment:
    return make_assessment(elder_in(area), total=52)


def draft(world: World, area: Area) -> Assessment:
    return make_assessment(elder_in(area), status=Status.DRAFT)


def draft_payload(a: Assessment) -> dict[str, Any]:
    return {
        "elder": a.elder_id,
        "assessed_on": "2026-01-05",
        "organisation": "评估中心",
        "assessor_name": "王评估",
        "answers": answers_with_total(60),
    }


ASSESSMENT = AccessMatrix.standard(
    Assessment,
    confirmed,
    list_url="assessments:assessment_list",
    detail_url="assessments:assessment_detail",
    api_basename="assessment",
    marker=lambda a: a.elder.name,
    extra=[
        Endpoint(
            "due",
            lambda a: reverse("assessments:assessment_due") + "?due=&status=",
            listing=True,
            contains=page_contains(lambda a: a.elder.name),
        ),
        Endpoint("report", lambda a: reverse("assessments:assessment_report", args=[a.pk]), action="print"),
        Endpoint(
            "export",
            lambda a: reverse("assessments:assessment_list") + "?export=xlsx",
            action="export",
            listing=True,
            contains=xlsx_contains(lambda a: a.elder.name),
        ),
        Endpoint(
            "void",
            lambda a: reverse("assessments:assessment_void", args=[a.pk]),
            action="void",
            method="post",
            data=lambda a: {"reason": "录入错误"},
            ok=302,
        ),
        Endpoint(
            "api-create",
            lambda a: reverse("assessment-list"),
            action="add",
            api=True,
            method="post",
            data=draft_payload,
            ok=201,
            out_of_area=400,
        ),
        Endpoint(
            "api-void",
            lambda a: reverse("assessment-void", args=[a.pk]),
            action="void",
            api=True,
            method="post",
            data=lambda a: {"reason": "录入错误"},
        ),
    ],
)


@pytest.mark.parametrize(("who", "endpoint"), ASSESSMENT.cases())
def test_assessment_access(client: Client, world: World, who: str, endpoint: str) -> None:
    ASSESSMENT.check(client, world, who, endpoint)


DRAFT = AccessMatrix(
    Assessment,
    draft,
    [
        Endpoint("edit", lambda a: reverse("assessments:assessment_edit", args=[a.pk]), action="change"),
        Endpoint(
            "new", lambda a: reverse("assessments:assessment_add") + f"?elder={a.elder_id}", action="add"
        ),
        Endpoint(
            "confirm",
            lambda a: reverse("assessments:assessment_confirm", args=[a.pk]),
            action="confirm",
            method="post",
            ok=302,
        ),
        Endpoint(
            "api-confirm",
            lambda a: reverse("assessment-confirm", args=[a.pk]),
            action="confirm",
            api=True,
            method="post",
        ),
    ],
)


@pytest.mark.parametrize(("who", "endpoint"), DRAFT.cases())
def test_draft_access(client: Client, world: World, who: str, endpoint: str) -> None:
    DRAFT.check(client, world, who, endpoint)


def make_config(world: World, area: Area) -> ScoringConfig:
    street = area.parent if area.parent else area
    assert street is not None
    return ScoringConfig.objects.create(area=street, valid_from="2026-01-01", note=f"配置{street.code}")


CONFIG = AccessMatrix(
    ScoringConfig,
    make_config,
    [
        Endpoint(
            "list",
            lambda c: reverse("assessments:scoringconfig_list"),
            listing=True,
            contains=page_contains(lambda c: c.note),
        ),
        Endpoint("edit", lambda c: reverse("assessments:scoringconfig_edit", args=[c.pk]), action="change"),
    ],
)


@pytest.mark.parametrize(("who", "endpoint"), CONFIG.cases())
def test_config_access(client: Client, world: World, who: str, endpoint: str) -> None:
    CONFIG.check(client, world, who, endpoint)


def test_other_street_worker_gets_404(client: Client, world: World) -> None:
    a = confirmed(world, world.areas.community_a1)
    client.force_login(world.carol)
    assert client.get(reverse("assessments:assessment_detail", args=[a.pk])).status_code == 404
    assert client.get(reverse("assessments:assessment_report_pdf", args=[a.pk])).status_code == 404
    assert client.get(reverse("assessments:assessment_add") + f"?elder={a.elder_id}").status_code == 404
    assert client.get(reverse("assessment-detail", args=[a.pk])).status_code == 404


def test_auditor_is_read_only(client: Client, world: World) -> None:
    a = confirmed(world, world.areas.community_a1)
    client.force_login(world.grace)
    assert client.get(reverse("assessments:assessment_detail", args=[a.pk])).status_code == 200
    assert client.get(reverse("assessments:assessment_add") + f"?elder={a.elder_id}").status_code == 403
    response = client.post(reverse("assessment-list"), draft_payload(a), content_type="application/json")
    assert response.status_code == 403
