"""Monthly provider scorecards: every point traced to its event, rules as data with dates, the credit
list, a rerun that replaces the month, and a provider that sees its own score and events only."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.complaints.actions import case_assign, case_create, case_reply, scorecards_compute
from yiyang.complaints.actions.intake import CaseData
from yiyang.complaints.models import ProviderScore, ScorePoint, ScoreRule
from yiyang.core.testing import World
from yiyang.services.actions.visits import visit_check_in, visit_check_out, visit_sign_off
from yiyang.services.models import ReturnCall, ServiceException, Visit, VisitRating
from yiyang.services.tests import factories as f

pytestmark = pytest.mark.django_db


def verified_visit(world: World, provider: Any, worker: Any, user: Any, elder: Any) -> Visit:
    start = timezone.now() - datetime.timedelta(hours=3)
    order = f.assigned(world.erin, provider, worker, e=elder, start=start)
    visit = visit_check_in(order=order, latitude=f.HOME[0], longitude=f.HOME[1], at=start, actor=user)
    visit = visit_check_out(visit=visit, latitude=f.HOME[0], longitude=f.HOME[1],
                            at=start + datetime.timedelta(minutes=70), actor=user)  # fmt: skip
    return visit_sign_off(
        visit=visit, method="signature", signature_png=b"\x89PNG\r\n\x1a\n" + b"\0" * 64, actor=user
    )


@pytest.fixture
def month_of_events(world: World) -> dict[str, Any]:
    item = f.item()
    ours, other = f.provider(items=[item], name="颐和家政"), f.provider(items=[item], name="惠民服务")
    user = f.staff(ours)
    worker = f.worker(ours, user=user)
    elder = f.elder(world.areas.community_a1)
    visits = [verified_visit(world, ours, worker, user, elder) for _ in range(3)]
    ServiceException.objects.filter(work_order__in=[v.work_order for v in visits]).delete()
    area = elder.area_path
    make = ServiceException.objects.create
    make(
        work_order=visits[0].work_order,
        visit=visits[0],
        provider=ours,
        kind="missed",
        area_path=area,
        detail="漏服务",
    )
    make(
        work_order=visits[1].work_order,
        visit=visits[1],
        provider=ours,
        kind="late",
        area_path=area,
        detail="迟到 20 分钟",
    )
    make(work_order=visits[2].work_order, visit=visits[2], provider=ours, kind="too_short", area_path=area,
         status="dismissed", detail="已核实无误")  # fmt: skip
    # Signing off may already have sampled a visit for a return call: one call per visit.
    ReturnCall.objects.filter(visit__in=visits).delete()
    VisitRating.objects.filter(visit__in=visits).delete()
    ReturnCall.objects.create(visit=visits[0], provider=ours, area_path=area, due_date=timezone.localdate(),
                              called_at=timezone.now(), reached=True, satisfied=False, note="不满意")  # fmt: skip
    VisitRating.objects.create(visit=visits[1], provider=ours, area_path=area, score=2, comment="态度差")
    case, _ = case_create(data=CaseData(channel="hotline", category="service", title="漏服务", content="周二未上门",
                                        elder=elder, work_order=visits[0].work_order), actor=world.erin)  # fmt: skip
    case_assign(case=case, unit_kind="provider", unit_provider=ours, actor=world.erin)
    case_reply(case=case, reply="属实，已补做", finding="upheld", actor=user)
    return {"ours": ours, "other": other, "user": user, "case": case}


def test_the_month_scores_every_event_and_traces_it(world: World, month_of_events: dict[str, Any]) -> None:
    ours = month_of_events["ours"]
    run = scorecards_compute(month=timezone.localdate(), actor=world.alice)
    points = {p.source: p for p in ScorePoint.objects.filter(provider=ours)}
    assert set(points) == {"complaint_upheld", "visit_missed", "visit_late", "callback_bad", "rating_low"}
    assert points["complaint_upheld"].ref_type == "complaints.case"
    assert points["complaint_upheld"].ref_id == month_of_events["case"].pk
    assert points["visit_missed"].ref_type == "services.workorder"
    score = ProviderScore.objects.get(provider=ours)
    assert score.score == Decimal("100") - 5 - 3 - 1 - 2 - 1 == Decimal("88")
    assert score.events == 5 and score.deducted == 12 and score.credit_list == ""
    assert run.points == 5 and run.providers == 1  # the other provider had no visit and no event
    # A rerun replaces the month: nothing doubled.
    scorecards_compute(month=timezone.localdate(), actor=world.alice)
    assert ScorePoint.objects.filter(provider=ours).count() == 5 and ProviderScore.objects.count() == 1


def test_rules_are_data_with_dates(world: World, month_of_events: dict[str, Any]) -> None:
    month = timezone.localdate().replace(day=1)
    ScoreRule.objects.filter(source="black_below").update(valid_to=month - datetime.timedelta(days=1))
    ScoreRule.objects.create(source="black_below", points=95, valid_from=month, basis="从严")
    ScoreRule.objects.filter(source="complaint_upheld").update(valid_from=month + datetime.timedelta(days=40))
    scorecards_compute(month=month, actor=world.alice)
    score = ProviderScore.objects.get(provider=month_of_events["ours"])
    assert score.score == Decimal("93") and score.credit_list == "black"  # no upheld rule yet; below 95


def test_only_the_district_computes(world: World, month_of_events: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        scorecards_compute(month=timezone.localdate(), actor=world.bob)


def test_the_provider_sees_its_own_score_and_events(
    client: Client, world: World, month_of_events: dict[str, Any]
) -> None:
    scorecards_compute(month=timezone.localdate(), actor=world.alice)
    ours = month_of_events["ours"]
    score = ProviderScore.objects.get(provider=ours)
    client.force_login(month_of_events["user"])
    page = client.get(reverse("complaints:providerscore_detail", args=[score.pk])).content.decode()
    assert "88.0" in page and "漏服务" in page and "态度差" in page
    assert reverse("complaints:case_detail", args=[month_of_events["case"].pk]) in page
    listing = client.get(reverse("complaints:providerscore_list")).content.decode()
    assert "颐和家政" in listing
    outsider = f.staff(month_of_events["other"])
    client.force_login(outsider)
    assert client.get(reverse("complaints:providerscore_detail", args=[score.pk])).status_code == 404
    assert "态度差" not in client.get(reverse("complaints:scorepoint_list")).content.decode()


def test_the_district_computes_from_the_page(
    client: Client, world: World, month_of_events: dict[str, Any]
) -> None:
    client.force_login(world.alice)
    month = f"{timezone.localdate():%Y-%m}"
    response = client.post(reverse("complaints:providerscore_list"), {"month": month})
    assert response.status_code == 302 and ProviderScore.objects.count() == 1
    assert client.post(reverse("complaints:providerscore_list"), {"month": "13/2026"}).status_code == 302
    client.force_login(world.bob)
    assert client.post(reverse("complaints:providerscore_list"), {"month": month}).status_code == 403
