"""Questionnaires to and from a workbook: an exported questionnaire imports back unchanged, the same file
twice adds nothing, a bad row names its cell and nothing of the file is saved."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from yiyang.core.models import AccessLog, AuditEntry, ImportBatch
from yiyang.core.testing import World
from yiyang.visits.models import SurveyQuestion, SurveyTemplate
from yiyang.visits.survey_imports import COLUMNS
from yiyang.visits.tests.factories import make_round, make_template

pytestmark = pytest.mark.django_db

HEADER = [c.label for c in COLUMNS]
FIELDS = ["position", "code", "text", "kind", "options", "required", "min_value", "max_value", "unit",
          "registry_field", "follow_up", "follow_up_when"]  # fmt: skip


def _workbook(rows: Sequence[Sequence[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER)
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(client: Client, content: bytes, *, dry_run: bool = False) -> ImportBatch:
    data: dict[str, Any] = {"file": SimpleUploadedFile("问卷.xlsx", content)}
    if dry_run:
        data["dry_run"] = "on"
    response = client.post(reverse("visits:surveytemplate_import"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportBatch.objects.order_by("-pk").first()  # type: ignore[return-value]


def _export(client: Client, template: SurveyTemplate) -> bytes:
    response = client.get(reverse("visits:surveytemplate_export", args=[template.pk]))
    assert response.status_code == 200
    return bytes(response.content)


def _questions(template: SurveyTemplate) -> list[tuple[Any, ...]]:
    rows = SurveyQuestion.objects.filter(template=template).order_by("position", "id")
    return [tuple(getattr(q, f) for f in FIELDS) for q in rows]


ROWS = [
    ["敬老月需求调查", "2026-10-01", None, "入户填写", 1, "income", "月收入", "数字题", None, "是", 0, 50000, "元",
     None, None, None],
    ["敬老月需求调查", "2026-10-01", None, "入户填写", 2, "living", "居住情况", "单选", "独居；空巢；与家人同住",
     "是", None, None, None, "居住情况", None, None],
    ["敬老月需求调查", "2026-10-01", None, "入户填写", 3, "services", "需要的服务", "多选", "助餐\n助浴\n助医",
     "否", None, None, None, None, "转服务工单", "助医"],
    [None, None, None, None, 4, "danger", "家中是否有安全隐患", "是/否", None, None, None, None, None, None,
     "列入走访（加访一次）", None],
]  # fmt: skip


def test_an_exported_questionnaire_imports_back_unchanged(client: Client, world: World) -> None:
    template = make_template()
    before = _questions(template)
    client.force_login(world.alice)
    content = _export(client, template)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADER  # the importer's own columns
    assert AccessLog.objects.filter(object_type="visits.surveytemplate", kind=AccessLog.Kind.EXPORT).exists()

    batch = _upload(client, content)
    assert (batch.status, batch.created, batch.updated, batch.unchanged) == ("applied", 0, 0, len(before)), (
        batch.errors
    )
    assert _questions(template) == before
    assert SurveyTemplate.objects.count() == 1

    # Into a database without it (another district), the same file makes the same questionnaire.
    SurveyQuestion.objects.all().delete()
    SurveyTemplate.objects.all().delete()
    again = _upload(client, content)
    assert (again.status, again.created) == ("applied", len(before)), again.errors
    copy = SurveyTemplate.objects.get()
    assert (copy.name, copy.valid_from, copy.description) == (template.name, template.valid_from,
                                                                template.description)  # fmt: skip
    assert _questions(copy) == before


def test_a_questionnaire_imports_once_and_twice_changes_nothing(client: Client, world: World) -> None:
    client.force_login(world.alice)
    first = _upload(client, _workbook(ROWS))
    assert (first.status, first.created) == ("applied", 4), first.errors
    template = SurveyTemplate.objects.get(name="敬老月需求调查")
    questions = {q.code: q for q in SurveyQuestion.objects.filter(template=template)}
    assert questions["living"].option_list == ["独居", "空巢", "与家人同住"]
    assert (
        questions["services"].option_list == ["助餐", "助浴", "助医"] and not questions["services"].required
    )
    assert questions["income"].max_value == Decimal("50000.00") and questions["income"].kind == "number"
    assert (
        questions["danger"].kind == "yesno" and questions["danger"].follow_up == "visit"
    )  # continues row 3's
    assert AuditEntry.objects.filter(verb="surveyquestion.import").count() == 4

    second = _upload(client, _workbook(ROWS))
    assert (second.created, second.updated, second.unchanged) == (0, 0, 4)
    assert SurveyQuestion.objects.filter(template=template).count() == 4

    changed = [list(r) for r in ROWS]
    changed[0][6] = "家庭月收入"
    third = _upload(client, _workbook(changed))
    assert (third.created, third.updated, third.unchanged) == (0, 1, 3)
    assert SurveyQuestion.objects.get(template=template, code="income").text == "家庭月收入"


def test_bad_rows_name_their_cells_and_nothing_is_saved(client: Client, world: World) -> None:
    bad = [list(r) for r in ROWS]
    bad[0][7] = "填空"  # no such kind
    bad[1][8] = "独居"  # a single choice with one option
    bad[2][15] = "助行"  # a trigger that is not an option
    bad[3][9] = "也许"  # not 是/否
    note = ["敬老月需求调查", "2026-10-01", None, "入户填写", 5, "note", "其他需求", "文字", None, "否", None, None,
            None, None, None, None]  # fmt: skip
    bad += [note, [*note[:6], "重复代码", *note[7:]]]
    bad.append(["敬老月需求调查", "2026-10-01", None, "入户填写", 6, "phone", "联系电话", "数字题", None, None,
                None, None, None, "联系电话", None, None])  # fmt: skip
    client.force_login(world.alice)
    batch = _upload(client, _workbook(bad))
    assert batch.status == "invalid"
    assert SurveyTemplate.objects.count() == 0 and SurveyQuestion.objects.count() == 0
    errors = {(e["row"], e["column"]): e["message"] for e in batch.errors}
    assert "无法识别的选项" in errors[(2, "题型")]
    assert "至少需要两个选项" in errors[(3, "选项")]
    assert "触发答案须是选项之一" in errors[(4, "触发答案")]
    assert "是/否" in errors[(5, "必答")]
    assert "重复" in errors[(7, "问卷名称")]
    assert "电话须用文字题" in errors[(8, "对应台账字段")]
    assert batch.annotated_file  # the workbook with the errors marked, to correct and upload again


def test_a_questionnaire_in_use_keeps_its_questions(client: Client, world: World) -> None:
    template = make_template()
    make_round(world.areas.street_a, template=template)
    client.force_login(world.alice)
    content = _export(client, template)
    assert _upload(client, content).unchanged == 6  # unchanged rows of a used questionnaire are fine
    sheet_book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = sheet_book.worksheets[0]
    sheet.cell(row=2, column=7).value = "家庭月收入"
    out = io.BytesIO()
    sheet_book.save(out)
    batch = _upload(client, out.getvalue())
    assert batch.status == "invalid"
    assert "已用于调查批次" in batch.errors[0]["message"]
    assert SurveyQuestion.objects.get(template=template, position=1).text == "月收入"


def test_only_the_district_imports_questionnaires(client: Client, world: World) -> None:
    for user, status in ((world.bob, 403), (world.dave, 403), (world.grace, 403), (world.alice, 200)):
        client.force_login(user)
        assert client.get(reverse("visits:surveytemplate_import")).status_code == status, user.username
    client.force_login(world.bob)
    page = client.get(reverse("visits:surveytemplate_list")).content.decode()
    assert 'id="import-templates"' not in page
    client.force_login(world.alice)
    page = client.get(reverse("visits:surveytemplate_list")).content.decode()
    assert 'id="import-templates"' in page
