"""Exports and imports as their users work them, in a real browser.

The district administrator exports the registry in clear (a reason, logged) and re-imports the file
as a dry run: every row unchanged. A community worker, on a phone, uploads the community's own
ledger, which has no 社区 column: the community is chosen for them.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from yiyang.core.idnumber import make_id_number, parse_id_number
from yiyang.core.models import AccessLog, ImportBatch
from yiyang.core.testing import PASSWORD, World
from yiyang.core.testing_browser import Traffic, login, shot, upload_import, wait_until
from yiyang.people.actions import ElderData, elder_create
from yiyang.people.models import Elder

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture
def registry(transactional_db: None, world: World) -> list[Elder]:
    areas = world.areas
    people = [
        ("张三", datetime.date(1950, 3, 1), areas.grid_a1, "13912345678"),
        ("李四", datetime.date(1945, 7, 15), areas.community_a2, ""),
        ("王五", datetime.date(1952, 11, 30), areas.community_b1, "13800001111"),
    ]
    return [
        elder_create(
            data=ElderData(
                id_number=parse_id_number(make_id_number("320612", born, 11 + i)),
                name=name,
                area=area,
                phone=phone,
            ),
            actor=world.alice,
        )
        for i, (name, born, area, phone) in enumerate(people)
    ]


def test_clear_export_re_imports_unchanged(
    page: Any, live_server: Any, registry: list[Elder], traffic: Traffic, tmp_path: Path
) -> None:
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/people/elders/")
    page.locator("#export-menu .dropdown-toggle").click()
    page.locator("#export-reason").fill("报送区民政局核对")
    shot(page, "export-clear-reason")
    with page.expect_download() as info:
        page.get_by_role("button", name="导出明文 Excel").click()
    path = tmp_path / "clear.xlsx"
    info.value.save_as(path)

    ws = openpyxl.load_workbook(path).worksheets[0]
    header, *rows = [[c.value for c in row] for row in ws.iter_rows()]
    ids = {row[header.index("身份证号")] for row in rows}
    assert ids == {e.id_number for e in registry}
    assert AccessLog.objects.get(kind=AccessLog.Kind.EXPORT).reason == "报送区民政局核对"

    upload_import(page, live_server, path, dry_run=True)
    assert page.locator("#import-state").inner_text() == "试导入通过"
    batch = ImportBatch.objects.get()
    assert (batch.unchanged, batch.created, batch.updated) == (len(registry), 0, 0)
    shot(page, "export-reimport-unchanged")
    assert traffic.failures == [] and traffic.errors == []


def test_community_worker_on_a_phone_imports_the_communitys_ledger(
    page: Any, live_server: Any, world: World, traffic: Traffic, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    path = tmp_path / "东市社区花名册.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["东市社区老年人花名册"])
    ws.append(["序号", "姓名", "身份证号码", "居住地址"])
    ws.append([1, "钱福生", make_id_number("320612", datetime.date(1944, 2, 2), 81), "人民路1号"])
    wb.save(path)

    login(page, live_server, "dave", PASSWORD)
    page.goto(f"{live_server.url}/people/elders/import/")
    area = page.locator("#id_area")
    assert area.evaluate("el => el.options[el.selectedIndex].text").endswith("东市社区")
    shot(page, "import-community-ledger-phone")
    upload_import(page, live_server, path, dry_run=True)
    assert page.locator("#import-state").inner_text() == "试导入通过"
    assert "导入到" in page.locator("#import-status").inner_text()
    page.locator("#confirm-import").click()
    wait_until(page, "document.querySelector('#import-state')?.innerText === '已导入'")
    shot(page, "import-community-ledger-done")
    assert Elder.objects.get(name="钱福生").area == world.areas.community_a1
    assert traffic.failures == [] and traffic.errors == []
