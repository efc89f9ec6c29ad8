"""The registry's REST API: token login, schema and docs, masking, search, create, reveal."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.core.models import AccessLog, AuditEntry
from yiyang.core.testing import PASSWORD, World, new_id_number
from yiyang.people.choices import ElderStatus
from yiyang.people.models import Elder
from yiyang.people.tests.factories import CertificationFactory, ElderFactory

pytestmark = pytest.mark.django_db

ELDERS = "/api/v1/people/elders/"
_CJK = re.compile(r"[\u4e00-\u9fff]")


def body(response: Any) -> Any:
    return json.loads(response.content)


def rows(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    result: list[dict[str, Any]] = body(response)["results"]
    return result


def post_json(client: Client, url: str, data: dict[str, Any], **extra: Any) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def test_routes_are_where_the_docs_say() -> None:
    assert reverse("elder-list") == ELDERS
    assert reverse("api-token") == "/api/v1/auth/token/"
    assert reverse("api-schema") == "/api/v1/schema/"
    assert reverse("api-docs") == "/api/v1/docs/"


# -- token login -------------------------------------------------------------------------------------


def test_token_login(world: World) -> None:
    ElderFactory.create(area=world.areas.community_a1)
    client = Client()
    response = client.post("/api/v1/auth/token/", {"username": "bob", "password": PASSWORD})
    assert response.status_code == 200
    token = body(response)["token"]
    assert len(token) == 40

    anonymous = Client()
    assert anonymous.get(ELDERS).status_code == 401
    authorised = Client(headers={"Authorization": f"Token {token}"})
    assert len(rows(authorised.get(ELDERS))) == 1
    assert authorised.get(ELDERS).wsgi_request.user == world.bob
    # the same token is handed out again
    assert (
        body(client.post("/api/v1/auth/token/", {"username": "bob", "password": PASSWORD}))["token"] == token
    )


@pytest.mark.parametrize("data", [{"username": "bob", "password": "wrong"}, {"username": "bob"}, {}])
def test_token_login_refused(world: World, data: dict[str, str]) -> None:
    response = Client().post("/api/v1/auth/token/", data)
    assert response.status_code == 400
    assert "token" not in body(response)


def test_bad_token_is_401(world: World) -> None:
    client = Client(headers={"Authorization": "Token " + "0" * 40})
    assert client.get(ELDERS).status_code == 401


# -- schema and docs ---------------------------------------------------------------------------------


def test_schema_renders(client: Client, world: World) -> None:
    client.force_login(world.alice)
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = body(response)
    assert schema["info"]["title"] == "颐养 Yiyang API"
    paths = schema["paths"]
    for path in (
        ELDERS,
        "/api/v1/people/elders/{id}/",
        "/api/v1/people/elders/{id}/reveal/",
        "/api/v1/people/certifications/",
        "/api/v1/people/contacts/",
        "/api/v1/auth/token/",
    ):
        assert path in paths, path
    assert "post" in paths["/api/v1/people/elders/{id}/reveal/"]


def test_docs_page_loads_nothing_from_other_hosts(client: Client, world: World) -> None:
    client.force_login(world.alice)
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    hosts = {urlsplit(u).hostname for u in re.findall(r"""https?://[^\s"'<>)]+""", page)}
    assert hosts <= {"testserver", "localhost", "127.0.0.1"}, hosts
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page)
    assert assets, "the docs page references no assets"
    for asset in assets:
        assert asset.startswith("/") and not asset.startswith("//"), asset


# -- listing: masked fields only, scoped, searchable -------------------------------------------------


def test_elder_list_is_masked(client: Client, world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1, phone="13912345678", health="帕金森病")
    client.force_login(world.bob)
    response = client.get(ELDERS)
    (row,) = rows(response)
    assert row["id"] == elder.pk
    assert row["id_number_masked"] == elder.id_number_masked
    assert row["phone_masked"] == "139****5678"
    assert row["area"] == world.areas.community_a1.path
    assert not {
        k for k in row if k in {"id_number", "phone", "health"} or k.endswith(("_enc", "_hash", "_tail"))
    }
    raw = response.content.decode()
    for secret in (elder.id_number, "13912345678", "帕金森病", elder.id_number_enc, elder.id_number_hash):
        assert secret not in raw


def test_elder_detail_is_masked(client: Client, world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1, phone="13912345678")
    client.force_login(world.bob)
    response = client.get(reverse("elder-detail", args=[elder.pk]))
    assert response.status_code == 200
    assert body(response)["id_number_masked"] == elder.id_number_masked
    assert elder.id_number not in response.content.decode()


def test_elder_list_search(client: Client, world: World) -> None:
    a1 = world.areas.community_a1
    zhang = ElderFactory.create(name="张三", area=a1, phone="13912345678")
    ElderFactory.create(name="李四", area=a1)
    ElderFactory.create(name="张森", area=world.areas.community_b1)
    client.force_login(world.bob)
    for q in ("zs", "zhangsan", "张"):
        assert [r["name"] for r in rows(client.get(ELDERS, {"q": q}))] == ["张三"], q
    # A full ID number or phone is exchanged for a token first; in the URL it is refused (issue 18).
    for q in (zhang.id_number, "13912345678"):
        assert client.get(ELDERS, {"q": q}).status_code == 400
        issued = client.post(reverse("api-search-token"), {"q": q}, content_type="application/json")
        token = issued.json()["token"]
        assert [r["name"] for r in rows(client.get(ELDERS, {"q": token}))] == ["张三"], q
    assert rows(client.get(ELDERS, {"q": "ww"})) == []


def test_elder_list_filters_and_pages(client: Client, world: World) -> None:
    a1 = world.areas.community_a1
    for _ in range(3):
        ElderFactory.create(area=a1, sex="F")
    ElderFactory.create(area=a1, sex="M")
    ElderFactory.create(area=a1, sex="F", status=ElderStatus.DECEASED, status_date=timezone.localdate())
    client.force_login(world.bob)
    assert len(rows(client.get(ELDERS, {"sex": "F"}))) == 3
    assert len(rows(client.get(ELDERS, {"status": "all"}))) == 5
    page = body(client.get(ELDERS, {"limit": 2}))
    assert (page["count"], len(page["results"])) == (4, 2)
    assert page["next"]


# -- create ------------------------------------------------------------------------------------------


def test_create_elder(client: Client, world: World) -> None:
    client.force_login(world.bob)
    id_number = new_id_number(age=78, sex="F")
    response = post_json(
        client,
        ELDERS,
        {
            "id_number": id_number,
            "name": "刘淑芳",
            "area": world.areas.community_a2.code,
            "phone": "139 1234 5678",
            "living_situation": "alone",
        },
    )
    assert response.status_code == 201, response.content
    data = body(response)
    elder = Elder.objects.get(pk=data["id"])
    assert (elder.sex, elder.age, elder.phone, elder.living_situation) == ("F", 78, "13912345678", "alone")
    assert data["id_number_masked"] == elder.id_number_masked
    assert id_number not in response.content.decode()
    assert AuditEntry.objects.filter(verb="elder.create", subject_id=elder.pk, actor=world.bob).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", "320612195003011018", "校验码不符"),
        ("id_number", "3206121950030110", "身份证号应为18位"),
        ("id_number", "990612195003011019", "不是有效的省级行政区代码"),
        ("area", "320612002001", "不是您管辖范围内的社区或网格"),  # street B
        ("area", "320612001", "不是您管辖范围内的社区或网格"),  # a street, not a community
        ("phone", "12345", "电话号码格式不正确"),
    ],
)
def test_create_elder_invalid(client: Client, world: World, field: str, value: str, message: str) -> None:
    client.force_login(world.bob)
    data = {
        "id_number": "320612195003011019",
        "name": "刘淑芳",
        "area": world.areas.community_a1.code,
        field: value,
    }
    response = post_json(client, ELDERS, data)
    assert response.status_code == 400
    errors = body(response)[field]
    assert any(message in e for e in errors), errors
    assert all(_CJK.search(e) for e in errors)
    assert not Elder.objects.exists()


def test_create_duplicate_elder(client: Client, world: World) -> None:
    existing = ElderFactory.create(area=world.areas.community_b1)
    client.force_login(world.bob)
    response = post_json(
        client, ELDERS, {"id_number": existing.id_number, "name": "重复", "area": "320612001001"}
    )
    assert response.status_code == 400
    assert "该身份证号已登记" in body(response)["id_number"][0]


def test_update_elder_needs_the_whole_record(client: Client, world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1)
    client.force_login(world.bob)
    url = reverse("elder-detail", args=[elder.pk])
    patch = client.patch(url, json.dumps({"address": "x"}), content_type="application/json")
    assert patch.status_code == 405
    put = client.put(
        url,
        json.dumps(
            {
                "id_number": elder.id_number,
                "name": elder.name,
                "area": elder.area.code,
                "phone": elder.phone,
                "address": "新地址",
            }
        ),
        content_type="application/json",
    )
    assert put.status_code == 200, put.content
    assert Elder.objects.get(pk=elder.pk).address == "新地址"


def test_api_cannot_move_an_elder_to_another_street(client: Client, world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1)
    client.force_login(world.bob)
    response = client.put(
        reverse("elder-detail", args=[elder.pk]),
        json.dumps({"id_number": elder.id_number, "name": elder.name, "area": world.areas.community_b1.code}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert Elder.objects.get(pk=elder.pk).area == world.areas.community_a1


def test_deceased_elder_detail_is_reachable(client: Client, world: World) -> None:
    elder = ElderFactory.create(
        area=world.areas.community_a1, status=ElderStatus.DECEASED, status_date=timezone.localdate()
    )
    client.force_login(world.bob)
    assert client.get(reverse("elder-detail", args=[elder.pk])).status_code == 200


# -- reveal ------------------------------------------------------------------------------------------


def test_reveal_endpoint_logs(client: Client, world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1, phone="13912345678")
    client.force_login(world.erin)
    url = reverse("elder-reveal", args=[elder.pk])
    response = post_json(client, url, {"field": "phone", "reason": "来电老人要求回拨"})
    assert response.status_code == 200
    assert body(response) == {"field": "phone", "value": "13912345678"}
    log = AccessLog.objects.get()
    assert (log.kind, log.actor, log.fields, log.reason) == (
        "reveal",
        world.erin,
        ["phone"],
        "来电老人要求回拨",
    )
    assert (log.subject_id, log.area_path) == (elder.pk, elder.area_path)


@pytest.mark.parametrize(
    "data", [{"field": "phone"}, {"field": "phone", "reason": "x"}, {"field": "name", "reason": "核对"}]
)
def test_reveal_endpoint_refuses(client: Client, world: World, data: dict[str, str]) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1, phone="13912345678")
    client.force_login(world.bob)
    response = post_json(client, reverse("elder-reveal", args=[elder.pk]), data)
    assert response.status_code == 400
    assert "13912345678" not in response.content.decode()
    assert not AccessLog.objects.exists()


# -- certifications: missing and out-of-area look the same -------------------------------------------


def test_certification_for_missing_or_foreign_elder_same_error(client: Client, world: World) -> None:
    foreign = ElderFactory.create(area=world.areas.community_b1)
    client.force_login(world.bob)
    errors = []
    for elder_id in (foreign.pk, foreign.pk + 1000):
        response = post_json(
            client,
            reverse("certification-list"),
            {"elder": elder_id, "category": "dibao", "valid_from": "2025-01-01"},
        )
        assert response.status_code == 400
        # The message echoes the id that was sent; apart from that it must be the same answer.
        errors.append(json.dumps(body(response), ensure_ascii=False).replace(str(elder_id), "<id>"))
    assert errors[0] == errors[1]


def test_certification_via_api_updates_categories(client: Client, world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1)
    client.force_login(world.bob)
    response = post_json(
        client,
        reverse("certification-list"),
        {"elder": elder.pk, "category": "tekun", "valid_from": "2025-01-01"},
    )
    assert response.status_code == 201, response.content
    elder.refresh_from_db()
    assert elder.categories == "tekun"
    cert = CertificationFactory.create(elder=elder, category="dibao")
    assert client.delete(reverse("certification-detail", args=[cert.pk])).status_code == 204
    elder.refresh_from_db()
    assert elder.categories == "tekun"
