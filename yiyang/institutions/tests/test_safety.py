"""GB 38600 safety and supervision: an incident raises the register, findings escalate when their
deadline passes (once), re-checks close the inspection, and a self-assessment becomes a star level."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.core.models import AuditEntry
from yiyang.core.testing import World
from yiyang.institutions.actions import safety as actions
from yiyang.institutions.actions.residents import latest_risk_assessment
from yiyang.institutions.models import Finding, Incident, Inspection, StarAssessment, StarThreshold
from yiyang.institutions.stars import CHANGSHA
from yiyang.institutions.tests.factories import admit, make_institution, make_staff
from yiyang.people.tests.factories import ElderFactory

TODAY = timezone.localdate()


def test_a_fall_raises_the_register_and_counts_as_a_risk_event(client: Client, world: World) -> None:
    home = make_institution(world.areas.other_community)
    resident = admit(ElderFactory.create(area=world.areas.community_a1), home)
    staff = make_staff(home)
    first = latest_risk_assessment(resident.elder, home)
    assert first is not None
    before = {i.risk: i.level for i in first.items.all()}
    assert before["fall"] == 2 and before["wandering"] == 0
    client.force_login(staff)
    response = client.post(reverse("institutions:incident_add"), {
        "resident": resident.pk, "kind": "fall", "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "place": "卫生间", "harm": "minor", "description": "如厕时滑倒", "handling": "检查无骨折",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-2000:]
    register = latest_risk_assessment(resident.elder, home)
    assert register is not None and register.reason == "incident"
    after = {i.risk: (i.level, i.measures) for i in register.items.all()}
    assert after["fall"] == (3, "床边加装扶手，夜间留灯") and after["choking"][0] == 1
    page = client.get(resident.get_absolute_url()).content.decode()
    assert "如厕时滑倒" not in page and "跌倒" in page
    actions.incident_report(resident=resident, kind="wandering", occurred_at=timezone.now(), description="外出未归",
                            actor=staff)  # fmt: skip
    register = latest_risk_assessment(resident.elder, home)
    assert register is not None and {i.risk: i.level for i in register.items.all()}["wandering"] == 2
    assert actions.risk_events(resident.elder_id, TODAY) == {"fall": 1, "wandering": 1}
    with pytest.raises(ValidationError, match="事件经过"):
        actions.incident_report(
            resident=resident, kind="fall", occurred_at=timezone.now(), description=" ", actor=staff
        )
    assert Incident.objects.count() == 2


def test_findings_escalate_when_the_deadline_passes_and_rechecks_close(client: Client, world: World) -> None:
    home = make_institution(world.areas.community_a1, name="东市颐养院")
    staff = make_staff(home)
    client.force_login(world.bob)
    response = client.post(reverse("institutions:inspection_add"), {
        "institution": home.pk, "inspected_on": f"{TODAY - datetime.timedelta(days=40):%Y-%m-%d}",
        "inspectors": "张科长", "summary": "年度检查",
    })  # fmt: skip
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    url = reverse("institutions:finding_action", args=[inspection.pk, "add"])
    client.post(
        url,
        {
            "description": "灭火器过期",
            "deadline": f"{TODAY - datetime.timedelta(days=1):%Y-%m-%d}",
            "severity": "serious",
        },
    )
    client.post(
        url, {"description": "护理员无证上岗", "deadline": f"{TODAY + datetime.timedelta(days=10):%Y-%m-%d}"}
    )
    assert Finding.objects.count() == 2
    # How serious each is: as chosen, or 一般 when the form sent none.
    assert dict(Finding.objects.values_list("description", "severity")) == {
        "灭火器过期": "serious",
        "护理员无证上岗": "general",
    }
    # A street worker of another street cannot add findings here.
    client.force_login(world.carol)
    assert client.post(url, {"description": "x", "deadline": f"{TODAY:%Y-%m-%d}"}).status_code == 404
    assert call_command_count() == 1
    assert call_command_count() == 0  # run again: nothing escalated twice
    overdue = Finding.objects.get(description="灭火器过期")
    assert (overdue.status, overdue.escalated_on) == ("escalated", TODAY)
    client.force_login(world.bob)
    page = client.get(inspection.get_absolute_url()).content.decode()
    assert "逾期已督办" in page
    # The home puts it right; the street re-checks, fails it once, then passes both.
    client.force_login(staff)
    rectify = reverse("institutions:finding_action", args=[overdue.pk, "rectify"])
    assert (
        client.post(rectify, {"on": f"{TODAY:%Y-%m-%d}", "rectification": "已更换灭火器"}).status_code == 302
    )
    client.force_login(world.bob)
    recheck = reverse("institutions:finding_action", args=[overdue.pk, "recheck"])
    client.post(recheck, {"passed": "0", "on": f"{TODAY:%Y-%m-%d}", "note": "仍有一具过期",
                          "new_deadline": f"{TODAY + datetime.timedelta(days=7):%Y-%m-%d}"})  # fmt: skip
    overdue.refresh_from_db()
    assert overdue.status == "open" and overdue.deadline == TODAY + datetime.timedelta(days=7)
    for finding in Finding.objects.all():
        actions.finding_rectify(finding=finding, on=TODAY, note="已整改", actor=staff)
        actions.finding_recheck(finding=finding, passed=True, on=TODAY, note="通过", actor=world.bob)
    inspection.refresh_from_db()
    assert inspection.status == "closed"
    assert AuditEntry.objects.filter(verb="finding.escalate").count() == 1


def call_command_count() -> int:
    from io import StringIO

    out = StringIO()
    call_command("institutions_escalate", stdout=out)
    return int(out.getvalue().split()[1])


def test_self_assessment_to_star_level_under_thresholds_as_data(client: Client, world: World) -> None:
    home = make_institution(world.areas.community_a1)
    staff = make_staff(home)
    scores = {"environment": 90, "facilities": 95, "management": 110, "service": 420}
    with pytest.raises(ValidationError, match="星级评定标准"):
        actions.star_assessment_submit(institution=home, scores=scores, actor=staff)
    for t in CHANGSHA:
        StarThreshold.objects.create(level=t.level, min_total=t.min_total, min_area_share=t.min_area_share,
                                     valid_from=datetime.date(2020, 1, 1))  # fmt: skip
    client.force_login(staff)
    response = client.post(reverse("institutions:starassessment_add"), {
        "institution": home.pk, "assessed_on": f"{TODAY:%Y-%m-%d}", **scores,
    })  # fmt: skip
    assert response.status_code == 302
    row = StarAssessment.objects.filter(institution=home).get()
    assert (row.total, row.level) == (715, 3)
    # Staff cannot confirm; the district does, and the home's level follows.
    assert client.post(reverse("institutions:starassessment_confirm", args=[row.pk])).status_code == 403
    client.force_login(world.alice)
    client.post(reverse("institutions:starassessment_confirm", args=[row.pk]))
    home.refresh_from_db()
    assert home.star_level == 3
    with pytest.raises(ValidationError, match="已评定"):
        row.refresh_from_db()
        actions.star_assessment_confirm(assessment=row, actor=world.alice)
    bad = client.post(reverse("institutions:starassessment_add"), {
        "institution": home.pk, "assessed_on": f"{TODAY:%Y-%m-%d}", **scores, "service": 700,
    })  # fmt: skip
    assert bad.status_code == 200 and StarAssessment.objects.filter(institution=home).count() == 1
