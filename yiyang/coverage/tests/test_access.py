"""The access matrix of the 15-minute service circle: coverage figures and site proposals by area."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from yiyang.core.testing import AccessMatrix, World, matrix_cases, next_number
from yiyang.coverage.models import CoverageResult, CoverageRun, SiteProposal


def make_result(world: World, area: Any) -> CoverageResult:
    run = CoverageRun.objects.create(detour_factor=1.3, walk_metres=1000)
    return CoverageResult.objects.create(
        run=run, area=area, area_path=area.path, level=area.level, kind="meal", total=10, covered=next_number(),
        computed_at=timezone.now(),
    )  # fmt: skip


def make_proposal(world: World, area: Any) -> SiteProposal:
    return SiteProposal.objects.create(area=area, kind="meal", k=1, detour_factor=1.3, walk_metres=1000)


MATRICES: dict[str, AccessMatrix] = {
    "result": AccessMatrix.standard(CoverageResult, make_result, api_basename="coverageresult"),
    "proposal": AccessMatrix.standard(
        SiteProposal,
        make_proposal,
        list_url="coverage:siteproposal_list",
        detail_url="coverage:siteproposal_detail",
        api_basename="siteproposal",
        marker=lambda p: p.get_absolute_url(),
    ),
}
CASES = matrix_cases(MATRICES)


@pytest.mark.parametrize(("key", "who", "endpoint"), CASES)
def test_access(client: Client, world: World, key: str, who: str, endpoint: str) -> None:
    MATRICES[key].check(client, world, who, endpoint)
