"""The generic delete/retire view: the same door as the other views, audited, POST only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import include, path, reverse

from config.urls import urlpatterns as project_urls
from yiyang.core.models import AuditEntry
from yiyang.core.testing import World
from yiyang.core.views import ObjectDeleteView
from yiyang.meals.models import Canteen
from yiyang.meals.tests.factories import make_canteen
from yiyang.people.models import ElderContact
from yiyang.people.tests.factories import register_elder


class CanteenRetireView(ObjectDeleteView):
    model = Canteen
    retire_field = "is_active"


class ContactDeleteView(ObjectDeleteView):
    model = ElderContact

    def success_url(self, obj: Any) -> str:
        return reverse("people:elder_detail", args=[obj.elder_id])


urlpatterns = [
    path(
        "test-generic/",
        include(
            (
                [
                    path(
                        "canteens/<int:pk>/retire/",
                        CanteenRetireView.as_view(),
                        name="canteen_retire",
                    ),
                    path(
                        "contacts/<int:pk>/delete/",
                        ContactDeleteView.as_view(),
                        name="contact_delete",
                    ),
                ],
                "generic",
            )
        ),
    ),
    *project_urls,
]

pytestmark = pytest.mark.urls(__name__)


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_retire_keeps_the_record_and_audits(world: World) -> None:
    mine = make_canteen(world.areas.community_a1)
    theirs = make_canteen(world.areas.community_b1)
    client = _client(world.bob)  # street A worker: may change canteens in street A only

    response = client.post(reverse("generic:canteen_retire", args=[mine.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("meals:canteen_list")
    assert f"已停用：{mine.name}" in response.content.decode()
    mine.refresh_from_db()
    assert mine.is_active is False
    entry = AuditEntry.objects.get(verb="canteen.retire")
    assert entry.action == AuditEntry.Action.UPDATE and entry.actor_id == world.bob.pk
    assert entry.before is not None and entry.after is not None
    assert entry.before["is_active"] is True and entry.after["is_active"] is False

    # Another street's canteen is missing, not forbidden; GET never changes anything.
    assert client.post(reverse("generic:canteen_retire", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("generic:canteen_retire", args=[theirs.pk])).status_code == 405
    theirs.refresh_from_db()
    assert theirs.is_active is True


def test_retire_needs_the_change_permission(world: World) -> None:
    canteen = make_canteen(world.areas.community_a1)
    assert not world.may("dave", Canteen, "change")
    assert _client(world.dave).post(reverse("generic:canteen_retire", args=[canteen.pk])).status_code == 403
    canteen.refresh_from_db()
    assert canteen.is_active is True


def test_delete_removes_and_audits_in_the_users_language(world: World) -> None:
    elder = register_elder(world.bob, world.areas.community_a1)
    contact = ElderContact.objects.create(elder=elder, name="王小明", relation="child")
    client = _client(world.bob)
    client.cookies["django_language"] = "en"

    response = client.post(reverse("generic:contact_delete", args=[contact.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("people:elder_detail", args=[elder.pk])
    assert "Deleted: " in response.content.decode()
    assert not ElderContact.objects.filter(pk=contact.pk).exists()
    entry = AuditEntry.objects.get(verb="eldercontact.delete")
    assert entry.action == AuditEntry.Action.DELETE and entry.after in (None, {})
    assert entry.before is not None and entry.before["name"] == "王小明"

    other = register_elder(world.carol, world.areas.community_b1)
    kept = ElderContact.objects.create(elder=other, name="李四", relation="child")
    assert client.post(reverse("generic:contact_delete", args=[kept.pk])).status_code == 404
    assert ElderContact.objects.filter(pk=kept.pk).exists()
