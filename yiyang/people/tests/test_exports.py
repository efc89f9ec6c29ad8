"""The elder export as its users need it: in clear for those who may (with a logged reason), the
street and community of every elder, and a file that re-imports as "all unchanged"."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.core.models import AccessLog, ImportBatch
from yiyang.core.testing import World
from yiyang.people.choices import ElderStatus, LivingSituation
from yiyang.people.imports import COLUMNS
from yiyang.people.models import Elder
from yiyang.people.tests.factories import CertificationFactory, ElderFactory

pytestmark = pytest.mark.django_db

LIST = "people:elder_list"
REASON = "报送区民政局核对"


def records(response: Any) -> list[dict[str, Any]]:
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    header, *rows = [[c.value for c in row] for row in ws.iter_rows()]
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_clear_export_needs_the_right_and_a_reason(client: Client, world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1, phone="13912345678")
    clear = {"export": "xlsx", "clear": "1", "reason": REASON}

    client.force_login(world.bob)  # a street worker exports masked only
    assert 'name="clear"' not in client.get(reverse(LIST)).content.decode()
    assert client.get(reverse(LIST), clear).status_code == 403

    client.force_login(world.alice)
    assert 'id="export-clear"' in client.get(reverse(LIST)).content.decode()
    refused = client.get(reverse(LIST), {**clear, "reason": "  "})
    assert refused.status_code == 400 and "导出明文须填写事由" in refused.content.decode()
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.EXPORT).exists()

    response = client.get(reverse(LIST), {**clear, "sex": elder.sex})
    assert response.status_code == 200
    assert quote("明文") in response["Content-Disposition"]
    [row] = records(response)
    assert (row["身份证号"], row["联系电话"]) == (elder.id_number, "13912345678")
    log = AccessLog.objects.get(kind=AccessLog.Kind.EXPORT)
    assert (log.actor, log.reason, log.row_count) == (world.alice, REASON, 1)
    assert log.fields == ["身份证号", "联系电话"]
    assert f"sex={elder.sex}" in log.query and "reason" not in log.query

    masked = records(client.get(reverse(LIST), {"export": "xlsx"}))
    assert masked[0]["身份证号"] == elder.id_number_masked
    assert AccessLog.objects.filter(kind=AccessLog.Kind.EXPORT).latest("id").fields == []


def test_clear_export_from_the_command_line(world: World, tmp_path: Any) -> None:
    from django.core.management import CommandError, call_command

    elder = ElderFactory.create(area=world.areas.community_a1)
    out = tmp_path / "clear.xlsx"
    with pytest.raises(CommandError, match="没有导出明文的权限"):
        call_command("export_elders", "--as", "bob", "--clear", "--reason", REASON, "-o", str(out))
    with pytest.raises(CommandError, match="事由"):
        call_command("export_elders", "--as", "alice", "--clear", "-o", str(out))
    call_command(
        "export_elders", "--as", "alice", "--clear", "--reason", REASON, "-o", str(out), stdout=io.StringIO()
    )
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert elder.id_number in {c.value for row in ws.iter_rows() for c in row}
    log = AccessLog.objects.get(kind=AccessLog.Kind.EXPORT)
    assert REASON in log.reason and log.fields == ["身份证号", "联系电话"]


def test_street_community_and_grid_come_from_the_area_tree(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    areas = world.areas
    in_grid = ElderFactory.create(area=areas.grid_a1)
    in_community = ElderFactory.create(area=areas.community_b1)
    for _ in range(10):
        ElderFactory.create(area=areas.grid_a1)
    client.force_login(world.alice)
    with django_assert_max_num_queries(12):  # the chain up to the street is read with the rows
        response = client.get(reverse(LIST), {"export": "xlsx"})
    by_name = {r["姓名"]: r for r in records(response)}
    assert [by_name[in_grid.name][k] for k in ("街道", "社区", "网格")] == [
        "金沙街道",
        "东市社区",
        "东市社区第1网格",
    ]
    assert [by_name[in_community.name][k] for k in ("街道", "社区", "网格")] == [
        "兴东街道",
        "机场新村社区",
        None,
    ]


def test_an_export_in_clear_re_imports_unchanged(client: Client, world: World) -> None:
    """Export via the page, import that very file as a dry run via the page: every row unchanged."""
    areas = world.areas
    today = timezone.localdate()
    elders = [
        ElderFactory.create(area=areas.grid_a1, phone="13912345678", age=91),
        ElderFactory.create(
            area=areas.community_a2,
            living_situation=LivingSituation.ALONE,
            disability_grade="2",
            hukou_local=False,
            hukou_address="江苏省南通市崇川区某路8号",
            ethnicity="回族",
            address="",
        ),
        ElderFactory.create(area=areas.community_b2, phone="", sex="F"),
        ElderFactory.create(area=areas.community_b1, status=ElderStatus.DECEASED, status_date=today),
    ]
    CertificationFactory.create(elder=elders[1])
    before = {e.pk: (e.updated_at, e.area_id) for e in Elder.objects.all()}

    client.force_login(world.alice)
    exported = client.get(reverse(LIST), {"export": "xlsx", "status": "all", "clear": "1", "reason": REASON})
    assert exported.status_code == 200
    rows = records(exported)
    assert len(rows) == len(elders)
    labels = {c.label for c in COLUMNS}
    assert set(rows[0]) - labels == {"年龄", "经济类别"}  # the import's own headers, plus two to read

    upload = ContentFile(exported.content, name="老年人信息.xlsx")
    response = client.post(reverse("people:elder_import"), {"file": upload, "dry_run": "on"})
    assert response.status_code == 302
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == ImportBatch.Status.CHECKED, (batch.message, batch.errors)
    assert (batch.total_rows, batch.created, batch.updated, batch.unchanged) == (
        len(elders),
        0,
        0,
        len(elders),
    )
    assert batch.errors == []
    assert {e.pk: (e.updated_at, e.area_id) for e in Elder.objects.all()} == before
