"""Bad input is a 400 with a reason, never a server error (issue 18, item 7).

Each case here was a 500 (or a crashed job) when the platform was probed: a NUL byte in a query
parameter a view passes to PostgreSQL, an export asked of a list that has none, the adjustment
page opened before any draft roll exists, an over-long cell in an import, and spreadsheet cells that
a spreadsheet program would run as formulas.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.test import Client

from yiyang.core.exporting import Sheet, csv_bytes, text, xlsx_bytes
from yiyang.core.importing.actions import import_batch_create, import_batch_start
from yiyang.core.models import ImportBatch
from yiyang.core.testing import World, new_id_number
from yiyang.people.models import Elder

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["/reports/dashboard/?area=32%00", "/services/work-orders/add/?q=a%00b", "/people/elders/?q=%00"],
)
def test_a_nul_byte_in_a_page_query_is_a_400(client: Client, world: World, url: str) -> None:
    client.force_login(world.alice)
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_nul_byte_in_an_api_query_is_a_400_in_json(client: Client, world: World) -> None:
    client.force_login(world.alice)
    response = client.get("/api/v1/people/elders/", {"name": "a\x00b"})
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize("url", ["/benefits/rolls/?export=xlsx", "/services/settlements/?export=xlsx"])
def test_export_of_a_list_without_one_is_a_400(client: Client, world: World, url: str) -> None:
    client.force_login(world.alice)
    response = client.get(url)
    assert response.status_code == 400
    assert "此列表不提供导出" in response.content.decode()


def test_adjustment_page_before_any_draft_roll(client: Client, world: World) -> None:
    client.force_login(world.alice)
    response = client.get("/benefits/adjustments/add/")
    assert response.status_code == 200
    assert "没有可记入的草稿花名册" in response.content.decode()


def _ledger(rows: list[list[Any]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["姓名", "身份证号码", "居住地址", "健康状况"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_over_long_import_cell_is_a_cell_error_not_a_crashed_job(world: World) -> None:
    content = _ledger(
        [
            ["钱福生", new_id_number(age=70), "人民路" * 100, ""],
            ["孙玉兰", new_id_number(age=81, sex="F"), "人民路2号", "高血压" * 2000],
        ]
    )
    batch = import_batch_create(
        kind="people.elder",
        upload=ContentFile(content),
        filename="花名册.xlsx",
        actor=world.dave,
        dry_run=False,
    )
    import_batch_start(batch, background=False)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.INVALID, (batch.message, batch.errors)
    by_row = {e["row"]: e for e in batch.errors}
    assert set(by_row) == {2, 3}
    assert by_row[2]["column"] == "居住地址" and "200" in by_row[2]["message"]
    assert by_row[3]["column"] == "健康状况" and "2000" in by_row[3]["message"]
    # The error report does not copy a cell of thousands of characters.
    assert all(len(e["value"]) <= 60 for e in batch.errors)
    assert not Elder.objects.exists()


HOSTILE = ['=HYPERLINK("http://x","点击")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "-", "正常文本"]


def test_xlsx_export_cells_are_never_formulas() -> None:
    content, count = xlsx_bytes([Sheet("表", [text("备注")], [[v] for v in HOSTILE])])
    assert count == len(HOSTILE)
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    assert ws is not None
    cells = [row[0] for row in ws.iter_rows(min_row=2)]
    # The text is kept as typed, as text, and marked so that Excel keeps it text when edited.
    assert [c.value for c in cells] == HOSTILE
    assert all(c.data_type == "s" for c in cells)
    assert [c.quotePrefix for c in cells] == [True, True, True, True, True, False, False]


def test_csv_export_neutralises_formula_cells() -> None:
    content, _count = csv_bytes([text("备注")], [[v] for v in HOSTILE])
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == [
        '\'=HYPERLINK("http://x","点击")',
        "'+1+1",
        "'-2+3",
        "'@SUM(A1)",
        "'\t=1",
        "-",
        "正常文本",
    ]
