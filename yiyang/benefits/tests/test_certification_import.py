"""The certification list import (经济类别认定名单, kind ``benefits.certification``) end to end:
clean and messy sheets, precise cell errors, nothing half imported, updates of a period, the page
and the command line."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from yiyang.benefits.tests.factories import elder_born
from yiyang.core.cells import CellError, parse_date
from yiyang.core.idnumber import make_id_number
from yiyang.core.importing.actions import import_batch_create, import_batch_start
from yiyang.core.models import AuditEntry, ImportBatch
from yiyang.core.testing import World
from yiyang.people.models import Certification, Elder

D = datetime.date
pytestmark = pytest.mark.django_db
KIND = "benefits.certification"
HEADER = [
    "序号",
    "保障对象姓名",
    "公民身份号码",
    "保障类别",
    "享受起始日期",
    "享受截止日期",
    "审批单位",
    "保障证号",
]


def workbook(rows: list[list[Any]], *, header: list[str] = HEADER) -> bytes:
    """As civil affairs sends it: a merged title row, the header, the data, a signature footer."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["通州区2026年第一季度城乡低保、特困人员认定名单"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    for row in rows:
        ws.append(row)
    ws.append([])
    ws.append(["制表人：王五", None, "审核人：赵六"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run(world: World, content: bytes, *, user: str = "bob", dry_run: bool = False, **kw: Any) -> ImportBatch:
    batch = import_batch_create(
        kind=KIND,
        upload=ContentFile(content),
        filename=kw.get("filename", "认定名单.xlsx"),
        actor=world.users[user],
        dry_run=dry_run,
        skip_invalid=kw.get("skip_invalid", False),
    )
    import_batch_start(batch, background=False)
    batch.refresh_from_db()
    return batch


def two_elders(world: World) -> tuple[Elder, Elder]:
    return (
        elder_born(D(1944, 5, 6), name="钱桂英"),
        elder_born(D(1950, 7, 8), area=world.areas.community_a2, name="孙德明"),
    )


def test_clean_sheet_creates_certifications_and_updates_the_registry(world: World) -> None:
    a, b = two_elders(world)
    content = workbook(
        [
            [
                1,
                "钱桂英",
                a.id_number,
                "低保",
                "2026-01-01",
                "2026-12-31",
                "通州区民政局",
                "通民低保〔2026〕1号",
            ],
            # Synonyms, an Excel date cell, an open end, a fully-written date.
            [2, "孙德明", b.id_number, "特困人员", datetime.datetime(2026, 2, 1), None, "通州区民政局", ""],
            [3, "孙德明", b.id_number, "低保户", "2026年3月1日", "", "", ""],
        ]
    )
    batch = run(world, content)
    assert batch.status == ImportBatch.Status.APPLIED, batch.errors
    assert (batch.total_rows, batch.created, batch.updated, batch.unchanged, batch.rejected) == (
        3,
        3,
        0,
        0,
        0,
    )
    assert any("制表人" in n for n in batch.notices)  # the footer is recognised, not data
    cert = Certification.objects.get(elder=a)
    assert (cert.category, cert.valid_from, cert.valid_to, cert.certified_by, cert.document_no) == (
        "dibao",
        D(2026, 1, 1),
        D(2026, 12, 31),
        "通州区民政局",
        "通民低保〔2026〕1号",
    )
    assert cert.note == f"导入批次 #{batch.pk}"
    assert sorted(
        Certification.objects.filter(elder=b).values_list("category", "valid_from", "valid_to")
    ) == [
        ("dibao", D(2026, 3, 1), None),
        ("tekun", D(2026, 2, 1), None),
    ]
    a.refresh_from_db()
    assert "dibao" in a.categories  # Elder.categories follows (in force today)
    entries = AuditEntry.objects.filter(verb="certification.create", request_id=batch.request_id)
    assert {e.subject_id for e in entries} == {a.pk, b.pk} and entries.count() == 3


def test_messy_sheet_reports_each_bad_cell_and_imports_nothing(world: World) -> None:
    a, b = two_elders(world)
    theirs = elder_born(D(1942, 1, 1), area=world.areas.community_b1, name="李四")
    stranger = make_id_number("320612", D(1941, 3, 3), 777)  # valid, but nobody registered it
    content = workbook(
        [
            [1, "钱桂英", a.id_number, "低保", "2026-01-01", "", "", ""],  # good
            # ID stored as a number: Excel keeps 15 significant digits (and an X cannot be a number)
            [2, "孙德明", int(b.id_number[:15]) * 1000, "特困", "2026-01-01", "", "", ""],
            [3, "孙德明", b.id_number, "低保", "2026-13-45", "", "", ""],  # no such date
            [4, "孙德明", b.id_number, "低保", "2026-06-01", "2026-05-01", "", ""],  # ends before it starts
            [5, "周某", stranger, "低保", "2026-01-01", "", "", ""],  # unknown elder
            [6, "钱桂英", a.id_number, "低保补助", "2026-01-01", "", "", ""],  # unknown category
            [7, "李四", theirs.id_number, "低保", "2026-01-01", "", "", ""],  # another street's elder
            [8, "钱桂兰", a.id_number, "特困", "2026-01-01", "", "", ""],  # name differs from the registry
            [9, "钱桂英", a.id_number, "低保", "2026-01-01", "", "", ""],  # same key as row 3 of data
            [10, "孙德明", b.id_number, "", "", "", "", ""],  # required cells empty
        ]
    )
    before = Certification.objects.count()
    batch = run(world, content)
    assert batch.status == ImportBatch.Status.INVALID
    assert Certification.objects.count() == before  # nothing half imported
    assert (batch.created, batch.updated) == (0, 0)
    with pytest.raises(CellError) as bad_date:
        parse_date("2026-13-45")
    # Row 1 is the title, row 2 the header: the data start on row 3, as Excel numbers them.
    by_cell = {(e["row"], e["column"]): e["message"] for e in batch.errors}
    assert by_cell[(4, "公民身份号码")].startswith("身份证号被存为数字")
    assert by_cell[(5, "享受起始日期")] == bad_date.value.message
    assert by_cell[(6, "享受截止日期")] == "终止日期早于起始日期"
    assert by_cell[(7, "公民身份号码")] == "老人未登记或不在您的辖区，请先登记"
    assert by_cell[(8, "保障类别")].startswith("无法识别的选项：低保补助")
    assert by_cell[(9, "公民身份号码")] == "老人未登记或不在您的辖区，请先登记"
    assert by_cell[(10, "保障对象姓名")] == "姓名与台账不一致（台账为 钱桂英）"
    assert by_cell[(11, "公民身份号码")] == "身份证号+类别+起始日期与第 3 行重复"
    assert by_cell[(12, "保障类别")] == "类别为空" and by_cell[(12, "享受起始日期")] == "起始日期为空"
    assert {e["row"] for e in batch.errors} == set(range(4, 13))
    assert batch.rejected == 9
    assert batch.annotated_file  # the error-annotated copy to send back


def test_skip_invalid_imports_the_good_rows_only(world: World) -> None:
    a, b = two_elders(world)
    content = workbook(
        [
            [1, "钱桂英", a.id_number, "低保", "2026-01-01", "", "", ""],
            [2, "孙德明", b.id_number, "外星", "2026-01-01", "", "", ""],
        ]
    )
    batch = run(world, content, skip_invalid=True)
    assert batch.status == ImportBatch.Status.APPLIED
    assert (batch.created, batch.rejected) == (1, 1)
    assert (
        Certification.objects.filter(elder=a).exists() and not Certification.objects.filter(elder=b).exists()
    )


def test_same_elder_category_and_start_updates_the_period(world: World) -> None:
    a, _b = two_elders(world)
    run(world, workbook([[1, "钱桂英", a.id_number, "低保", "2025-01-01", "", "", ""]]))
    cert = Certification.objects.get(elder=a)
    assert cert.valid_to is None
    ends = workbook(
        [[1, "钱桂英", a.id_number, "低保", "2025-01-01", "2025-12-31", "", "通民低保〔2025〕9号"]]
    )
    checked = run(world, ends, dry_run=True)
    assert checked.status == ImportBatch.Status.CHECKED
    assert (checked.created, checked.updated, checked.unchanged) == (0, 1, 0)
    cert.refresh_from_db()
    assert cert.valid_to is None  # a dry run writes nothing
    batch = run(world, ends)
    assert (batch.created, batch.updated, batch.unchanged) == (0, 1, 0)
    cert.refresh_from_db()
    assert (cert.valid_to, cert.document_no) == (D(2025, 12, 31), "通民低保〔2025〕9号")
    assert Certification.objects.filter(elder=a).count() == 1
    entry = AuditEntry.objects.get(verb="certification.update", subject_id=a.pk)
    before, after = entry.before or {}, entry.after or {}
    assert before["valid_to"] is None and after["valid_to"] == "2025-12-31"
    a.refresh_from_db()
    assert "dibao" not in a.categories  # ended last year
    again = run(world, ends)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    # A new start date is a new period, not an update.
    renewed = run(world, workbook([[1, "钱桂英", a.id_number, "低保", "2026-01-01", "", "", ""]]))
    assert (renewed.created, renewed.updated) == (1, 0)
    assert Certification.objects.filter(elder=a).count() == 2


def test_upload_page_and_who_may_use_it(client: Client, world: World) -> None:
    a, _b = two_elders(world)
    url = reverse("benefits:certification_import")
    client.force_login(world.bob)
    assert "导入经济类别认定名单" in client.get(url).content.decode()
    upload = ContentFile(
        workbook([[1, "钱桂英", a.id_number, "低保", "2026-01-01", "", "", ""]]), name="名单.xlsx"
    )
    response = client.post(url, {"file": upload, "dry_run": ""})
    assert response.status_code == 302
    batch = ImportBatch.objects.get(kind=KIND)
    assert response["Location"] == reverse("core:importbatch_detail", args=[batch.pk])
    assert batch.status == ImportBatch.Status.APPLIED and Certification.objects.filter(elder=a).exists()
    # Street B's worker may import, but street A's elders are not theirs.
    client.force_login(world.carol)
    upload = ContentFile(
        workbook([[1, "钱桂英", a.id_number, "特困", "2026-01-01", "", "", ""]]), name="名单.xlsx"
    )
    client.post(url, {"file": upload, "dry_run": ""})
    refused = ImportBatch.objects.filter(kind=KIND).latest("pk")
    assert refused.status == ImportBatch.Status.INVALID
    assert [e["message"] for e in refused.errors or []] == ["老人未登记或不在您的辖区，请先登记"]
    for who in ("dave", "erin", "frank", "grace"):
        client.force_login(world.users[who])
        assert client.get(url).status_code == 403, who
    client.logout()
    assert client.get(url).status_code == 302


def test_command_line(world: World, tmp_path: Path) -> None:
    from yiyang.cli import translate

    assert translate(["import", "certifications", "名单.xlsx"]) == ["import_certifications", "名单.xlsx"]
    a, b = two_elders(world)
    path = tmp_path / "认定名单.xlsx"
    path.write_bytes(
        workbook(
            [
                [1, "钱桂英", a.id_number, "低保", "2026-01-01", "", "", ""],
                [2, "孙德明", b.id_number, "低保", "2026/02/30", "", "", ""],
            ]
        )
    )
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_certifications", str(path), "--as", "bob", "--json", stdout=out)
    assert exit_info.value.code == 1
    summary = json.loads(out.getvalue())
    assert (summary["created"], summary["rejected"], summary["applied"]) == (0, 1, False)
    assert [(e["row"], e["column"]) for e in summary["errors"]] == [(4, "享受起始日期")]
    assert not Certification.objects.exists()
    with pytest.raises(CommandError, match="没有导入认定名单的权限"):
        call_command("import_certifications", str(path), "--as", "grace")
    out = io.StringIO()
    with pytest.raises(SystemExit):  # the good row is imported, the bad one still fails the run
        call_command("import_certifications", str(path), "--as", "bob", "--skip-invalid", stdout=out)
    assert "新增 1" in out.getvalue() and "第4行" in out.getvalue()
    assert Certification.objects.filter(elder=a).count() == 1
