"""The access matrix of the care workforce: workers and their certificates on both axes (the area
they work in, and membership of their employer: a provider, or an institution), classes and
trainees, the rules, the rolls and their lines; list, detail, edit, API and export."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from yiyang.core.testing import AccessMatrix, Endpoint, World, matrix_cases, next_number, xlsx_contains
from yiyang.institutions.models import Institution
from yiyang.institutions.tests.factories import make_institution
from yiyang.services.models import Provider
from yiyang.workforce.choices import SubsidyKind
from yiyang.workforce.models import (
    CareWorker,
    Certificate,
    PostSubsidyLine,
    PostSubsidyRoll,
    PostSubsidyRule,
    Trainee,
    TrainingClass,
    TrainingPlanRule,
)
from yiyang.workforce.tests.factories import make_certificate, make_class, make_provider, make_worker


def provider_org(world: World, name: str) -> Provider:
    return make_provider(f"服务商{name}{next_number()}")


def institution_org(world: World, name: str) -> Institution:
    return make_institution(world.areas.other_community, name=f"养老院{name}{next_number()}")


def worker_in(world: World, area: Any, employer: Any = None) -> CareWorker:
    return make_worker(area, employer)


def certificate_in(world: World, area: Any, employer: Any = None) -> Certificate:
    return make_certificate(make_worker(area, employer))


def trainee_in(world: World, area: Any, employer: Any = None) -> Trainee:
    return Trainee.objects.create(training_class=make_class(area), worker=make_worker(area, employer))


def class_in(world: World, area: Any) -> TrainingClass:
    return make_class(area)


def plan_in(world: World, area: Any) -> TrainingPlanRule:
    return TrainingPlanRule.objects.create(name=f"计划{next_number()}", min_classes=10, min_trainees=500,
                                           valid_from=datetime.date(2030, 1, 1))  # fmt: skip


def rule_in(world: World, area: Any) -> PostSubsidyRule:
    return PostSubsidyRule.objects.create(kind=SubsidyKind.SENIORITY, years_from=next_number() % 90,
                                          amount=Decimal("1"), valid_from=datetime.date(2030, 1, 1),
                                          note=f"规则{next_number()}")  # fmt: skip


def _street(area: Any) -> Any:
    return area if area.level <= 4 else area.parent


def roll_in(world: World, area: Any) -> PostSubsidyRoll:
    return PostSubsidyRoll.objects.create(
        area=_street(area), month=datetime.date(2020 + next_number() % 50, 1, 1)
    )


def line_in(world: World, area: Any, employer: Any = None) -> PostSubsidyLine:
    cert = certificate_in(world, area, employer)
    roll = roll_in(world, area)
    return PostSubsidyLine.objects.create(roll=roll, worker=cert.worker, month=roll.month, certificate=cert,
                                          level=cert.level, post_amount=Decimal("200"), years=5,
                                          seniority_amount=Decimal("150"), amount=Decimal("350"),
                                          area_path=cert.worker.area_path)  # fmt: skip


def _export(list_name: str, marker: Any) -> Endpoint:
    return Endpoint("export", lambda _o: reverse(list_name) + "?export=xlsx", action="export", listing=True,
                    contains=xlsx_contains(marker))  # fmt: skip


MATRICES: dict[str, AccessMatrix] = {
    "worker": AccessMatrix.standard(
        CareWorker, worker_in, list_url="workforce:careworker_list", detail_url="workforce:careworker_detail",
        edit_url="workforce:careworker_edit", api_basename="careworker", marker=lambda w: w.id_number_masked,
        organisation=provider_org, extra=[_export("workforce:careworker_list", lambda w: w.id_number_masked)],
    ),
    "worker-institution": AccessMatrix.standard(
        CareWorker, worker_in, list_url="workforce:careworker_list", detail_url="workforce:careworker_detail",
        marker=lambda w: w.id_number_masked, organisation=institution_org,
    ),
    "certificate": AccessMatrix.standard(
        Certificate, certificate_in, list_url="workforce:certificate_list", edit_url="workforce:certificate_edit",
        api_basename="workercertificate", marker=lambda c: c.number, organisation=provider_org,
        extra=[_export("workforce:certificate_list", lambda c: c.number)],
    ),
    "class": AccessMatrix.standard(
        TrainingClass, class_in, list_url="workforce:trainingclass_list",
        detail_url="workforce:trainingclass_detail", edit_url="workforce:trainingclass_edit",
        api_basename="trainingclass", marker=lambda c: c.name,
        extra=[_export("workforce:trainingclass_list", lambda c: c.name)],
    ),
    "trainee": AccessMatrix.standard(
        Trainee, trainee_in, organisation=provider_org,
        detail_url="workforce:careworker_detail", url_args=lambda t: [t.worker_id],
    ),
    "plan": AccessMatrix.standard(TrainingPlanRule, plan_in, list_url="workforce:trainingplanrule_list",
                                  edit_url="workforce:trainingplanrule_edit", marker=lambda p: p.name),
    "rule": AccessMatrix.standard(PostSubsidyRule, rule_in, list_url="workforce:postsubsidyrule_list",
                                  edit_url="workforce:postsubsidyrule_edit", marker=lambda r: r.note),
    "roll": AccessMatrix.standard(
        PostSubsidyRoll, roll_in, list_url="workforce:postsubsidyroll_list",
        detail_url="workforce:postsubsidyroll_detail", api_basename="postsubsidyroll",
        marker=lambda r: r.get_absolute_url(),
    ),
    "line": AccessMatrix.standard(
        PostSubsidyLine, line_in, list_url="workforce:postsubsidyline_list", api_basename="postsubsidyline",
        marker=lambda ln: ln.worker.get_absolute_url(), organisation=provider_org,
    ),
}  # fmt: skip

CASES = matrix_cases(MATRICES)


@pytest.mark.parametrize(("key", "who", "endpoint"), CASES)
def test_access(client: Client, world: World, key: str, who: str, endpoint: str) -> None:
    MATRICES[key].check(client, world, who, endpoint)
