"""Importing care workers: the ID number validated (a masked one named as such), the employer found
among those the uploader sees, errors on their cells, nothing twice, and the export re-imports
unchanged through the page."""

from __future__ import annotations

import datetime
import io
from typing import Any

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from yiyang.core.importing.actions import import_batch_create, import_batch_start
from yiyang.core.models import ImportBatch
from yiyang.core.testing import World, new_id_number
from yiyang.institutions.tests.factories import make_institution
from yiyang.meals.tests.factories import make_canteen
from yiyang.services.tests.factories import staff as provider_staff
from yiyang.workforce import actions
from yiyang.workforce.choices import EmployerKind, Post, WorkerStatus
from yiyang.workforce.imports import COLUMNS
from yiyang.workforce.models import CareWorker
from yiyang.workforce.tests.factories import make_certificate, make_provider, make_worker

pytestmark = pytest.mark.django_db

HEADER = ["身份证号", "姓名", "手机号", "用人单位类型", "用人单位", "工作地", "岗位", "从事养老护理工作起始日期",
          "健康证编号", "健康证有效期至", "开户银行", "银行账号"]  # fmt: skip
REASON = "报送区人社局核对岗位补贴"


def _sheet(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(rows: list[list[object]]) -> bytes:
    lines = [",".join(HEADER)] + [",".join(str(c) for c in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def _import(user: Any, content: bytes, filename: str = "护理员.xlsx", **options: bool) -> ImportBatch:
    batch = import_batch_create(
        kind="workforce.careworker", upload=ContentFile(content), filename=filename, actor=user,
        dry_run=options.get("dry_run", False), skip_invalid=options.get("skip_invalid", False),
    )  # fmt: skip
    import_batch_start(batch, background=False)
    batch.refresh_from_db()
    return batch


def test_a_street_imports_its_homes_and_canteens_carers_once(world: World) -> None:
    home = make_institution(world.areas.community_a1, name="爱心养老院")
    canteen = make_canteen(world.areas.community_a2, name="东市长者食堂")
    id1, id2 = new_id_number(age=45, sex="F"), new_id_number(age=38, sex="M")
    rows: list[list[object]] = [
        [id1, "王秀英", "13912345678", "养老机构", "爱心养老院", "", "养老护理员", datetime.date(2019, 3, 1),
         "JK001", datetime.date(2027, 6, 30), "中国工商银行", "6222020200112233445"],
        [id2, "李建华", "", "", "东市长者食堂", "", "其他岗位", "2022-05-10", "", "", "", ""],
    ]  # fmt: skip
    first = _import(world.bob, _sheet(rows))
    assert first.status == "applied" and first.created == 2, (first.message, first.errors)
    wang = CareWorker.objects.get(name="王秀英")
    assert (wang.employer_kind, wang.institution, wang.area, wang.post) == (
        EmployerKind.INSTITUTION, home, world.areas.community_a1, Post.CARER,
    )  # fmt: skip
    assert (wang.id_number, wang.sex, wang.phone, wang.account) == (
        id1,
        "F",
        "13912345678",
        "6222020200112233445",
    )
    li = CareWorker.objects.get(name="李建华")
    assert (li.canteen, li.area, li.post, li.phone) == (canteen, world.areas.community_a2, Post.OTHER, "")
    again = _import(world.bob, _csv(rows), filename="护理员.csv")
    assert (again.status, again.created, again.updated, again.unchanged) == ("applied", 0, 0, 2), again.errors
    # A changed cell updates; an empty optional cell keeps what is stored.
    rows[0][2], rows[0][11] = "13800001111", ""
    third = _import(world.bob, _sheet(rows))
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    wang.refresh_from_db()
    assert (wang.phone, wang.account) == ("13800001111", "6222020200112233445")
    assert CareWorker.objects.count() == 2


def test_bad_cells_are_reported_on_their_cells_and_nothing_is_written(world: World) -> None:
    make_institution(world.areas.community_a1, name="爱心养老院")
    make_institution(world.areas.community_b1, name="兴东敬老院")  # another street's home
    good = new_id_number(age=40, sex="F")
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    rows: list[list[object]] = [
        [good, "王秀英", "", "", "爱心养老院", "", "", "2019-03-01", "", "", "", ""],
        [wrong_check, "李四", "", "", "爱心养老院", "", "", "2019-03-01", "", "", "", ""],
        ["320612********0024", "张三", "", "", "爱心养老院", "", "", "2019-03-01", "", "", "", ""],
        [new_id_number(age=40), "赵五", "", "", "兴东敬老院", "", "", "2019-03-01", "", "", "", ""],
        [new_id_number(age=40), "钱六", "", "", "爱心养老院", "", "", "明年", "", "", "", ""],
        [new_id_number(age=40), "孙七", "", "", "爱心养老院", "", "", "2019-03-01", "", "", "", "6222-abc"],
        [new_id_number(age=40), "周八", "", "", "爱心养老院", "火星社区", "", "2019-03-01", "", "", "", ""],
        [good, "王秀英", "", "", "爱心养老院", "", "", "2019-03-01", "", "", "", ""],
    ]  # fmt: skip
    batch = _import(world.bob, _sheet(rows))
    assert batch.status == ImportBatch.Status.INVALID
    assert not CareWorker.objects.exists()
    by_row = {e["row"]: e for e in batch.errors}
    assert set(by_row) == {3, 4, 5, 6, 7, 8, 9}
    assert by_row[3]["column"] == "身份证号" and "校验" in by_row[3]["message"]
    assert wrong_check not in str(batch.errors)  # the report quotes it masked
    assert "脱敏" in by_row[4]["message"]
    assert (by_row[5]["column"], by_row[5]["message"]) == ("用人单位", "用人单位不存在或不在您的管理范围")
    assert by_row[6]["column"] == "从事养老护理工作起始日期"
    assert (by_row[7]["column"], by_row[7]["message"]) == ("银行账号", "银行账号只能是数字")
    assert by_row[8]["column"] == "工作地"
    assert "与第 2 行重复" in by_row[9]["message"]
    # Skipping the bad rows imports the good one.
    skipped = _import(world.bob, _sheet(rows), skip_invalid=True)
    assert (skipped.status, skipped.created) == ("applied", 1)


def test_a_provider_imports_its_own_workers_only(world: World) -> None:
    ours, theirs = make_provider("颐康居家服务"), make_provider("安康居家服务")
    user = provider_staff(ours)
    mine = make_worker(world.areas.community_a1, theirs)  # registered by another provider
    rows: list[list[object]] = [
        [new_id_number(age=40, sex="F"), "王秀英", "", "居家服务商", "颐康居家服务", "东市社区", "助老员",
         "2021-01-01", "", "", "", ""],
        [new_id_number(age=40, sex="F"), "陈红", "", "", "安康居家服务", "东市社区", "", "2021-01-01", "", "", "",
         ""],
        [mine.id_number, "冒名", "", "", "颐康居家服务", "东市社区", "", "2021-01-01", "", "", "", ""],
    ]  # fmt: skip
    batch = _import(user, _sheet(rows))
    messages = {e["row"]: e["message"] for e in batch.errors}
    assert messages == {
        3: "用人单位不存在或不在您的管理范围",
        4: "该身份证号已登记在养老服务人才台账，不在您的管理范围",
    }
    ok = _import(user, _sheet(rows[:1]))
    assert ok.status == "applied" and ok.created == 1
    assert CareWorker.objects.get(name="王秀英").provider == ours
    mine.refresh_from_db()
    assert (mine.name, mine.provider) != ("冒名", ours)


def test_the_export_in_clear_re_imports_unchanged(client: Client, world: World) -> None:
    """Export via the page (in clear, with a reason), import that very file via the page: all unchanged."""
    home = make_institution(world.areas.community_a1, name="爱心养老院")
    canteen = make_canteen(world.areas.community_b1, name="兴东长者食堂")
    provider = make_provider("颐康居家服务")
    workers = [
        make_worker(world.areas.community_a1, home, post=Post.CARER,
                    health_certificate_number="JK001", health_certificate_expires=datetime.date(2027, 6, 30)),
        make_worker(world.areas.community_b1, canteen, post=Post.OTHER, account=""),
        make_worker(world.areas.community_a2, provider, post=Post.HOME_AIDE),
        make_worker(world.areas.community_a1, home),
    ]  # fmt: skip
    make_certificate(workers[0])
    actions.careworker_leave(worker=workers[3], left_on=datetime.date(2026, 6, 30), reason="resigned",
                             actor=world.alice)  # fmt: skip
    before = {w.pk: (w.updated_at, w.area_id, w.provider_id, w.institution_id, w.canteen_id)
              for w in CareWorker.objects.all()}  # fmt: skip

    client.force_login(world.alice)
    exported = client.get(
        reverse("workforce:careworker_list"), {"export": "xlsx", "clear": "1", "reason": REASON}
    )
    assert exported.status_code == 200, exported.content[:300]
    book = openpyxl.load_workbook(io.BytesIO(exported.content), read_only=True)
    sheet = book.active
    assert sheet is not None
    header = [c for c in next(sheet.iter_rows(values_only=True)) if c]
    assert {c.label for c in COLUMNS} - set(header) == {"备注"}  # every other import header is exported

    upload = ContentFile(exported.content, name="养老服务人才台账.xlsx")
    response = client.post(reverse("workforce:careworker_import"), {"file": upload})
    assert response.status_code == 302
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == ImportBatch.Status.APPLIED, (batch.message, batch.errors)
    assert (batch.total_rows, batch.created, batch.updated, batch.unchanged) == (
        len(workers),
        0,
        0,
        len(workers),
    )
    after = {w.pk: (w.updated_at, w.area_id, w.provider_id, w.institution_id, w.canteen_id)
             for w in CareWorker.objects.all()}  # fmt: skip
    assert after == before
    assert CareWorker.objects.get(pk=workers[3].pk).status == WorkerStatus.LEFT

    # A plain (masked) export re-imports too when the ID numbers are filled in clear: the masked phone
    # and account are the stored ones' masks, so they stay.
    plain = client.get(reverse("workforce:careworker_list"), {"export": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(plain.content))
    sheet = book.active
    assert sheet is not None
    ids = {w.name: w.id_number for w in workers}
    for row in sheet.iter_rows(min_row=2):
        if row[0].value:
            row[1].value = ids[str(row[0].value)]
    out = io.BytesIO()
    book.save(out)
    again = _import(world.alice, out.getvalue())
    assert (again.status, again.unchanged, again.updated) == ("applied", len(workers), 0), again.errors
