"""优待证: issuing, numbers, reissue, batches, a death, the printable card."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from yiyang.cards import actions
from yiyang.cards.choices import CardStatus
from yiyang.cards.models import Card, CardRule
from yiyang.cards.tests.factories import make_elder
from yiyang.core.models import AccessLog, AuditEntry
from yiyang.core.testing import World
from yiyang.people.actions import elder_set_status
from yiyang.people.choices import ElderStatus

pytestmark = pytest.mark.django_db


def test_issue_numbers_by_community_and_refuses_a_second_card(world: World) -> None:
    community = world.areas.community_a1
    first = actions.card_issue(elder=make_elder(area=community, age=70), actor=world.dave)
    second = actions.card_issue(elder=make_elder(area=world.areas.grid_a1, age=66), actor=world.dave)
    assert first.number == f"{community.path}000001" and len(first.number) == 18
    assert second.number == f"{community.path}000002"  # a grid's elder numbers in the community
    assert first.status == CardStatus.VALID and first.valid_to is None
    with pytest.raises(ValidationError, match="已持有有效优待证"):
        actions.card_issue(elder=first.elder, actor=world.dave)
    assert AuditEntry.objects.filter(verb="card.issue", subject_id=first.elder_id).exists()


def test_issue_follows_the_rules(world: World) -> None:
    young = make_elder(area=world.areas.community_a1, age=59)
    with pytest.raises(ValidationError, match="未满 60 周岁"):
        actions.card_issue(elder=young, actor=world.dave)
    outsider = make_elder(area=world.areas.community_a1, age=70, hukou_local=False)
    with pytest.raises(ValidationError, match="居住证"):
        actions.card_issue(elder=outsider, actor=world.dave)
    card = actions.card_issue(elder=outsider, actor=world.dave, permit_number="320612202400123")
    assert card.basis == "permit" and card.permit_number == "320612202400123"
    # A new rule from today: cards valid five years, local 户籍 only.
    CardRule.objects.update(valid_to=datetime.date.today() - datetime.timedelta(days=1))
    CardRule.objects.create(name="五年有效", min_age=65, hukou_local=True, residence_permit=False, validity_years=5,
                            valid_from=datetime.date.today())  # fmt: skip
    with pytest.raises(ValidationError, match="未满 65 周岁"):
        actions.card_issue(elder=make_elder(area=world.areas.community_a1, age=62), actor=world.dave)
    later = actions.card_issue(elder=make_elder(area=world.areas.community_a1, age=70), actor=world.dave)
    assert later.valid_to is not None and later.valid_to.year == datetime.date.today().year + 5


def test_scope_and_permission(world: World) -> None:
    elder_b = make_elder(area=world.areas.community_b1, age=70)
    with pytest.raises(PermissionDenied):
        actions.card_issue(elder=elder_b, actor=world.dave)  # another street
    with pytest.raises(PermissionDenied):
        actions.card_issue(elder=elder_b, actor=world.erin)  # the hotline does not issue


def test_reissue_voids_the_old_number(world: World) -> None:
    card = actions.card_issue(elder=make_elder(area=world.areas.community_a1, age=70), actor=world.dave)
    new = actions.card_reissue(card=card, reason="lost", actor=world.dave)
    card.refresh_from_db()
    assert card.status == CardStatus.VOID and card.void_reason == "lost" and card.ended_on is not None
    assert new.replaces == card and new.number != card.number and new.status == CardStatus.VALID
    with pytest.raises(ValidationError, match="只有有效的优待证"):
        actions.card_reissue(card=card, reason="lost", actor=world.dave)  # the same loss reported twice
    assert Card.objects.filter(elder=card.elder, status=CardStatus.VALID).count() == 1


def test_batch_is_set_based_and_repeatable(world: World) -> None:
    community = world.areas.community_a2
    elders = [make_elder(area=community, age=60 + i) for i in range(12)]
    make_elder(area=community, age=55)
    make_elder(area=community, age=80, hukou_local=False)
    dead = make_elder(area=community, age=90)
    elder_set_status(elder=dead, status=ElderStatus.DECEASED, date=datetime.date.today(), note="", actor=None)
    already = actions.card_issue(elder=elders[0], actor=world.bob)
    issued = actions.card_issue_batch(community=community, actor=world.bob)
    assert issued == 11
    numbers = list(Card.objects.filter(area_path__startswith=community.path).values_list("number", flat=True))
    assert len(set(numbers)) == 12 and already.number in numbers
    assert sorted(numbers)[-1] == f"{community.path}000012"
    assert actions.card_issue_batch(community=community, actor=world.bob) == 0
    with pytest.raises(ValidationError, match="按社区"):
        actions.card_issue_batch(community=world.areas.street_a, actor=world.bob)
    with pytest.raises(PermissionDenied):
        actions.card_issue_batch(community=community, actor=world.carol)


def test_death_cancels_the_card(world: World) -> None:
    card = actions.card_issue(elder=make_elder(area=world.areas.community_a1, age=88), actor=world.dave)
    day = datetime.date.today()
    elder_set_status(elder=card.elder, status=ElderStatus.DECEASED, date=day, note="", actor=world.dave)
    card.refresh_from_db()
    assert card.status == CardStatus.CANCELLED and card.ended_on == day
    with pytest.raises(ValidationError, match="已故或已迁出"):
        actions.card_issue(elder=card.elder, actor=world.dave)


def test_card_pdf_renders_chinese(client: Client, world: World) -> None:
    from pypdf import PdfReader

    card = actions.card_issue(
        elder=make_elder(area=world.areas.community_a1, age=70, name="王秀英"), actor=world.dave
    )
    client.force_login(world.dave)
    response = client.get(reverse("cards:card_print", args=[card.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "凭证享受老年人优待服务" in text and "王秀英" in text and card.number in text
    assert card.elder.id_number not in text  # masked
    assert AccessLog.objects.filter(kind="print", object_id=str(card.pk)).exists()


def test_pages_issue_and_reissue(client: Client, world: World) -> None:
    elder = make_elder(area=world.areas.community_a1, age=70)
    client.force_login(world.dave)
    page = client.get(reverse("cards:card_issue") + f"?elder={elder.pk}")
    assert page.status_code == 200
    response = client.post(reverse("cards:card_issue"), {"elder": elder.pk, "permit_number": "", "note": ""})
    card = Card.objects.get(elder=elder)
    assert response.status_code == 302 and response["Location"] == card.get_absolute_url()
    again = client.post(reverse("cards:card_issue"), {"elder": elder.pk})
    assert again.status_code == 400 and "已持有有效优待证".encode() in again.content
    response = client.post(reverse("cards:card_reissue", args=[card.pk]), {"reason": "damaged"})
    new = Card.objects.get(elder=elder, status=CardStatus.VALID)
    assert response["Location"] == new.get_absolute_url() and new.replaces_id == card.pk
    assert client.get(reverse("cards:card_detail", args=[new.pk])).status_code == 200
