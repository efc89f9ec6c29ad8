"""A 重阳 campaign in Chromium: two departments register the same elder, the street sees the duplicate
before anything is bought and resolves it, the district opens delivery, a community worker on a phone
gets the elder's signature, and the 公示 PDF prints."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from yiyang.core.scoping import grant_membership
from yiyang.core.testing import PASSWORD, build_areas, make_user
from yiyang.core.testing_browser import TIMEOUT_MS, Traffic, login, shot
from yiyang.people.tests.factories import ElderFactory
from yiyang.visits.models import Campaign, Contribution, Recipient
from yiyang.visits.tests.factories import make_campaign, make_contributor

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def _login(page: Any, live_server: Any, username: str) -> None:
    """Log in, and let the landing page's own requests (dashboard cards) finish before going on: the
    test database (SQLite, shared cache) refuses two session writes at once."""
    login(page, live_server, username, PASSWORD)
    page.wait_for_load_state("networkidle")


def _register(page: Any, live_server: Any, campaign: Campaign, elder: Any, what: str) -> None:
    page.goto(f"{live_server.url}/visits/contributions/add/?campaign={campaign.pk}")
    page.locator("#id_id_number").fill(elder.id_number)
    page.locator("#id_kind").select_option("goods")
    page.locator("#id_description").fill(what)
    page.locator("#id_amount").fill("200")
    page.get_by_role("button", name="登记").click()
    page.get_by_text(f"已登记：{elder.name}").wait_for()


def test_the_duplicate_is_flagged_before_purchase(
    page: Any, browser: Any, live_server: Any, traffic: Traffic
) -> None:
    areas = build_areas()
    admin = make_user("quadmin", "district_admin", [areas.district])
    street = make_user("jiedao", "street_worker", [areas.street_a])
    community = make_user("shequ", "community_worker", [areas.community_a1])
    union, women = make_contributor(name="总工会"), make_contributor(name="妇联")
    gonghui, fulian = make_user("gonghui", "partner_staff"), make_user("fulian", "partner_staff")
    grant_membership(gonghui, union)
    grant_membership(fulian, women)
    campaign = make_campaign(areas.district, name="2026年重阳节慰问", budget=Decimal("5000"))
    elder = ElderFactory.create(name="钱秀兰", area=areas.community_a1, age=91, address="人民路8号")

    for user, what in ((gonghui, "慰问金"), (fulian, "棉被")):
        _login(page, live_server, user.username)
        _register(page, live_server, campaign, elder, what)
        page.context.clear_cookies()
    assert Contribution.objects.count() == 2

    _login(page, live_server, admin.username)
    page.goto(f"{live_server.url}/visits/campaigns/{campaign.pk}/")
    page.get_by_role("button", name="查重完成，开始采购发放").click()
    page.get_by_text("还有 1 位老人的重复登记未处理").wait_for()
    page.context.clear_cookies()

    _login(page, live_server, street.username)
    page.goto(f"{live_server.url}/visits/campaigns/{campaign.pk}/duplicates/")
    card = page.locator(".duplicate")
    assert card.count() == 1 and "钱秀兰" in card.inner_text() and "棉被" in card.inner_text()
    shot(page, "visits-campaign-duplicates")
    row = card.locator("li").filter(has_text="棉被")
    row.locator("input[name=note]").fill("与工会重复")
    row.get_by_role("button", name="撤销（重复）").click()
    page.locator("#no-duplicates").wait_for()
    page.context.clear_cookies()

    _login(page, live_server, admin.username)
    page.goto(f"{live_server.url}/visits/campaigns/{campaign.pk}/")
    page.get_by_role("button", name="查重完成，开始采购发放").click()
    page.get_by_text("查重完成，可以采购发放").wait_for()
    page.context.clear_cookies()

    phone = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 812}, is_mobile=True)
    phone.set_default_timeout(TIMEOUT_MS)
    mobile = phone.new_page()
    try:
        _login(mobile, live_server, community.username)
        mobile.goto(f"{live_server.url}/visits/campaigns/{campaign.pk}/delivery/")
        box = mobile.locator(".recipient").filter(has_text="钱秀兰")
        assert "慰问金" in box.inner_text() and "棉被" not in box.inner_text()
        box.locator("input[name=signer_name]").fill("钱秀兰")
        box.get_by_role("button", name="确认送达并签收").click()
        mobile.get_by_text("已签收：钱秀兰").wait_for()
        assert mobile.evaluate("document.documentElement.scrollWidth") <= 375
        shot(mobile, "visits-campaign-delivery")
        with mobile.expect_download() as download:
            mobile.evaluate(
                "url => { const a = document.createElement('a'); a.href = url; a.download = ''; "
                "document.body.appendChild(a); a.click(); }",
                f"/visits/campaigns/{campaign.pk}/public.pdf",
            )
        path = download.value.path()
        assert path is not None
        with open(path, "rb") as pdf:
            assert pdf.read(4) == b"%PDF"
    finally:
        phone.close()
    recipient = Recipient.objects.get(elder=elder)
    assert recipient.signer_name == "钱秀兰" and recipient.delivered_at is not None
    assert traffic.errors == []
