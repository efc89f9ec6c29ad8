"""The adaptation pages: the contractor's own jobs only, refused input kept with its reason, the
list's exact count past one page, the export's typed cells, the API's refusal, the dashboard figures."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.adaptation.choices import Status
from yiyang.adaptation.demo import ensure_rules
from yiyang.adaptation.figures import accepted_share, households, paid
from yiyang.adaptation.models import Project
from yiyang.adaptation.tests.factories import make_contractor, make_project
from yiyang.core.scoping import grant_membership
from yiyang.core.testing import World, make_user
from yiyang.people.tests.factories import CertificationFactory, ElderFactory

pytestmark = pytest.mark.django_db


def test_contractor_pages_show_only_its_own_jobs(client: Client, world: World) -> None:
    ours = make_contractor(name="甲")
    mine = make_project(world.areas.community_a1, contractor=ours, upto="assigned")
    other = make_project(world.areas.community_a1, contractor=make_contractor(name="乙"), upto="assigned")
    worker = make_user("shigong", "contractor")
    grant_membership(worker, ours)
    client.force_login(worker)
    listing = client.get(reverse("adaptation:project_list")).content.decode()
    assert mine.elder.name in listing and other.elder.name not in listing
    assert client.get(reverse("adaptation:project_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("adaptation:project_detail", args=[other.pk])).status_code == 404
    refused = client.post(reverse("adaptation:project_action", args=[mine.pk, "pay"]), {"amount": "1"})
    assert refused.status_code == 403


def test_a_payment_above_the_cap_is_refused_on_the_page_and_keeps_what_was_typed(
    client: Client, world: World
) -> None:
    project = make_project(world.areas.community_a1, upto="accepted")
    client.force_login(world.bob)
    url = reverse("adaptation:project_action", args=[project.pk, "pay"])
    today = f"{timezone.localdate():%Y-%m-%d}"
    response = client.post(url, {"amount": "3600", "paid_on": today, "reference": "FK-9"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "付款金额 3,600.00 元超过每户补助上限 3,500.00 元" in body and 'value="FK-9"' in body
    project.refresh_from_db()
    assert project.status == Status.ACCEPTED and project.paid_amount is None
    before = make_project(world.areas.community_a1, upto="works_done")
    response = client.post(reverse("adaptation:project_action", args=[before.pk, "pay"]),
                           {"amount": "100", "paid_on": today})  # fmt: skip
    assert "尚未验收" in response.content.decode()


def test_the_list_counts_past_one_page_and_exports_typed_cells(client: Client, world: World) -> None:
    ensure_rules()
    for _ in range(55):
        CertificationFactory.create(
            elder=ElderFactory.create(area=world.areas.community_a1), category="dibao"
        )
    client.force_login(world.bob)
    client.post(
        reverse("adaptation:project_enrol"),
        {"area": world.areas.street_a.pk, "on": f"{timezone.localdate():%Y-%m-%d}"},
    )
    client.post(
        reverse("adaptation:project_enrol"),
        {"area": world.areas.street_a.pk, "on": f"{timezone.localdate():%Y-%m-%d}"},
    )
    assert Project.objects.count() == 55
    page = client.get(reverse("adaptation:project_list")).content.decode()
    assert "共 55 条" in page
    response = client.get(reverse("adaptation:project_list"), {"export": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows())
    assert len(rows) == 56
    headers = [c.value for c in rows[0]]
    cap = rows[1][headers.index("补助上限（元）")]
    assert cap.value == 3500 and cap.number_format == "0.00"
    assert rows[1][headers.index("纳入日期")].is_date


def test_the_api_refuses_a_payment_before_acceptance_with_the_reason(client: Client, world: World) -> None:
    project = make_project(world.areas.community_a1, upto="works_done")
    client.force_login(world.bob)
    url = reverse("adaptationproject-pay", args=[project.pk])
    body = {"amount": "100.00", "paid_on": f"{timezone.localdate():%Y-%m-%d}"}
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 400 and "尚未验收" in response.content.decode()
    accepted = make_project(world.areas.community_a1, upto="accepted")
    url = reverse("adaptationproject-pay", args=[accepted.pk])
    body["amount"] = str(accepted.plan_total)
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "paid"


def test_dashboard_figures_compare_streets(world: World) -> None:
    a = world.areas
    make_project(a.community_a1, upto="paid")
    make_project(a.community_a1, upto="surveyed")
    make_project(a.community_b1, upto="accepted")
    children = [a.street_a.path, a.street_b.path]
    assert households(world.alice, a.district.path, children) == {a.street_a.path: 2, a.street_b.path: 1,
                                                                 a.district.path: 3}  # fmt: skip
    shares = accepted_share(world.alice, a.district.path, children)
    assert shares[a.street_a.path] == 0.5 and shares[a.street_b.path] == 1.0
    money = paid(world.alice, a.district.path, children)
    assert money[a.street_a.path] == Decimal("910.00") and money[a.street_b.path] == 0
    assert households(world.bob, a.street_a.path, [a.community_a1.path])[a.street_a.path] == 2
