"""Holiday condolence campaigns: recipients from rules, registrations checked for duplicates before purchase,
never over budget or standard without an audited override, delivery signed for, the 公示 PDF."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from yiyang.core.models import AuditEntry
from yiyang.core.scoping import grant_membership
from yiyang.core.testing import World, make_user
from yiyang.people.tests.factories import ElderFactory
from yiyang.visits import campaigns
from yiyang.visits.models import Contribution, Recipient
from yiyang.visits.tests.factories import make_campaign, make_contributor, standard_rules

pytestmark = pytest.mark.django_db


def _partner(username: str, contributor: Any) -> Any:
    user = make_user(username, "partner_staff")
    grant_membership(user, contributor)
    return user


def test_recipients_from_rules_in_one_statement_and_twice_adds_nothing(world: World) -> None:
    rules = standard_rules()
    campaign = make_campaign(world.areas.district)
    campaign.target_rules.set([r for r in rules if r.name in ("80岁以上独居", "特困老人")])
    alone = ElderFactory.create(area=world.areas.community_a1, age=85, living_situation="alone")
    tekun = ElderFactory.create(area=world.areas.community_b1, age=65, categories="tekun")
    ElderFactory.create(area=world.areas.community_a1, age=70)
    ElderFactory.create(area=world.areas.other_community, age=90, living_situation="alone")
    assert campaigns.recipients_from_rules(campaign=campaign, actor=world.alice) == 2
    assert campaigns.recipients_from_rules(campaign=campaign, actor=world.alice) == 0
    reasons = dict(Recipient.objects.values_list("elder_id", "reason"))
    assert reasons == {alone.pk: "80岁以上独居", tekun.pk: "特困老人"}
    with pytest.raises(PermissionDenied):
        campaigns.recipients_from_rules(campaign=campaign, actor=world.bob)


def test_two_departments_the_duplicate_flagged_and_resolved_before_purchase(world: World) -> None:
    campaign = make_campaign(world.areas.district)
    union, women = make_contributor(name="工会"), make_contributor(name="妇联")
    u1, w1 = _partner("gonghui", union), _partner("fulian", women)
    elder = ElderFactory.create(area=world.areas.community_a1, age=88)
    other = ElderFactory.create(area=world.areas.community_b1, age=81)
    a = campaigns.contribution_add(campaign=campaign, contributor=union, elder=elder, kind="money",
                                   description="慰问金", amount=Decimal("200"), actor=u1)  # fmt: skip
    b = campaigns.contribution_add(campaign=campaign, contributor=women, elder=elder, kind="goods",
                                   description="米油礼包", amount=Decimal("150"), actor=w1)  # fmt: skip
    campaigns.contribution_add(campaign=campaign, contributor=women, elder=other, kind="goods",
                               description="米油礼包", amount=Decimal("150"), actor=w1)  # fmt: skip
    with pytest.raises(PermissionDenied):  # a department registers only for itself
        campaigns.contribution_add(campaign=campaign, contributor=union, elder=other, kind="money",
                                   description="慰问金", amount=Decimal("100"), actor=w1)  # fmt: skip
    # Each department sees only its own registrations.
    assert set(Contribution.objects.for_user(u1)) == {a}
    assert b in Contribution.objects.for_user(w1) and a not in Contribution.objects.for_user(w1)
    # The street sees the elder counted twice, before anything is bought; the other street does not.
    assert [r.elder_id for r in campaigns.duplicates(campaign, world.bob)] == [elder.pk]
    assert list(campaigns.duplicates(campaign, world.carol)) == []
    with pytest.raises(ValidationError):
        campaigns.campaign_open_purchase(campaign=campaign, actor=world.alice)
    with pytest.raises(ValidationError):  # cancelling needs a reason
        campaigns.contribution_resolve(contribution=b, keep=False, note="", actor=world.bob)
    campaigns.contribution_resolve(contribution=b, keep=False, note="与工会重复，由工会慰问", actor=world.bob)
    assert list(campaigns.duplicates(campaign, world.bob)) == []
    campaigns.campaign_open_purchase(campaign=campaign, actor=world.alice)
    assert AuditEntry.objects.filter(verb="contribution.cancel", object_id=str(b.pk)).exists()
    # Delivery with the elder's signature, once.
    recipient = Recipient.objects.get(campaign=campaign, elder=elder)
    with pytest.raises(ValidationError):
        campaigns.recipient_deliver(recipient=recipient, signer_name=" ", actor=world.dave)
    campaigns.recipient_deliver(recipient=recipient, signer_name=elder.name, actor=world.dave)
    with pytest.raises(ValidationError):
        campaigns.recipient_deliver(recipient=recipient, signer_name=elder.name, actor=world.dave)
    assert campaigns.totals(campaign).registered == Decimal("350.00")  # the cancelled 150 does not count


def test_never_over_the_standard_or_the_budget_without_an_audited_override(world: World) -> None:
    campaign = make_campaign(world.areas.district, budget=Decimal("600"), standard=Decimal("300"))
    union = make_contributor(name="工会")
    partner = _partner("gonghui", union)
    elder = ElderFactory.create(area=world.areas.community_a1)
    campaigns.contribution_add(campaign=campaign, contributor=union, elder=elder, kind="money",
                               description="慰问金", amount=Decimal("200"), actor=partner)  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        campaigns.contribution_add(campaign=campaign, contributor=union, elder=elder, kind="goods",
                                   description="礼包", amount=Decimal("150"), actor=partner)  # fmt: skip
    assert "超出每人标准" in str(caught.value)
    with pytest.raises(PermissionDenied):  # a department may not override
        campaigns.contribution_add(campaign=campaign, contributor=union, elder=elder, kind="goods",
                                   description="礼包", amount=Decimal("150"), actor=partner, override_reason="特殊困难")  # fmt: skip
    row = campaigns.contribution_add(campaign=campaign, contributor=union, elder=elder, kind="goods",
                                     description="礼包", amount=Decimal("150"), actor=world.alice,
                                     override_reason="重病住院，经区民政局批准")  # fmt: skip
    assert row.override_reason == "重病住院，经区民政局批准"
    entry = AuditEntry.objects.get(verb="contribution.add", object_id=str(row.pk))
    assert "超出每人标准" in entry.message and "重病住院" in entry.message
    second = ElderFactory.create(area=world.areas.community_a1)
    with pytest.raises(ValidationError) as caught:
        campaigns.contribution_add(campaign=campaign, contributor=union, elder=second, kind="money",
                                   description="慰问金", amount=Decimal("300"), actor=partner)  # fmt: skip
    assert "超出活动预算" in str(caught.value)
    assert Contribution.objects.count() == 2


def test_the_walk_through_the_pages(client: Client, world: World) -> None:
    campaign = make_campaign(world.areas.district, name="2026年重阳节慰问")
    union, women = make_contributor(name="工会"), make_contributor(name="妇联")
    u1, w1 = _partner("gonghui", union), _partner("fulian", women)
    elder = ElderFactory.create(area=world.areas.community_a1, age=90, name="钱秀兰")
    for user, contributor, what in ((u1, union, "慰问金"), (w1, women, "棉被")):
        client.force_login(user)
        response = client.post("/visits/contributions/add/", {
            "campaign": campaign.pk, "contributor": contributor.pk, "id_number": elder.id_number, "kind": "goods",
            "description": what, "amount": "200",
        })  # fmt: skip
        assert response.status_code == 302, response.content.decode()
    bad = client.post("/visits/contributions/add/", {"campaign": campaign.pk, "contributor": women.pk,
                                                      "id_number": "123", "kind": "goods", "description": "x",
                                                      "amount": "10"})  # fmt: skip
    assert bad.status_code == 200 and "身份证号无效" in bad.content.decode()
    client.force_login(world.bob)
    page = client.get(f"/visits/campaigns/{campaign.pk}/duplicates/").content.decode()
    assert "钱秀兰" in page and "慰问金" in page and "棉被" in page
    second = Contribution.objects.get(description="棉被")
    client.post(f"/visits/contributions/{second.pk}/resolve/", {"keep": "0", "note": "重复"})
    assert (
        "没有待处理的重复登记" in client.get(f"/visits/campaigns/{campaign.pk}/duplicates/").content.decode()
    )
    client.force_login(world.alice)
    client.post(f"/visits/campaigns/{campaign.pk}/do/purchase/")
    campaign.refresh_from_db()
    assert campaign.status == "purchasing"
    client.force_login(world.dave)
    recipient = Recipient.objects.get(elder=elder)
    client.post(
        f"/visits/campaigns/{campaign.pk}/delivery/", {"recipient": recipient.pk, "signer_name": "钱秀兰"}
    )
    recipient.refresh_from_db()
    assert recipient.signer_name == "钱秀兰" and recipient.delivered_at is not None
    pdf = client.get(f"/visits/campaigns/{campaign.pk}/public.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    detail = client.get(f"/visits/campaigns/{campaign.pk}/").content.decode()
    assert "2026年重阳节慰问" in detail and "金沙街道" in detail


def test_the_public_list_prints_chinese(client: Client, world: World) -> None:
    import io

    from pypdf import PdfReader

    campaign = make_campaign(world.areas.district, name="春节慰问")
    elder = ElderFactory.create(area=world.areas.community_a1, name="孙德明")
    campaigns.contribution_add(campaign=campaign, contributor=make_contributor(), elder=elder, kind="money",
                               description="慰问金", amount=Decimal("300"), actor=None)  # fmt: skip
    client.force_login(world.bob)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(client.get(
        f"/visits/campaigns/{campaign.pk}/public.pdf").content)).pages)  # fmt: skip
    assert "慰问名单公示" in text and "孙*明" in text and "300.00" in text
