"""A home's staff admit a 特困 elder for centralised support (集中供养), and the street sees the
benefit change on the elder's page — walked in a real browser (the staff on a phone)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from yiyang.assessments.tests.factories import make_assessment
from yiyang.benefits import actions as benefits_actions
from yiyang.benefits.models import CentralisedSupport, RollLine
from yiyang.benefits.tests.factories import certify
from yiyang.core.scoping import grant_membership
from yiyang.core.testing import PASSWORD, build_areas, make_user
from yiyang.core.testing_browser import Traffic, login, shot, wait_for_record
from yiyang.institutions.actions.residents import risk_assessment_create
from yiyang.institutions.models import Resident
from yiyang.institutions.tests.factories import make_bed, make_institution
from yiyang.institutions.tests.test_registry_seams import support_programmes
from yiyang.people.tests.factories import ElderFactory

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def test_staff_admit_a_tekun_elder_and_the_street_sees_the_benefit_change(
    page: Any, live_server: Any, traffic: Traffic
) -> None:
    areas = build_areas()
    today = timezone.localdate()
    admitted = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=5)  # last month, the 5th
    home = make_institution(areas.community_a1, name="金沙敬老院", kind="public")
    bed = make_bed(home, building="1号楼", floor=1, room="103", number="2")
    staff = make_user("jinsha", "institution_staff", last_name="陈", first_name="玉梅")
    grant_membership(staff, home)
    street = make_user("jiedao", "street_worker", [areas.street_a], last_name="赵", first_name="敏")
    elder: Any = ElderFactory(name="孙德明", age=79, area=areas.community_a2, living_situation="alone")
    certify(elder, "tekun", datetime.date(2024, 3, 1))
    make_assessment(elder, total=52, assessed_on=admitted - datetime.timedelta(days=20))
    risk_assessment_create(
        elder=elder, institution=home, assessor="陈护士", assessed_on=admitted - datetime.timedelta(days=2),
        items={"fall": (2, "床边扶手")}, actor=None,
    )  # fmt: skip
    dispersed, centralised = support_programmes()

    # -- the home's staff, on a phone ------------------------------------------------------------------
    page.set_viewport_size({"width": 375, "height": 812})
    login(page, live_server, staff.username, PASSWORD)
    page.goto(f"{live_server.url}/institutions/residents/admit/")
    page.locator("#id_id_number").fill(elder.id_number)
    page.locator("#id_name").fill("孙德明")
    page.locator("#id_bed").select_option(str(bed.pk))
    page.locator("#id_admitted_on").fill(f"{admitted:%Y-%m-%d}")
    page.locator("#id_centralised_support").check()
    shot(page, "institutions-admit-tekun-phone")
    page.get_by_role("button", name="办理入住").click()
    wait_for_record(page, "/institutions/residents/")
    assert "是" in page.locator("#centralised-support").inner_text()
    shot(page, "institutions-admitted-tekun-phone")
    stay = Resident.objects.get(elder=elder)
    assert stay.centralised_support
    support = CentralisedSupport.objects.get(elder=elder)
    assert support.start_date == admitted and support.place == "金沙敬老院"
    page.context.clear_cookies()

    # -- the street ------------------------------------------------------------------------------------
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, street.username, PASSWORD)
    page.goto(f"{live_server.url}/people/elders/{elder.pk}/")
    timeline = page.locator("#timeline")
    timeline.wait_for()
    text = timeline.inner_text()
    this_month = today.replace(day=1)
    assert "特困集中供养（金沙敬老院）" in text, text
    assert f"{this_month.year}年{this_month.month}月起停发分散供养金，发放集中供养金" in text
    assert "入住 金沙敬老院" in text
    timeline.scroll_into_view_if_needed()
    shot(page, "institutions-street-sees-centralised-support")
    # This month's rolls follow: the centralised programme pays, the dispersed one does not.
    for programme, expected in ((dispersed, None), (centralised, Decimal("1200"))):
        roll = benefits_actions.payment_roll_generate(
            programme=programme, area=areas.district, month=this_month, actor=None
        )
        line = RollLine.objects.filter(roll=roll, elder=elder).exclude(change_type="stopped").first()
        assert (line.base_amount if line else None) == expected
    ours = [f for f in traffic.failures if "/institutions/" in f or "/people/" in f]
    assert not ours and not traffic.errors, (ours, traffic.errors)
