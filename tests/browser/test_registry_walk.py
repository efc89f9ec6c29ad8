"""A street worker's day in the registry, in a real browser: find, reveal, dashboard, import, export."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from yiyang.accounts.models import User
from yiyang.areas.models import Area
from yiyang.core.idnumber import make_id_number, parse_id_number
from yiyang.core.models import AccessLog
from yiyang.core.testing import PASSWORD, World
from yiyang.core.testing_browser import Traffic, login, shot, upload_import, wait_for_record, wait_until
from yiyang.people.actions import ElderData, elder_create
from yiyang.people.models import Elder

pytestmark = [
    pytest.mark.browser,
    # WhiteNoise looks for collected files; the live server serves them from the finders instead.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@dataclass
class Registry:
    world: World
    street_a: Area
    worker: User
    zhangsan: Elder
    zhangsan_id: str
    lisi: Elder
    wangwu: Elder


def _elder(name: str, id_number: str, community: Area, actor: User, phone: str = "") -> Elder:
    data = ElderData(id_number=parse_id_number(id_number), name=name, area=community, phone=phone)
    return elder_create(data=data, actor=actor)


@pytest.fixture
def registry(transactional_db: None, world: World) -> Registry:
    """The testing kit's world; bob works in street A (金沙街道), alice district-wide."""
    areas = world.areas
    zhangsan_id = make_id_number("320612", datetime.date(1950, 3, 1), 11)
    zhangsan = _elder("张三", zhangsan_id, areas.community_a1, world.bob, phone="13912345678")
    lisi = _elder(
        "李四", make_id_number("320612", datetime.date(1945, 7, 15), 22), areas.community_a1, world.bob
    )
    wangwu = _elder(
        "王五", make_id_number("320612", datetime.date(1952, 11, 30), 31), areas.community_b1, world.alice
    )
    return Registry(world, areas.street_a, world.bob, zhangsan, zhangsan_id, lisi, wangwu)


def _masked(id_number: str) -> str:
    return id_number[:6] + "*" * 8 + id_number[-4:]


def _assert_clean_traffic(traffic: Traffic, live_server: Any) -> None:
    assert traffic.urls, "the page made no requests at all"
    assert traffic.foreign(live_server.url) == [], "pages must load nothing from another host"
    assert traffic.failures == []
    assert traffic.errors == [], "JavaScript errors on the page"


def _list_rows(page: Any) -> list[str]:
    return [t.strip() for t in page.locator("#results table tbody tr").all_inner_texts()]


def _footer_count(page: Any) -> int:
    text = page.locator("#results .card-footer").inner_text()
    m = re.search(r"共\s*([\d,]+)\s*条", text)
    assert m, text
    return int(m.group(1).replace(",", ""))


def test_find_reveal_and_scope(page: Any, live_server: Any, registry: Registry, traffic: Traffic) -> None:
    for asset in (
        "vendor/bootstrap/css/bootstrap.min.css",
        "vendor/echarts/echarts.min.js",
        "yiyang/yiyang.css",
    ):
        assert page.request.get(f"{live_server.url}/static/{asset}").status == 200, asset

    login(page, live_server, registry.worker.username, PASSWORD)

    # The list: a street worker sees street A only; "zs" finds 张三 by pinyin initials.
    page.goto(f"{live_server.url}/people/elders/")
    assert sorted(r.split()[0] for r in _list_rows(page)) == ["张三", "李四"]
    box = page.get_by_label("搜索")
    box.fill("zs")
    with page.expect_response(lambda r: "q=zs" in r.url and r.status == 200):
        box.press("Enter")
    wait_until(page, "document.querySelectorAll('#results table tbody tr').length === 1")
    rows = _list_rows(page)
    assert len(rows) == 1 and rows[0].startswith("张三"), rows
    assert _footer_count(page) == 1
    shot(page, "elder-list-search")

    # The elder's page: masked ID only, nowhere the clear one.
    page.locator("#results").get_by_role("link", name="张三").click()
    page.wait_for_url(f"**/people/elders/{registry.zhangsan.pk}/")
    masked = _masked(registry.zhangsan_id)
    assert page.locator("#reveal-id_number").inner_text() == masked
    assert page.locator("#reveal-id_number").is_visible()
    assert registry.zhangsan_id not in page.content()

    # Reveal with a reason: the clear ID is swapped in by htmx and the reason is logged.
    form = page.locator("#reveal-form")
    form.locator("select[name=field]").select_option(label="身份证号")
    form.locator("input[name=reason]").fill("核对身份")
    form.get_by_role("button", name="查看明文").click()
    revealed = page.locator("#reveal-result .revealed")
    revealed.wait_for()
    assert revealed.inner_text() == registry.zhangsan_id
    assert page.url.endswith(f"/people/elders/{registry.zhangsan.pk}/"), "the reveal must not reload the page"
    log = AccessLog.objects.get(kind=AccessLog.Kind.REVEAL, object_id=str(registry.zhangsan.pk))
    assert log.reason == "核对身份"
    assert log.fields == ["id_number"]
    assert log.actor == registry.worker

    # The timeline card shows the registration.
    card = page.locator(".card", has=page.locator(".card-header", has_text="时间线"))
    assert card.is_visible()
    assert "登记入册" in card.locator("#timeline").inner_text()
    shot(page, "elder-detail")

    # Street B's elder does not exist for a street A worker.
    response = page.goto(f"{live_server.url}/people/elders/{registry.wangwu.pk}/")
    assert response is not None and response.status == 404
    assert "王五" not in page.content()

    _assert_clean_traffic(traffic, live_server)


def test_search_by_id_number_or_phone_leaves_no_trace_in_urls(
    page: Any, live_server: Any, registry: Registry, traffic: Traffic
) -> None:
    """Issue 18: the full ID number or phone typed into the search box finds the elder, but travels
    only as an opaque token: no URL the browser asked for, and no access-log row, holds it."""
    login(page, live_server, registry.worker.username, PASSWORD)
    page.goto(f"{live_server.url}/people/elders/")
    box = page.get_by_label("搜索")
    for typed in (registry.zhangsan_id, "139 1234 5678"):
        box.fill(typed)
        with page.expect_response(lambda r: "/people/elders/" in r.url and "q=" in r.url and r.status == 200):
            box.press("Enter")
        wait_until(page, "document.querySelectorAll('#results table tbody tr').length === 1")
        rows = _list_rows(page)
        assert len(rows) == 1 and rows[0].startswith("张三"), (typed, rows)
        assert box.input_value() == typed, "the box keeps what the user typed"
    shot(page, "elder-list-search-by-id")
    secrets = (registry.zhangsan_id, "13912345678")
    assert not [u for u in traffic.urls for secret in secrets if secret in u.replace("%20", "")]
    logged = " ".join(str(v) for v in AccessLog.objects.values_list("query", flat=True))
    assert not any(secret in logged for secret in secrets)
    _assert_clean_traffic(traffic, live_server)


def test_switch_to_english_and_back(
    page: Any, live_server: Any, registry: Registry, traffic: Traffic
) -> None:
    """English is a choice in the header; the data stays as entered, and search works the same."""
    login(page, live_server, registry.worker.username, PASSWORD)
    page.goto(f"{live_server.url}/people/elders/")
    page.get_by_role("button", name="English").click()
    wait_until(page, "document.documentElement.lang === 'en'")
    assert page.locator("#sidebar a.nav-link", has_text="Elder registry").is_visible()
    box = page.get_by_label("Search")
    box.fill("zs")
    with page.expect_response(lambda r: "q=zs" in r.url and r.status == 200):
        box.press("Enter")
    wait_until(page, "document.querySelectorAll('#results table tbody tr').length === 1")
    assert _list_rows(page)[0].startswith("张三")
    page.locator("#results").get_by_role("link", name="张三").click()
    page.locator(".card-header", has_text="Timeline").wait_for()
    shot(page, "elder-detail-english")

    page.get_by_role("button", name="中文").click()
    wait_until(page, "document.documentElement.lang === 'zh-CN'")
    assert page.locator(".card-header", has_text="时间线").is_visible()
    _assert_clean_traffic(traffic, live_server)


def test_dashboard_total_matches_list(
    page: Any, live_server: Any, registry: Registry, traffic: Traffic
) -> None:
    login(page, live_server, registry.worker.username, PASSWORD)
    page.goto(f"{live_server.url}/reports/dashboard/")
    living = Elder.objects.filter(area_path__startswith=registry.street_a.path, status="living").count()
    assert living == 2
    total = page.locator('[data-figure="total"]')
    assert total.inner_text().strip() == str(living)

    # ECharts drew something into each chart box (canvas renderer by default).
    for chart in ("chart-age", "chart-sex", "chart-groups"):
        page.locator(f"#{chart} canvas").first.wait_for()
    assert page.locator("nav.sidebar").is_visible()
    assert page.locator("ol.breadcrumb").is_visible()
    shot(page, "dashboard")

    page.locator("a", has=total).click()
    page.wait_for_url("**/people/elders/?area=*")
    assert _footer_count(page) == living
    assert len(_list_rows(page)) == living

    _assert_clean_traffic(traffic, live_server)


def _messy_workbook(path: Path, good_id: str, number_id: str, phone_id: str) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "老年人信息"
    ws.append(["金沙街道老年人信息登记表（2024年）"])
    ws.merge_cells("A1:D1")
    ws.append(["姓名", "身份证号码", "社区", "联系电话"])
    ws.append(["赵六", good_id, "东市社区", "13800138000"])  # row 3: fine
    ws.append(["钱七", float(number_id), "东市社区", "13800138001"])  # row 4: ID typed into a number cell
    ws.append(["孙八", phone_id, "东市社区", "12345"])  # row 5: not a phone number
    ws.append([])
    ws.append(["填表人：王小二", None, "审核人：李大"])  # row 7: signature footer
    wb.save(path)
    return path


def _clean_workbook(path: Path, id_number: str) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号码", "社区", "联系电话"])
    ws.append(["周九", id_number, "东市社区", "13800138009"])
    wb.save(path)
    return path


def test_import_messy_then_clean(
    page: Any, live_server: Any, registry: Registry, traffic: Traffic, tmp_path: Path
) -> None:
    login(page, live_server, registry.worker.username, PASSWORD)
    before = Elder.objects.count()
    good = make_id_number("320612", datetime.date(1948, 1, 2), 41)
    as_number = make_id_number("320612", datetime.date(1949, 2, 3), 51)
    bad_phone = make_id_number("320612", datetime.date(1951, 4, 5), 61)
    messy = _messy_workbook(tmp_path / "金沙街道登记表.xlsx", good, as_number, bad_phone)

    upload_import(page, live_server, messy, dry_run=False)
    assert page.locator("#import-state").inner_text() == "有错误，未导入"
    rows = page.locator("#import-errors tbody tr")
    errors = [[c.strip() for c in rows.nth(i).locator("td").all_inner_texts()] for i in range(rows.count())]
    by_row = {int(e[0]): e for e in errors}
    assert set(by_row) == {4, 5}, errors
    assert "身份证号" in by_row[4][1] and "存为数字" in by_row[4][3], by_row[4]
    assert "电话" in by_row[5][1] and "电话号码格式不正确" in by_row[5][3], by_row[5]
    assert Elder.objects.count() == before, "a file with errors must import nothing"
    shot(page, "import-errors")

    with page.expect_download() as info:
        page.get_by_role("link", name="下载错误标注文件").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    annotated = tmp_path / "annotated.xlsx"
    download.save_as(annotated)
    sheet = openpyxl.load_workbook(annotated).worksheets[0]
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "错误说明" in cells, cells[:20]
    assert any("存为数字" in c for c in cells) and any("电话号码格式不正确" in c for c in cells)

    # A clean file, tried first, then confirmed.
    new_id = make_id_number("320612", datetime.date(1947, 6, 7), 71)
    upload_import(page, live_server, _clean_workbook(tmp_path / "clean.xlsx", new_id), dry_run=True)
    assert page.locator("#import-state").inner_text() == "试导入通过"
    assert Elder.objects.count() == before
    page.get_by_role("button", name="确认导入").click()
    wait_for_record(page, "/imports/")
    page.locator("#import-state").wait_for()
    assert page.locator("#import-state").inner_text() == "已导入"
    assert Elder.objects.count() == before + 1

    page.goto(f"{live_server.url}/people/elders/?q=周九")
    rows_text = _list_rows(page)
    assert len(rows_text) == 1 and rows_text[0].startswith("周九"), rows_text
    assert _masked(new_id) in rows_text[0]

    _assert_clean_traffic(traffic, live_server)


def test_export_masks_ids(
    page: Any, live_server: Any, registry: Registry, traffic: Traffic, tmp_path: Path
) -> None:
    login(page, live_server, registry.worker.username, PASSWORD)
    page.goto(f"{live_server.url}/people/elders/")
    with page.expect_download() as info:
        page.get_by_role("link", name="导出 Excel").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / "export.xlsx"
    download.save_as(path)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header_index = next(i for i, row in enumerate(values) if "身份证号" in row)
    header = values[header_index]
    id_col, name_col = header.index("身份证号"), header.index("姓名")
    data = [row for row in values[header_index + 1 :] if row[name_col]]
    assert sorted(row[name_col] for row in data) == ["张三", "李四"]
    ids = {row[id_col] for row in data}
    assert all(re.fullmatch(r"\d{6}\*{8}\d{3}[\dX]", str(v)) for v in ids), ids
    assert _masked(registry.zhangsan_id) in ids
    text = " ".join(str(v) for row in values for v in row if v is not None)
    assert registry.zhangsan_id not in text and "13912345678" not in text
    assert AccessLog.objects.filter(kind=AccessLog.Kind.EXPORT, actor=registry.worker).exists()

    _assert_clean_traffic(traffic, live_server)
