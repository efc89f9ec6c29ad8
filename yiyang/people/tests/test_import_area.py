"""A community's own ledger has no 社区 column: the uploader says where it goes, through every door.

The page, the command line and the background job all take the chosen area (or the default of a user
with one community), check it against the uploader's scope, and report a refused file with its reason.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from yiyang.core.importing.actions import import_batch_create
from yiyang.core.models import ImportBatch
from yiyang.core.tasks import run_import_batch
from yiyang.core.testing import World, make_user, new_id_number
from yiyang.people.models import Elder

pytestmark = pytest.mark.django_db

IMPORT = "people:elder_import"


def ledger(
    rows: list[list[Any]], header: tuple[str, ...] = ("序号", "姓名", "身份证号码", "居住地址")
) -> bytes:
    """A community's own sheet: a title, its columns, no 社区 column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["东市社区老年人花名册"])
    ws.append(list(header))
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def two_people() -> tuple[bytes, list[str]]:
    ids = [new_id_number(age=70), new_id_number(age=81, sex="F")]
    return ledger([[1, "钱福生", ids[0], "人民路1号"], [2, "孙玉兰", ids[1], "人民路2号"]]), ids


def json_import(path: Path, *args: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    code = 0
    try:
        call_command("import_elders", str(path), "--json", *args, stdout=out)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(out.getvalue())


def upload(client: Client, content: bytes, **data: Any) -> Any:
    return client.post(reverse(IMPORT), {"file": ContentFile(content, name="花名册.xlsx"), **data})


# -- file-level errors --------------------------------------------------------------------------------


def test_a_refused_file_says_why_in_json(world: World, tmp_path: Path) -> None:
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(two_people()[0])
    code, summary = json_import(path, "--as", "alice")  # a district: no community to default to
    assert code == 1
    assert summary["rows"] == 0 and summary["applied"] is False
    [error] = summary["errors"]
    assert error["row"] is None and error["message"].startswith("缺少必填列：社区"), error
    assert summary["message"] == error["message"]


# -- the page -----------------------------------------------------------------------------------------


def test_page_offers_the_users_streets_and_communities_only(client: Client, world: World) -> None:
    client.force_login(world.bob)
    page = client.get(reverse(IMPORT)).content.decode()
    assert f'value="{world.areas.community_a1.path}"' in page
    assert f'value="{world.areas.street_a.path}"' in page
    assert f'value="{world.areas.community_b1.path}"' not in page  # another street's community

    content, _ids = two_people()
    refused = upload(client, content, area=world.areas.community_b1.path, dry_run="on")
    assert refused.status_code == 400  # not among the choices: the scoping door said no
    assert not ImportBatch.objects.exists()


def test_page_imports_a_ledger_into_the_chosen_community(client: Client, world: World) -> None:
    client.force_login(world.bob)
    content, ids = two_people()
    response = upload(client, content, area=world.areas.community_a2.path, dry_run="on")
    assert response.status_code == 302
    checked = ImportBatch.objects.get()
    assert checked.status == ImportBatch.Status.CHECKED, (checked.message, checked.errors)
    assert (checked.created, checked.target_path) == (2, world.areas.community_a2.path)
    assert any("南山社区" in n for n in checked.notices)

    # Confirming the dry run imports the same file into the same community.
    assert client.post(reverse("core:importbatch_confirm", args=[checked.pk])).status_code == 302
    applied = ImportBatch.objects.latest("pk")
    assert applied.status == ImportBatch.Status.APPLIED and applied.target_path == checked.target_path
    assert set(Elder.objects.values_list("area_id", flat=True)) == {world.areas.community_a2.pk}
    assert Elder.objects.count() == len(ids)


def test_a_user_with_one_community_gets_it_by_default(client: Client, world: World) -> None:
    client.force_login(world.dave)  # 东市社区 only
    page = client.get(reverse(IMPORT)).content.decode()
    assert f'<option value="{world.areas.community_a1.path}" selected>' in page
    content, _ids = two_people()
    assert upload(client, content).status_code == 302  # chose nothing
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.APPLIED, (batch.message, batch.errors)
    assert set(Elder.objects.values_list("area_id", flat=True)) == {world.areas.community_a1.pk}


def test_a_grid_worker_imports_into_the_grid(world: World) -> None:
    grid_worker = make_user("wangge", "community_worker", [world.areas.grid_a1])
    content, _ids = two_people()
    batch = import_batch_create(
        kind="people.elder",
        upload=ContentFile(content),
        filename="网格.xlsx",
        actor=grid_worker,
        dry_run=False,
    )
    from yiyang.core.importing.actions import import_batch_start

    import_batch_start(batch, background=False)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED, (batch.message, batch.errors)
    assert set(Elder.objects.values_list("area_id", flat=True)) == {world.areas.grid_a1.pk}


def test_a_street_takes_the_community_from_the_column_or_the_address(client: Client, world: World) -> None:
    ids = [new_id_number(age=66 + i) for i in range(5)]
    content = ledger(
        [
            [1, "周一", ids[0], "南山社区", "光明路1号"],
            [2, "周二", ids[1], None, "金沙街道东市社区人民路3号"],
            [3, "周三", ids[2], None, "人民路5号"],
            [4, "周四", ids[3], "机场新村社区", "机场路1号"],  # street B's
            [5, "周五", ids[4], None, "东市社区与南山社区交界"],
        ],
        header=("序号", "姓名", "身份证号码", "社区", "居住地址"),
    )
    client.force_login(world.bob)
    assert upload(client, content, area=world.areas.street_a.path, dry_run="on").status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.INVALID
    messages = {e["row"]: e["message"] for e in batch.errors}
    assert set(messages) == {5, 6, 7}
    assert messages[5] == "社区为空，居住地址中也没有写明「金沙街道」下的社区名称"
    assert messages[6] == "在「金沙街道」内找不到社区「机场新村社区」"
    assert messages[7].startswith("社区为空，居住地址中写有多个社区")

    good = ledger(
        [
            [1, "周一", ids[0], "南山社区", "光明路1号"],
            [2, "周二", ids[1], None, "金沙街道东市社区人民路3号"],
        ],
        header=("序号", "姓名", "身份证号码", "社区", "居住地址"),
    )
    assert upload(client, good, area=world.areas.street_a.path).status_code == 302
    areas = dict(Elder.objects.values_list("name", "area__name"))
    assert areas == {"周一": "南山社区", "周二": "东市社区"}


# -- the command line ---------------------------------------------------------------------------------


def test_command_line_area(world: World, tmp_path: Path) -> None:
    path = tmp_path / "花名册.xlsx"
    content, ids = two_people()
    path.write_bytes(content)
    code, summary = json_import(path, "--as", "bob", "--area", world.areas.community_b1.code)
    assert code == 1 and summary["errors"][0]["row"] is None
    assert "不是您可以导入老年人信息的街道、社区或网格" in summary["errors"][0]["message"]
    assert not ImportBatch.objects.exists()

    code, summary = json_import(path, "--as", "bob", "--area", world.areas.community_a2.code)
    assert code == 0 and summary["created"] == len(ids) and summary["applied"] is True, summary
    assert set(Elder.objects.values_list("area_id", flat=True)) == {world.areas.community_a2.pk}


# -- the background job -------------------------------------------------------------------------------


def test_background_job_takes_the_chosen_area(
    client: Client, world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.IMPORT_INLINE_MAX_ROWS = 0  # everything runs as a job
    client.force_login(world.bob)
    content, _ids = two_people()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert upload(client, content, area=world.areas.community_a2.path).status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.PENDING
    for callback in callbacks:
        callback()  # what the worker does
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED, (batch.message, batch.errors)
    assert set(Elder.objects.values_list("area_id", flat=True)) == {world.areas.community_a2.pk}


def test_background_job_refuses_an_area_outside_the_uploaders_scope(world: World) -> None:
    """A batch whose area the uploader may not use (changed since, or forged) imports nothing."""
    content, _ids = two_people()
    batch = import_batch_create(
        kind="people.elder",
        upload=ContentFile(content),
        filename="花名册.xlsx",
        actor=world.bob,
        dry_run=False,
        area_path=world.areas.community_b1.path,
    )
    run_import_batch.call(batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.message.startswith(f"所选区域（{world.areas.community_b1.path}）不是您辖区内")
    assert not Elder.objects.exists()
