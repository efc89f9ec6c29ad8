"""Reading health and assessment data through the API is logged as the page's reading is (issue 18,
item 5): one AccessLog view row, the same fields."""

from __future__ import annotations

import pytest
from django.test import Client

from yiyang.core.models import AccessLog
from yiyang.core.testing import World

pytestmark = pytest.mark.django_db


def _rows(after: int = 0) -> list[tuple[str, str, str, int | None, str]]:
    return [
        (r.kind, r.object_type, r.object_id, r.subject_id, r.area_path)
        for r in AccessLog.objects.filter(kind=AccessLog.Kind.VIEW, id__gt=after).order_by("id")
    ]


def _last() -> int:
    """The access log is append-only: later reads are told apart by id, not by emptying it."""
    return AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_an_assessment_read_by_api_is_logged_like_the_page(client: Client, world: World) -> None:
    from yiyang.assessments.tests.test_access import confirmed

    assessment = confirmed(world, world.areas.community_a1)
    client.force_login(world.alice)
    assert client.get(f"/assessments/{assessment.pk}/").status_code == 200
    page = _rows()
    assert len(page) == 1
    before = _last()
    assert client.get(f"/api/v1/assessments/{assessment.pk}/").status_code == 200
    assert _rows(before) == page
