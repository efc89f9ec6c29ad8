"""助餐点工作人员: who may add accounts to a canteen's counter, and what the account then sees."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from yiyang.core.models import AuditEntry, Membership
from yiyang.core.scoping import memberships
from yiyang.core.testing import World
from yiyang.meals.tests.factories import make_canteen


def test_canteen_members(client: Client, world: World) -> None:
    canteen = make_canteen(world.areas.community_a1, name="东市长者食堂")
    url = reverse("meals:canteen_member_add", args=[canteen.pk])
    # Another street's manager: the canteen is not there for them.
    client.force_login(world.carol)
    assert client.post(url, {"user": world.frank.pk}).status_code == 404
    # Without the permission: 403.
    client.force_login(world.erin)
    assert client.post(url, {"user": world.frank.pk}).status_code == 403

    client.force_login(world.bob)
    bad = client.post(url, {"user": world.dave.pk})
    assert bad.status_code == 200 and "只能添加角色为“服务商人员”的有效账号" in bad.content.decode()
    # Before: frank serves nowhere.
    assert client.post(url, {"user": world.frank.pk}).status_code == 302
    membership = memberships(canteen).get(user=world.frank)
    again = client.post(url, {"user": world.frank.pk})
    assert "已是 东市长者食堂 的工作人员" in again.content.decode()
    assert AuditEntry.objects.filter(verb="canteen.member_add", object_id=str(canteen.pk)).exists()
    assert "frank" in client.get(canteen.get_absolute_url()).content.decode()

    client.force_login(world.frank)
    counter = client.get(reverse("meals:counter")).content.decode()
    assert "东市长者食堂" in counter

    client.force_login(world.bob)
    remove = reverse("meals:canteen_member_remove", args=[canteen.pk, membership.pk])
    assert client.post(remove).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEntry.objects.filter(verb="canteen.member_remove").exists()
    client.force_login(world.frank)
    assert "您还不是任何助餐点的工作人员" in client.get(reverse("meals:counter")).content.decode()
