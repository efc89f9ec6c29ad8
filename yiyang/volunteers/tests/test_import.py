"""A community's volunteer ledger imported twice changes nothing the second time; bad rows say why."""

from __future__ import annotations

import io
from collections.abc import Sequence

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from yiyang.core.models import ImportBatch
from yiyang.core.testing import World, new_id_number
from yiyang.volunteers.models import Volunteer
from yiyang.volunteers.tests.factories import make_team


def _workbook(rows: Sequence[Sequence[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["东市社区志愿者信息台账"])
    ws.append(["身份证号", "姓名", "联系电话", "类别", "技能", "居住地址", "志愿服务队", "原职业"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(client: Client, content: bytes, area: str) -> ImportBatch:
    response = client.post(reverse("volunteers:volunteer_import"), {
        "file": SimpleUploadedFile("志愿者.xlsx", content), "area": area})  # fmt: skip
    assert response.status_code in (200, 302), response.content.decode()[:2000]
    return ImportBatch.objects.order_by("-pk").first()  # type: ignore[return-value]


def test_the_ledger_imports_once_and_twice_changes_nothing(client: Client, world: World) -> None:
    team = make_team(world.areas.community_a1, name="东市社区医疗志愿者服务队")
    rows = [
        [
            new_id_number(age=30, sex="F"),
            "陈晓丽",
            "13912345678",
            "医疗",
            "健康监测、陪伴聊天",
            "人民路1号",
            team.name,
            "",
        ],
        [new_id_number(age=66, sex="M"), "王建国", "", "党员志愿者", "代购代办", "人民路2号", "", "退休教师"],
    ]
    client.force_login(world.dave)
    first = _upload(client, _workbook(rows), world.areas.community_a1.path)
    assert (first.created, first.status) == (2, "applied"), first.errors
    assert Volunteer.objects.get(name="陈晓丽").team == team
    assert Volunteer.objects.get(name="王建国").skill_list() == ["errands"]
    second = _upload(client, _workbook(rows), world.areas.community_a1.path)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert Volunteer.objects.count() == 2


def test_bad_rows_are_refused_with_reasons(client: Client, world: World) -> None:
    rows = [[new_id_number()[:-1], "甲", "", "医疗", "", "", "", ""],
            [new_id_number(), "乙", "", "厨师", "", "", "", ""],
            [new_id_number(), "丙", "", "医疗", "飞行", "", "", ""]]  # fmt: skip
    client.force_login(world.dave)
    batch = _upload(client, _workbook(rows), world.areas.community_a1.path)
    assert batch.status == "invalid" and Volunteer.objects.count() == 0
    assert {e["column"] for e in batch.errors} >= {"身份证号", "类别", "技能"}
