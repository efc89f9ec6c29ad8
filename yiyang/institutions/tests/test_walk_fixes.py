"""What walking the institution pages turned up: an inspection that found nothing can be closed (it
used to stay 整改中 for ever); an incident reported after local midnight is dated that local day."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from yiyang.core.testing import World
from yiyang.institutions.actions.residents import latest_risk_assessment
from yiyang.institutions.actions.safety import finding_add, incident_report
from yiyang.institutions.models import Inspection
from yiyang.institutions.tests.factories import admit, make_institution, make_staff
from yiyang.people.tests.factories import ElderFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 10)


def test_an_inspection_without_findings_is_closed_by_its_supervisor(client: Client, world: World) -> None:
    home = make_institution(world.areas.community_a1, name="安康养老院")
    clean = Inspection.objects.create(institution=home, inspected_on=DAY, inspectors="区民政局")
    pending = Inspection.objects.create(institution=home, inspected_on=DAY, inspectors="区民政局")
    finding_add(inspection=pending, description="消防通道堵塞", deadline=DAY + datetime.timedelta(days=10),
                actor=world.alice)  # fmt: skip
    client.force_login(make_staff(home))  # the home cannot close its own inspection
    assert client.post(reverse("institutions:inspection_close", args=[clean.pk])).status_code == 403
    client.force_login(world.carol)  # a street worker of another street cannot reach it
    assert client.post(reverse("institutions:inspection_close", args=[clean.pk])).status_code == 404
    client.force_login(world.bob)
    page = client.get(clean.get_absolute_url()).content.decode()
    assert 'id="inspection-close"' in page and "未发现问题，结案" in page
    assert 'id="inspection-close"' not in client.get(pending.get_absolute_url()).content.decode()
    assert client.post(reverse("institutions:inspection_close", args=[clean.pk])).status_code == 302
    assert client.post(reverse("institutions:inspection_close", args=[pending.pk])).status_code == 302
    clean.refresh_from_db()
    pending.refresh_from_db()
    assert (clean.status, pending.status) == ("closed", "open")


def test_an_incident_after_local_midnight_is_dated_that_local_day(world: World) -> None:
    home = make_institution(world.areas.community_a1)
    resident = admit(ElderFactory.create(area=world.areas.community_a1), home, admitted_on=DAY)
    # 17:30 UTC on the 10th is 01:30 on the 11th in Asia/Shanghai.
    at = datetime.datetime(2026, 3, 10, 17, 30, tzinfo=datetime.UTC)
    incident_report(resident=resident, kind="fall", occurred_at=at, description="夜间如厕跌倒", actor=None)
    register = latest_risk_assessment(resident.elder, home)
    assert register is not None and register.assessed_on == datetime.date(2026, 3, 11)
