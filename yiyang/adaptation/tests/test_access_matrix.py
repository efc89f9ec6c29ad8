"""The access matrix of home adaptation: projects by area and by contractor, the due use checks, the
works photos (served only through the door), contractors, the catalogue and the caps."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.adaptation.choices import PhotoStage
from yiyang.adaptation.demo import png
from yiyang.adaptation.models import CapRule, CatalogueItem, Contractor, Photo, PlanLine, Project, add_months
from yiyang.adaptation.tests.factories import make_cap, make_contractor, make_item, make_project
from yiyang.core.testing import AccessMatrix, Endpoint, World, matrix_cases, next_number, xlsx_contains


def project_in(world: World, area: Any, contractor: Contractor | None = None) -> Project:
    return make_project(area, contractor=contractor, upto="assigned" if contractor else "surveyed")


def line_in(world: World, area: Any, contractor: Contractor | None = None) -> PlanLine:
    project = make_project(area, contractor=contractor, upto="assigned" if contractor else "surveyed")
    return project.lines.first()  # type: ignore[return-value]


def due_project_in(world: World, area: Any) -> Project:
    project = make_project(area, upto="paid")
    accepted = add_months(timezone.localdate(), -4)
    Project.objects.filter(pk=project.pk).update(
        accepted_on=accepted, use_check_from=add_months(accepted, 3), use_check_to=add_months(accepted, 6)
    )
    return project


def photo_in(world: World, area: Any, contractor: Contractor | None = None) -> Photo:
    project = make_project(area, contractor=contractor, upto="assigned")
    from yiyang.adaptation import actions

    return actions.project_add_photo(
        project=project, stage=PhotoStage.BEFORE, content=png(next_number()), actor=None
    )


def contractor_in(world: World, area: Any, contractor: Contractor | None = None) -> Contractor:
    return contractor or make_contractor()


MATRICES: dict[str, AccessMatrix] = {
    "project": AccessMatrix.standard(
        Project, project_in, list_url="adaptation:project_list", detail_url="adaptation:project_detail",
        api_basename="adaptationproject", marker=lambda p: p.elder.name, organisation=make_contractor,
        extra=[
            Endpoint("export", lambda p: reverse("adaptation:project_list") + "?export=xlsx", action="export",
                     listing=True, contains=xlsx_contains(lambda p: p.elder.name)),
        ],
    ),
    "line": AccessMatrix(
        PlanLine, line_in,
        [Endpoint("project-page", lambda line: reverse("adaptation:project_detail", args=[line.project_id])),
         Endpoint("project-api", lambda line: reverse("adaptationproject-detail", args=[line.project_id]), api=True)],
        organisation=make_contractor,
    ),
    "use-check": AccessMatrix(
        Project, due_project_in,
        [Endpoint("due", lambda _p: reverse("adaptation:usecheck_due"), action="check", listing=True,
                  contains=lambda r, p: p.elder.name in r.content.decode())],
    ),
    "photo": AccessMatrix(
        Photo, photo_in, [Endpoint("file", lambda ph: reverse("adaptation:photo", args=[ph.pk]))],
        organisation=make_contractor,
    ),
    "contractor": AccessMatrix.standard(
        Contractor, contractor_in, list_url="adaptation:contractor_list", edit_url="adaptation:contractor_edit",
        api_basename="adaptationcontractor", marker=lambda c: c.name, organisation=make_contractor,
    ),
    "catalogue": AccessMatrix.standard(
        CatalogueItem, make_item, list_url="adaptation:catalogueitem_list", edit_url="adaptation:catalogueitem_edit",
        api_basename="adaptationcatalogueitem", marker=lambda i: i.name,
    ),
    "cap": AccessMatrix.standard(
        CapRule, make_cap, list_url="adaptation:caprule_list", edit_url="adaptation:caprule_edit",
        api_basename="adaptationcaprule", marker=lambda c: c.basis,
    ),
}  # fmt: skip
CASES = matrix_cases(MATRICES)


@pytest.mark.parametrize(("key", "who", "endpoint"), CASES)
def test_access(client: Client, world: World, key: str, who: str, endpoint: str) -> None:
    MATRICES[key].check(client, world, who, endpoint)
