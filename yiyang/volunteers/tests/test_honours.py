"""Honours: a 十佳老人 election — nominations, street review, district review, a vote, the published list."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from yiyang.core.testing import World
from yiyang.volunteers.actions import honours
from yiyang.volunteers.models import HonourCampaign, Nomination


def _campaign(world: World, **extra: Any) -> HonourCampaign:
    defaults: dict[str, Any] = {
        "name": "十佳老人评选",
        "kind": "top_ten",
        "area": world.areas.district,
        "places": 2,
    }
    defaults.update(extra)
    return HonourCampaign.objects.create(**defaults)


def _nominate(world: World, campaign: HonourCampaign, name: str, area: Any, actor: Any) -> Nomination:
    return honours.nomination_create(campaign=campaign, nominee=name, area=area, deeds=f"{name}热心公益，助老助残",
                                     actor=actor)  # fmt: skip


def test_an_election_from_nomination_to_the_published_list(world: World) -> None:
    campaign = _campaign(world)
    a = _nominate(world, campaign, "冀德", world.areas.community_a1, world.dave)
    b = _nominate(world, campaign, "尚玉兰", world.areas.community_a2, world.bob)
    c = _nominate(world, campaign, "王幼涛", world.areas.community_b1, world.carol)
    d = _nominate(world, campaign, "李彦荣", world.areas.community_b1, world.carol)
    with pytest.raises(PermissionDenied):
        honours.campaign_advance(campaign=campaign, actor=world.bob)  # the district decides
    honours.campaign_advance(campaign=campaign, actor=world.alice)
    with pytest.raises(ValidationError, match="推荐提名已截止"):
        _nominate(world, campaign, "迟到", world.areas.community_a1, world.dave)
    with pytest.raises(PermissionDenied):
        honours.nomination_review(nomination=c, approve=True, actor=world.bob)  # street B's nominee
    for row, street, ok in (
        (a, world.bob, True),
        (b, world.bob, True),
        (c, world.carol, True),
        (d, world.carol, False),
    ):
        honours.nomination_review(nomination=row, approve=ok, actor=street)
    honours.campaign_advance(campaign=campaign, actor=world.alice)
    with pytest.raises(ValidationError, match="街道审核未通过"):
        honours.nomination_review(nomination=d, approve=True, actor=world.alice)
    for row in (a, b, c):
        honours.nomination_review(nomination=row, approve=True, actor=world.alice)
    with pytest.raises(ValidationError, match="群众投票"):
        honours.campaign_publish(campaign=campaign, actor=world.alice)
    honours.campaign_advance(campaign=campaign, actor=world.alice)
    for row, votes in ((a, 120), (b, 80), (c, 95)):
        honours.votes_record(nomination=row, votes=votes, actor=world.alice)
    winners = honours.campaign_publish(campaign=campaign, actor=world.alice)
    assert [w.nominee for w in winners] == ["冀德", "王幼涛"]
    campaign.refresh_from_db()
    assert campaign.stage == "published"


def test_the_pages_and_the_pdf(client: Client, world: World) -> None:
    campaign = _campaign(world, vote_required=False, places=10)
    client.force_login(world.dave)
    verb = lambda v: reverse("volunteers:honourcampaign_verb", args=[campaign.pk, v])  # noqa: E731
    assert client.post(verb("nominate"), {"nominee": "樊济民", "area": world.areas.community_a1.pk,
                                          "deeds": "义务调解邻里纠纷二十年"}).status_code == 302  # fmt: skip
    row = Nomination.objects.get()
    client.force_login(world.alice)
    client.post(verb("advance"))
    client.force_login(world.bob)
    client.post(verb("review"), {"nomination": row.pk, "decision": "approve"})
    client.force_login(world.alice)
    client.post(verb("advance"))
    client.post(verb("review"), {"nomination": row.pk, "decision": "approve"})
    client.post(verb("publish"))
    campaign.refresh_from_db()
    assert campaign.stage == "published"
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "樊济民" in page
    pdf = client.get(reverse("volunteers:honourcampaign_pdf", args=[campaign.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "樊济民" in text and "十佳老人" in text
