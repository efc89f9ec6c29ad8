"""User administration (用户管理): pages, scope, actions, lockout and the audit trail."""

from __future__ import annotations

import html
import json
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse

from yiyang.accounts import actions, roles
from yiyang.accounts.actions import MUST_CHANGE_AT, UserData, generate_password
from yiyang.accounts.models import User
from yiyang.accounts.roles import Role
from yiyang.accounts.selectors import is_locked
from yiyang.core.models import AuditEntry
from yiyang.core.testing import PASSWORD, World, make_user, xlsx_rows

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
LIST = "/accounts/users/"


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def login(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    client.post(LOGIN, {"username": username, "password": password})
    return client


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def usernames_listed(response: Any) -> set[str]:
    return {row.record.username for row in response.context["table"].rows}


@pytest.fixture
def admin_a(world: World) -> User:
    """A district administrator assigned to street A only (an ad-hoc user, not a standing one)."""
    return make_user(
        "admin_a", Role.DISTRICT_ADMIN, [world.areas.street_a], last_name="金", first_name="管理"
    )


def form_data(world: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "username": "zhangsan",
        "last_name": "张",
        "first_name": "三",
        "phone": "13912345678",
        "organisation": "金沙街道办事处",
        "role": Role.COMMUNITY_WORKER,
        "areas": [world.areas.community_a1.pk],
        "is_active": "on",
        "password": "",
    }
    data.update(overrides)
    return data


# -- the policy: pinned here so that a change to roles.py is a visible decision -----------------------

POLICY: dict[str, set[str]] = {
    "accounts.view_user": {Role.DISTRICT_ADMIN, Role.AUDITOR},
    "accounts.add_user": {Role.DISTRICT_ADMIN},
    "accounts.change_user": {Role.DISTRICT_ADMIN},
    "accounts.export_user": {Role.DISTRICT_ADMIN},
    "accounts.delete_user": set(),  # accounts are disabled, never deleted
}


@pytest.mark.parametrize("permission", sorted(POLICY))
def test_role_policy(permission: str) -> None:
    assert {role for role in Role if permission in roles.permissions_for(role)} == POLICY[permission]


# -- the list --------------------------------------------------------------------------------------


def test_district_admin_sees_every_user_of_the_district(world: World) -> None:
    outsider = make_user("chongchuan", Role.STREET_WORKER, [world.areas.other_street])
    response = as_user(world.alice).get(LIST)
    assert response.status_code == 200
    listed = usernames_listed(response)
    assert {"alice", "bob", "carol", "dave", "erin", "frank", "grace"} <= listed
    assert outsider.username not in listed  # another district's account


def test_street_worker_has_no_access(world: World) -> None:
    client = as_user(world.bob)
    carol = world.carol
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("accounts:user_add")).status_code == 403
    assert client.get(reverse("accounts:user_detail", args=[world.dave.pk])).status_code == 403
    assert client.get(reverse("accounts:user_edit", args=[world.dave.pk])).status_code == 403
    for name in ("user_deactivate", "user_reactivate", "user_reset_password", "user_unlock"):
        assert client.post(reverse(f"accounts:{name}", args=[carol.pk])).status_code == 403
    carol.refresh_from_db()
    assert carol.is_active


def test_anonymous_is_sent_to_login(world: World) -> None:
    response = Client().get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_auditor_may_look_but_not_touch(world: World) -> None:
    client = as_user(world.grace)
    assert client.get(LIST).status_code == 200
    assert client.get(reverse("accounts:user_detail", args=[world.bob.pk])).status_code == 200
    assert client.get(reverse("accounts:user_add")).status_code == 403
    assert client.get(reverse("accounts:user_edit", args=[world.bob.pk])).status_code == 403
    assert client.post(reverse("accounts:user_deactivate", args=[world.bob.pk])).status_code == 403
    assert client.get(LIST, {"export": "xlsx"}).status_code == 403


def test_search_and_filters(world: World) -> None:
    world.bob.last_name, world.bob.first_name, world.bob.phone = "王", "小明", "13800001111"
    world.bob.save()
    client = as_user(world.alice)
    assert usernames_listed(client.get(LIST, {"q": "王小明"})) == {"bob"}
    assert usernames_listed(client.get(LIST, {"q": "0001111"})) == {"bob"}
    assert usernames_listed(client.get(LIST, {"q": "car"})) == {"carol"}
    assert usernames_listed(client.get(LIST, {"role": Role.STREET_WORKER})) == {"bob", "carol"}
    # area: accounts with an assignment at or below street A
    assert usernames_listed(client.get(LIST, {"area": world.areas.street_a.path})) == {"bob", "dave"}
    world.carol.is_active = False
    world.carol.save()
    assert usernames_listed(client.get(LIST, {"is_active": "false"})) == {"carol"}
    assert "carol" not in usernames_listed(client.get(LIST, {"is_active": "true"}))
    assert usernames_listed(client.get(LIST, {"locked": "true"})) == set()


def test_export_xlsx(world: World) -> None:
    response = as_user(world.alice).get(LIST, {"role": Role.STREET_WORKER, "export": "xlsx"})
    assert response.status_code == 200
    rows = xlsx_rows(response)
    assert rows[0][:3] == ("用户名", "姓名", "角色")
    assert {r[0] for r in rows[1:]} == {"bob", "carol"}
    assert "金沙街道" in {r[3] for r in rows[1:]}


def test_list_query_count_does_not_grow_with_users(world: World, django_assert_max_num_queries: Any) -> None:
    for n in range(15):
        make_user(f"extra{n}", Role.COMMUNITY_WORKER, [world.areas.community_a2])
    client = as_user(world.alice)
    client.get(LIST)  # warm the session
    # 13: the twelve of the page, and the second-factor device that verifies an administrator's session
    with django_assert_max_num_queries(13):
        response = client.get(LIST)
    assert len(usernames_listed(response)) >= 22


# -- scope -----------------------------------------------------------------------------------------


def test_street_admin_sees_and_edits_only_street_a(world: World, admin_a: User) -> None:
    client = as_user(admin_a)
    listed = usernames_listed(client.get(LIST))
    assert listed == {"admin_a", "bob", "dave"}  # not carol (B), alice/erin/grace (district), frank (no area)

    for other in (world.carol, world.alice, world.frank):
        assert client.get(reverse("accounts:user_detail", args=[other.pk])).status_code == 404
        assert client.get(reverse("accounts:user_edit", args=[other.pk])).status_code == 404
        assert client.post(reverse("accounts:user_deactivate", args=[other.pk])).status_code == 404
        assert client.post(reverse("accounts:user_reset_password", args=[other.pk])).status_code == 404
        other.refresh_from_db()
        assert other.is_active
    assert client.get(reverse("accounts:user_detail", args=[world.dave.pk])).status_code == 200
    with pytest.raises(Http404):
        actions.user_deactivate(user=world.carol, actor=admin_a)


def test_user_with_one_area_outside_is_out_of_scope(world: World, admin_a: User) -> None:
    """Every assignment must lie inside the manager's areas, not just one of them."""
    both = make_user("both", Role.STREET_WORKER, [world.areas.street_a, world.areas.street_b])
    assert not User.objects.for_user(admin_a).filter(pk=both.pk).exists()
    assert User.objects.for_user(world.alice).filter(pk=both.pk).exists()
    assert as_user(admin_a).get(reverse("accounts:user_edit", args=[both.pk])).status_code == 404


def test_create_with_an_area_outside_scope_is_refused(world: World, admin_a: User) -> None:
    client = as_user(admin_a)
    response = client.post(
        reverse("accounts:user_add"), form_data(world, areas=[world.areas.community_b1.pk])
    )
    assert response.status_code == 200
    assert response.context["form"].errors["areas"]
    assert not User.objects.filter(username="zhangsan").exists()

    data = UserData(
        username="zhangsan",
        last_name="张",
        first_name="三",
        role=Role.COMMUNITY_WORKER,
        areas=[world.areas.community_b1],
    )
    with pytest.raises(ValidationError, match="管辖范围以外"):
        actions.user_create(data=data, actor=admin_a)
    # an account without areas (provider staff) belongs to the district, not to street A
    provider = UserData(username="p1", last_name="李", first_name="四", role=Role.PROVIDER_STAFF)
    with pytest.raises(ValidationError):
        actions.user_create(data=provider, actor=admin_a)
    assert not User.objects.filter(username__in=["zhangsan", "p1"]).exists()
    user, _ = actions.user_create(data=provider, actor=world.alice)
    assert user.role == Role.PROVIDER_STAFF


def test_edit_may_not_move_a_user_out_of_scope(world: World, admin_a: User) -> None:
    dave = world.dave
    response = as_user(admin_a).post(
        reverse("accounts:user_edit", args=[dave.pk]),
        form_data(world, username="dave", areas=[world.areas.community_b1.pk]),
    )
    assert response.status_code == 200
    assert dave.area_paths() == [world.areas.community_a1.path]


def test_only_a_district_admin_makes_district_admins(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    # Pretend street workers could manage accounts: they still may not hand out the top role.
    street = set(roles._grants[Role.STREET_WORKER]) | {"accounts.view_user", "accounts.add_user"}
    monkeypatch.setitem(roles._grants, Role.STREET_WORKER, street)
    monkeypatch.setattr(roles, "_frozen", {})  # permissions_for made again from the patched grants
    data = UserData(
        username="boss",
        last_name="赵",
        first_name="",
        role=Role.DISTRICT_ADMIN,
        areas=[world.areas.community_a1],
    )
    with pytest.raises(ValidationError, match="区级管理员"):
        actions.user_create(data=data, actor=world.bob)
    form = as_user(world.bob).get(reverse("accounts:user_add")).context["form"]
    assert Role.DISTRICT_ADMIN not in dict(form.fields["role"].choices)


def test_areas_required_except_for_provider_staff(world: World) -> None:
    client = as_user(world.alice)
    response = client.post(reverse("accounts:user_add"), form_data(world, areas=[]))
    assert response.status_code == 200
    assert "至少分配一个辖区" in str(response.context["form"].errors["areas"])
    response = client.post(
        reverse("accounts:user_add"),
        form_data(world, role=Role.PROVIDER_STAFF, areas=[], username="provider2"),
    )
    assert response.status_code == 200
    assert User.objects.get(username="provider2").area_paths() == []


def test_no_actions_without_permission(world: World) -> None:
    data = UserData(
        username="x", last_name="X", first_name="", role=Role.STREET_WORKER, areas=[world.areas.street_a]
    )
    with pytest.raises(PermissionDenied):
        actions.user_create(data=data, actor=world.grace)
    with pytest.raises(PermissionDenied):
        actions.user_unlock(user=world.bob, actor=world.grace)


def test_admin_may_not_disable_or_demote_themselves(world: World) -> None:
    alice = world.alice
    with pytest.raises(ValidationError):
        actions.user_deactivate(user=alice, actor=alice)
    data = UserData(
        username="alice", last_name="A", first_name="", role=Role.AUDITOR, areas=[world.areas.district]
    )
    with pytest.raises(ValidationError):
        actions.user_update(user=alice, data=data, actor=alice)
    alice.refresh_from_db()
    assert alice.is_active and alice.role == Role.DISTRICT_ADMIN


# -- create, first login ---------------------------------------------------------------------------


def test_create_with_generated_password_and_forced_change_at_first_login(world: World) -> None:
    admin = as_user(world.alice)
    response = admin.post(reverse("accounts:user_add"), form_data(world))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = response.context["password"]
    assert html.escape(password) in response.content.decode()

    user = User.objects.get(username="zhangsan")
    assert user.get_full_name() == "张三"
    assert user.role == Role.COMMUNITY_WORKER
    assert user.area_paths() == [world.areas.community_a1.path]
    assert user.password_changed_at == MUST_CHANGE_AT
    assert user.check_password(password)
    # the detail page never shows it again
    detail = admin.get(reverse("accounts:user_detail", args=[user.pk])).content.decode()
    assert password not in detail and "待首次修改" in detail

    client = login("zhangsan", password)
    assert logged_in(client)
    response = client.get(reverse("people:elder_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change") + "?expired=1"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password1": "Jinsha#2027", "new_password2": "Jinsha#2027"},
    )
    assert response.status_code == 302
    assert client.get(reverse("people:elder_list")).status_code == 200
    assert AuditEntry.objects.filter(verb="user.change_password", object_id=str(user.pk)).exists()


def test_create_with_a_chosen_password_is_validated(world: World) -> None:
    admin = as_user(world.alice)
    response = admin.post(reverse("accounts:user_add"), form_data(world, password="password1"))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not User.objects.filter(username="zhangsan").exists()

    response = admin.post(reverse("accounts:user_add"), form_data(world, password="Dongshi#2026"))
    user = User.objects.get(username="zhangsan")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])
    assert user.check_password("Dongshi#2026")
    assert user.password_changed_at == MUST_CHANGE_AT


def test_duplicate_username_is_refused(world: World) -> None:
    response = as_user(world.alice).post(reverse("accounts:user_add"), form_data(world, username="BOB"))
    assert response.status_code == 200
    assert response.context["form"].errors["username"]


def test_edit_user(world: World) -> None:
    dave = world.dave
    response = as_user(world.alice).post(
        reverse("accounts:user_edit", args=[dave.pk]),
        form_data(
            world,
            username="dave",
            role=Role.STREET_WORKER,
            areas=[world.areas.street_a.pk, world.areas.community_b1.pk],
        ),
    )
    assert response.status_code == 302
    dave.refresh_from_db()
    assert dave.role == Role.STREET_WORKER
    assert sorted(dave.area_paths()) == sorted([world.areas.street_a.path, world.areas.community_b1.path])
    entry = AuditEntry.objects.get(verb="user.update", object_id=str(dave.pk))
    assert entry.before is not None and entry.after is not None
    assert entry.before["role"] == Role.COMMUNITY_WORKER
    assert entry.after["role"] == Role.STREET_WORKER
    assert entry.after["areas"] == sorted([world.areas.street_a.path, world.areas.community_b1.path])
    assert entry.area_path == world.areas.street_a.path  # the outermost assigned area


def test_generated_passwords_pass_the_validators(world: World) -> None:
    from django.contrib.auth.password_validation import validate_password

    seen = {generate_password(world.bob) for _ in range(50)}
    assert len(seen) == 50
    for password in seen:
        validate_password(password, world.bob)


# -- actions ---------------------------------------------------------------------------------------


def test_deactivated_user_can_no_longer_log_in(world: World) -> None:
    bob_session = login("bob")
    assert logged_in(bob_session)
    admin = as_user(world.alice)
    response = admin.post(reverse("accounts:user_deactivate", args=[world.bob.pk]), {"reason": "调离岗位"})
    assert response.status_code == 302
    bob = User.objects.get(pk=world.bob.pk)
    assert not bob.is_active
    assert not logged_in(login("bob"))
    # the open session is dead too
    assert bob_session.get(reverse("people:elder_list")).status_code == 302
    entry = AuditEntry.objects.get(verb="user.deactivate", object_id=str(bob.pk))
    assert entry.before == {"is_active": True} and entry.after == {"is_active": False}
    assert entry.message == "调离岗位"
    assert entry.actor == world.alice
    # never deleted: reactivation restores the account
    admin.post(reverse("accounts:user_reactivate", args=[bob.pk]))
    assert logged_in(login("bob"))
    assert AuditEntry.objects.filter(verb="user.reactivate", object_id=str(bob.pk)).exists()


def test_unlock_after_repeated_failed_logins(world: World) -> None:
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        Client().post(LOGIN, {"username": "bob", "password": f"wrong-{attempt}"})
    assert not logged_in(login("bob"))
    assert is_locked(world.bob)

    admin = as_user(world.alice)
    assert usernames_listed(admin.get(LIST, {"locked": "true"})) == {"bob"}
    detail = admin.get(reverse("accounts:user_detail", args=[world.bob.pk])).content.decode()
    assert "已锁定" in detail and "解除锁定" in detail

    response = admin.post(reverse("accounts:user_unlock", args=[world.bob.pk]))
    assert response.status_code == 302
    assert not is_locked(world.bob)
    assert logged_in(login("bob"))
    assert AuditEntry.objects.filter(verb="user.unlock", object_id=str(world.bob.pk)).exists()


def test_reset_password(world: World) -> None:
    bob_session = login("bob")
    admin = as_user(world.alice)
    response = admin.post(reverse("accounts:user_reset_password", args=[world.bob.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = response.context["password"]
    bob = User.objects.get(pk=world.bob.pk)
    assert bob.check_password(password) and not bob.check_password(PASSWORD)
    assert bob.password_changed_at == MUST_CHANGE_AT
    # the old session ends with the old password
    assert bob_session.get(reverse("people:elder_list")).status_code == 302
    client = login("bob", password)
    assert logged_in(client)
    assert client.get(reverse("people:elder_list"))["Location"].startswith(
        reverse("accounts:password_change")
    )
    entry = AuditEntry.objects.get(verb="user.reset_password", object_id=str(bob.pk))
    assert password not in json.dumps([entry.before, entry.after, entry.message])


def test_audit_rows_never_hold_password_hashes(world: World) -> None:
    admin = as_user(world.alice)
    admin.post(reverse("accounts:user_add"), form_data(world))
    admin.post(reverse("accounts:user_add"), form_data(world, username="lisi", password="Dongshi#2026"))
    user = User.objects.get(username="zhangsan")
    admin.post(reverse("accounts:user_edit", args=[user.pk]), form_data(world, first_name="叁"))
    admin.post(reverse("accounts:user_reset_password", args=[user.pk]))
    admin.post(reverse("accounts:user_deactivate", args=[user.pk]))
    entries = AuditEntry.objects.filter(object_type="accounts.user")
    assert {e.verb for e in entries} >= {
        "user.create",
        "user.update",
        "user.reset_password",
        "user.deactivate",
    }
    hashes = [u.password for u in User.objects.all()]
    for entry in entries:
        text = json.dumps([entry.before, entry.after, entry.message], ensure_ascii=False)
        assert 'password"' not in text
        assert "md5$" not in text and "pbkdf2" not in text
        assert not any(h and h in text for h in hashes)
        assert entry.area_path.startswith(world.areas.district.path)
    created = entries.get(verb="user.create", object_id=str(user.pk))
    assert created.after is not None
    assert created.after["username"] == "zhangsan"
    assert created.after["areas"] == [world.areas.community_a1.path]


def test_provider_account_audit_is_filed_under_the_district(world: World) -> None:
    data = UserData(username="p9", last_name="钱", first_name="九", role=Role.PROVIDER_STAFF)
    user, password = actions.user_create(data=data, actor=world.alice)
    assert password
    entry = AuditEntry.objects.get(verb="user.create", object_id=str(user.pk))
    assert entry.area_path == world.areas.district.path


# -- my account, menu -----------------------------------------------------------------------------


def test_my_account(world: World) -> None:
    client = login("dave")
    response = client.get(reverse("accounts:my_account"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "社区工作人员" in page and "东市社区" in page
    assert reverse("accounts:password_change") in page
    assert len(response.context["logins"]) == 1


def test_menu(world: World) -> None:
    admin_page = as_user(world.alice).get(reverse("accounts:my_account")).content.decode()
    assert "系统管理" in admin_page and reverse("accounts:user_list") in admin_page
    worker_page = as_user(world.bob).get(reverse("accounts:my_account")).content.decode()
    assert "系统管理" not in worker_page and reverse("accounts:user_list") not in worker_page
    assert reverse("accounts:my_account") in worker_page
