"""Who may open what: the generated access matrix for the registry, the audit logs and the dashboard.

Each model's block is data: its factory and its endpoints. The matrix asserts for every standing user
(see ``yiyang.core.testing``) and every endpoint: allowed, 403 without the permission, 404 for an
object outside the user's areas, and the login redirect (or 401/403) for anonymous callers.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from yiyang.accounts.roles import Role, permissions_for
from yiyang.areas.models import Area
from yiyang.core.models import AccessLog, AuditEntry
from yiyang.core.testing import (
    ANONYMOUS,
    STANDING,
    AccessMatrix,
    Endpoint,
    World,
    make_user,
    new_id_number,
    xlsx_contains,
)
from yiyang.people.choices import AgeBracket
from yiyang.people.models import Certification, Elder, ElderContact, ElderStat, ResidencePeriod
from yiyang.people.tests.factories import CertificationFactory, ContactFactory, ElderFactory

pytestmark = pytest.mark.django_db


# -- the policy the matrix reads: pinned here so that a change to roles.py is a visible decision -------

ADMIN, STREET, COMMUNITY = Role.DISTRICT_ADMIN, Role.STREET_WORKER, Role.COMMUNITY_WORKER
HOTLINE, PROVIDER, AUDITOR = Role.HOTLINE_OPERATOR, Role.PROVIDER_STAFF, Role.AUDITOR
POLICY: dict[str, set[str]] = {
    # providers see only the elders their work orders concern (WorkOrder.scope_shares), a care home's
    # staff only the elders living there (Resident.scope_shares)
    "people.view_elder": {ADMIN, STREET, COMMUNITY, HOTLINE, AUDITOR, PROVIDER, Role.INSTITUTION_STAFF},
    "people.add_elder": {ADMIN, STREET, COMMUNITY},
    "people.change_elder": {ADMIN, STREET, COMMUNITY},
    "people.delete_elder": {ADMIN},
    "people.reveal_elder": {ADMIN, STREET, COMMUNITY, HOTLINE},
    "people.export_elder": {ADMIN, STREET, COMMUNITY},
    "people.import_elder": {ADMIN, STREET, COMMUNITY},
    "people.view_certification": {ADMIN, STREET, COMMUNITY, HOTLINE, AUDITOR},
    "people.add_certification": {ADMIN, STREET, COMMUNITY},
    "people.view_eldercontact": {ADMIN, STREET, COMMUNITY, HOTLINE, AUDITOR},
    "people.change_eldercontact": {ADMIN, STREET, COMMUNITY},
    "people.view_elderstat": {ADMIN, STREET, COMMUNITY, HOTLINE, AUDITOR},
    "people.view_residenceperiod": {ADMIN, STREET, COMMUNITY, HOTLINE, AUDITOR},
    "core.view_auditentry": {ADMIN, AUDITOR},
    "core.view_accesslog": {ADMIN, AUDITOR},
    "core.export_auditentry": {ADMIN, AUDITOR},
    "core.export_accesslog": {ADMIN, AUDITOR},
    "areas.view_area": set(Role),
}


@pytest.mark.parametrize("permission", sorted(POLICY))
def test_role_policy(permission: str) -> None:
    granted = {role for role in Role if permission in permissions_for(role)}
    assert granted == POLICY[permission]


def test_standing_users_match_their_declaration(world: World) -> None:
    for name, spec in STANDING.items():
        user = world.users[name]
        assert user.role == spec.role
        assert sorted(user.area_paths()) == sorted(world.areas[a].path for a in spec.areas)


# -- Elder -------------------------------------------------------------------------------------------


def make_elder(world: World, area: Area) -> Elder:
    return ElderFactory.create(area=area)


def elder_write(elder: Elder) -> dict[str, Any]:
    return {"id_number": elder.id_number, "name": elder.name, "area": elder.area.code, "address": "新地址"}


ELDER = AccessMatrix.standard(
    Elder,
    make_elder,
    list_url="people:elder_list",
    detail_url="people:elder_detail",
    edit_url="people:elder_edit",
    api_basename="elder",
    marker=lambda e: e.name,
    extra=[
        Endpoint(
            "reveal",
            lambda e: reverse("people:elder_reveal", args=[e.pk]),
            action="reveal",
            method="post",
            data=lambda e: {"field": "id_number", "reason": "核对身份信息"},
        ),
        Endpoint(
            "export",
            lambda e: reverse("people:elder_list") + "?export=xlsx",
            action="export",
            listing=True,
            contains=xlsx_contains(lambda e: e.name),
        ),
        Endpoint(
            "api-create",
            lambda a: reverse("elder-list"),
            action="add",
            api=True,
            method="post",
            target="area",
            data=lambda a: {"id_number": new_id_number(), "name": "新登记", "area": a.code},
            ok=201,
            out_of_area=400,
        ),
        Endpoint(
            "api-update",
            lambda e: reverse("elder-detail", args=[e.pk]),
            action="change",
            api=True,
            method="put",
            data=elder_write,
        ),
        Endpoint(
            "api-reveal",
            lambda e: reverse("elder-reveal", args=[e.pk]),
            action="reveal",
            api=True,
            method="post",
            data=lambda e: {"field": "phone", "reason": "回拨来电"},
        ),
        # 登记死亡/迁出/迁回: the page and the API verb (the dated history, ResidencePeriod, is read on
        # the elder's page through the same door).
        Endpoint("status", lambda e: reverse("people:elder_status", args=[e.pk]), action="change"),
        Endpoint(
            "api-status",
            lambda e: reverse("elder-status", args=[e.pk]),
            action="change",
            api=True,
            method="post",
            data=lambda e: {"status": "moved", "date": "2026-01-05", "reason": "迁往外省"},
        ),
    ],
    also=[ResidencePeriod],
)


@pytest.mark.parametrize(("who", "endpoint"), ELDER.cases())
def test_elder_access(client: Client, world: World, who: str, endpoint: str) -> None:
    ELDER.check(client, world, who, endpoint)


# -- Certification and ElderContact: edited under their elder ---------------------------------------


def make_certification(world: World, area: Area) -> Certification:
    return CertificationFactory.create(elder=ElderFactory.create(area=area))


def certification_write(cert: Certification) -> dict[str, Any]:
    return {"elder": cert.elder_id, "category": "tekun", "valid_from": "2024-01-01"}


CERTIFICATION = AccessMatrix.standard(
    Certification,
    make_certification,
    edit_url="people:certification_edit",
    url_args=lambda c: [c.elder_id, c.pk],
    api_basename="certification",
    extra=[
        Endpoint("add", lambda c: reverse("people:certification_add", args=[c.elder_id]), action="add"),
        Endpoint(
            "delete",
            lambda c: reverse("people:certification_delete", args=[c.elder_id, c.pk]),
            action="delete",
            method="post",
            ok=302,
        ),
        Endpoint(
            "api-create",
            lambda c: reverse("certification-list"),
            action="add",
            api=True,
            method="post",
            data=certification_write,
            ok=201,
            out_of_area=400,
        ),
        Endpoint(
            "api-update",
            lambda c: reverse("certification-detail", args=[c.pk]),
            action="change",
            api=True,
            method="put",
            data=certification_write,
        ),
    ],
)


@pytest.mark.parametrize(("who", "endpoint"), CERTIFICATION.cases())
def test_certification_access(client: Client, world: World, who: str, endpoint: str) -> None:
    CERTIFICATION.check(client, world, who, endpoint)


def make_contact(world: World, area: Area) -> ElderContact:
    return ContactFactory.create(elder=ElderFactory.create(area=area))


def contact_write(contact: ElderContact) -> dict[str, Any]:
    return {"elder": contact.elder_id, "name": "李小明", "relation": "child", "phone": "13700001111"}


CONTACT = AccessMatrix.standard(
    ElderContact,
    make_contact,
    edit_url="people:eldercontact_edit",
    url_args=lambda c: [c.elder_id, c.pk],
    api_basename="eldercontact",
    extra=[
        Endpoint("add", lambda c: reverse("people:eldercontact_add", args=[c.elder_id]), action="add"),
        Endpoint(
            "delete",
            lambda c: reverse("people:eldercontact_delete", args=[c.elder_id, c.pk]),
            action="delete",
            method="post",
            ok=302,
        ),
        Endpoint(
            "api-create",
            lambda c: reverse("eldercontact-list"),
            action="add",
            api=True,
            method="post",
            data=contact_write,
            ok=201,
            out_of_area=400,
        ),
        Endpoint(
            "api-update",
            lambda c: reverse("eldercontact-detail", args=[c.pk]),
            action="change",
            api=True,
            method="put",
            data=contact_write,
        ),
    ],
)


@pytest.mark.parametrize(("who", "endpoint"), CONTACT.cases())
def test_contact_access(client: Client, world: World, who: str, endpoint: str) -> None:
    CONTACT.check(client, world, who, endpoint)


def test_child_under_the_wrong_elder_is_404(client: Client, world: World) -> None:
    """/elders/<a>/certifications/<b's certification>/edit/ must not open b's certification."""
    cert = CertificationFactory.create(elder=ElderFactory.create(area=world.areas.community_a1))
    other = ElderFactory.create(area=world.areas.community_a1)
    client.force_login(world.bob)
    assert client.get(reverse("people:certification_edit", args=[other.pk, cert.pk])).status_code == 404
    assert client.get(reverse("people:certification_edit", args=[cert.elder_id, cert.pk])).status_code == 200


# -- Audit trail and access log ----------------------------------------------------------------------


def make_audit_entry(world: World, area: Area) -> AuditEntry:
    return AuditEntry.objects.create(
        request_id=uuid.uuid4(),
        action=AuditEntry.Action.UPDATE,
        verb="elder.update",
        object_type="people.elder",
        object_id="1",
        object_repr=f"记录{uuid.uuid4().hex[:8]}",
        area_path=area.path,
        actor_name="测试",
    )


AUDIT_ENTRY = AccessMatrix.standard(
    AuditEntry,
    make_audit_entry,
    list_url="core:auditentry_list",
    api_basename="auditentry",
    marker=lambda a: a.object_repr,
    extra=[
        Endpoint(
            "export",
            lambda a: reverse("core:auditentry_list") + "?export=xlsx",
            action="export",
            listing=True,
            contains=xlsx_contains(lambda a: a.object_repr),
        )
    ],
)


@pytest.mark.parametrize(("who", "endpoint"), AUDIT_ENTRY.cases())
def test_audit_entry_access(client: Client, world: World, who: str, endpoint: str) -> None:
    AUDIT_ENTRY.check(client, world, who, endpoint)


def make_access_log(world: World, area: Area) -> AccessLog:
    return AccessLog.objects.create(
        request_id=uuid.uuid4(),
        kind=AccessLog.Kind.REVEAL,
        object_type="people.elder",
        object_id="1",
        reason=f"事由{uuid.uuid4().hex[:8]}",
        area_path=area.path,
        actor_name="测试",
    )


ACCESS_LOG = AccessMatrix.standard(
    AccessLog,
    make_access_log,
    list_url="core:accesslog_list",
    api_basename="accesslog",
    marker=lambda a: a.reason,
    extra=[
        Endpoint(
            "export",
            lambda a: reverse("core:accesslog_list") + "?export=xlsx",
            action="export",
            listing=True,
            contains=xlsx_contains(lambda a: a.reason),
        )
    ],
)


@pytest.mark.parametrize(("who", "endpoint"), ACCESS_LOG.cases())
def test_access_log_access(client: Client, world: World, who: str, endpoint: str) -> None:
    ACCESS_LOG.check(client, world, who, endpoint)


# -- Areas (the API only) ----------------------------------------------------------------------------

AREA = AccessMatrix.standard(Area, lambda world, area: area, api_basename="area")


@pytest.mark.parametrize(("who", "endpoint"), AREA.cases())
def test_area_access(client: Client, world: World, who: str, endpoint: str) -> None:
    AREA.check(client, world, who, endpoint)


# -- Statistics cells: read on the dashboard of their area -----------------------------------------


def make_stat(world: World, area: Area) -> ElderStat:
    return ElderStat.objects.create(area_path=area.path, bracket=AgeBracket.AGE_80, sex="F", total=7)


STATS = AccessMatrix(
    ElderStat,
    make_stat,
    [Endpoint("dashboard", lambda s: reverse("reports:dashboard") + f"?area={s.area_path}")],
)


@pytest.mark.parametrize(("who", "endpoint"), STATS.cases())
def test_stat_access(client: Client, world: World, who: str, endpoint: str) -> None:
    STATS.check(client, world, who, endpoint)


# -- Dashboard ---------------------------------------------------------------------------------------

DASHBOARD_CASES = [
    # (user, ?area= attribute of world.areas or None, expected status)
    ("alice", None, 200),
    ("alice", "district", 200),
    ("alice", "street_b", 200),
    ("alice", "other_district", 404),
    ("alice", "city", 404),
    ("bob", None, 200),
    ("bob", "street_a", 200),
    ("bob", "community_a2", 200),
    ("bob", "street_b", 404),
    ("bob", "district", 404),
    ("carol", "street_a", 404),
    ("carol", "community_b2", 200),
    ("dave", "community_a1", 200),
    ("dave", "street_a", 404),
    ("dave", "community_a2", 404),
    ("erin", None, 200),
    ("grace", "street_b", 200),
    ("frank", None, 403),
    ("frank", "street_a", 403),
]


@pytest.mark.parametrize(("who", "area", "expected"), DASHBOARD_CASES)
def test_dashboard_access(client: Client, world: World, who: str, area: str | None, expected: int) -> None:
    client.force_login(world.users[who])
    query = {"area": world.areas[area].path} if area else {}
    assert client.get(reverse("reports:dashboard"), query).status_code == expected


def test_dashboard_unknown_area_is_404(client: Client, world: World) -> None:
    client.force_login(world.alice)
    assert client.get(reverse("reports:dashboard"), {"area": "999999"}).status_code == 404


def test_dashboard_anonymous_goes_to_login(client: Client, world: World) -> None:
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_dashboard_without_any_area_is_refused(client: Client, world: World) -> None:
    nowhere = make_user("nobody", Role.STREET_WORKER)
    client.force_login(nowhere)
    assert client.get(reverse("reports:dashboard")).status_code == 403


def test_home_sends_a_street_worker_to_the_streets_work_orders(client: Client, world: World) -> None:
    client.force_login(world.bob)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("services:workorder_list")  # accounts.roles.LANDING


def test_anonymous_is_listed_in_every_matrix() -> None:
    for matrix in (ELDER, CERTIFICATION, CONTACT, AUDIT_ENTRY, ACCESS_LOG, AREA):
        assert ANONYMOUS in matrix.users


def test_street_auditor_sees_only_that_streets_rows(client: Client, world: World) -> None:
    auditor = make_user("hank", Role.AUDITOR, [world.areas.street_a])
    mine = [make_audit_entry(world, world.areas.community_a1), make_audit_entry(world, world.areas.grid_a1)]
    theirs = [
        make_audit_entry(world, world.areas.community_b1),
        make_audit_entry(world, world.areas.district),
    ]
    logs = [
        make_access_log(world, world.areas.community_a2),
        make_access_log(world, world.areas.community_b2),
    ]
    client.force_login(auditor)

    page = client.get(reverse("core:auditentry_list")).content.decode()
    assert all(e.object_repr in page for e in mine)
    assert not any(e.object_repr in page for e in theirs)
    api = client.get(reverse("auditentry-list")).json()["results"]
    # the auditor's own login is audited too, filed under the street (accounts.signals)
    logins = set(AuditEntry.objects.filter(verb="user.login").values_list("pk", flat=True))
    assert {row["id"] for row in api} == {e.pk for e in mine} | logins
    assert client.get(reverse("auditentry-detail", args=[theirs[0].pk])).status_code == 404

    access = client.get(reverse("core:accesslog_list")).content.decode()
    assert logs[0].reason in access and logs[1].reason not in access
    assert {row["id"] for row in client.get(reverse("accesslog-list")).json()["results"]} == {logs[0].pk}
