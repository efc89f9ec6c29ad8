"""Questionnaires (调查问卷) to and from a spreadsheet: one row per question, in order.

A district passes a questionnaire from one year (or one district) to the next as a workbook: the
export below writes exactly the columns the importer reads, so an exported questionnaire imports back
unchanged. A questionnaire is known by its name and 生效日期; a question by its 代码 within it. A new
key adds, a known one updates, an identical one is unchanged (the same file twice changes nothing);
questions not in the file are left alone. A questionnaire already put to a round keeps its questions:
answers were given to them, so the file must name a new questionnaire (another name or date).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from yiyang.core import audit
from yiyang.core.cells import CellError, clean_text, parse_bool, parse_choice, parse_date
from yiyang.core.exporting import Column, integer, number, text
from yiyang.core.exporting import date as date_column
from yiyang.core.i18n import stored
from yiyang.core.importing.columns import ColumnSpec
from yiyang.core.importing.engine import Counts, Importer, RowRejected
from yiyang.core.importing.reader import RawRow
from yiyang.core.importing.registry import register_importer
from yiyang.core.models import AuditEntry, ImportBatch
from yiyang.visits.choices import FollowUp, QuestionKind, RegistryField
from yiyang.visits.models import SurveyQuestion, SurveyRound, SurveyTemplate
from yiyang.visits.survey_rules import NO, YES, question_problems, split_options

KINDS = {stored(k.label): k.value for k in QuestionKind} | {"单选题": "choice", "多选题": "multi", "数字": "number",
                                                           "文字题": "text", "是否题": "yesno", "是否": "yesno"}  # fmt: skip
FIELDS = {stored(f.label): f.value for f in RegistryField}
FOLLOW_UPS = {stored(f.label): f.value for f in FollowUp}
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")

COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "template_name", "问卷名称", ("调查问卷", "问卷"), required=True, fill_merged=True, max_length=100
    ),
    ColumnSpec("valid_from", "生效日期", (), required=True, fill_merged=True),
    ColumnSpec("valid_to", "失效日期", (), fill_merged=True),
    ColumnSpec("description", "问卷说明", ("说明",), fill_merged=True, max_length=300),
    ColumnSpec("position", "题号", ("序号",), required=True),
    ColumnSpec("code", "题目代码", ("代码",), required=True, help="英文字母、数字，如 income", max_length=30),
    ColumnSpec("text", "题目", ("问题",), required=True, max_length=200),
    ColumnSpec("kind", "题型", (), required=True, choices=tuple(stored(k.label) for k in QuestionKind)),
    ColumnSpec("options", "选项", (), help="单选、多选题：每行一个选项，或用“；”分隔", max_length=2000),
    ColumnSpec("required", "必答", ("是否必答",), choices=(YES, NO)),
    ColumnSpec("min_value", "最小值", ()),
    ColumnSpec("max_value", "最大值", ()),
    ColumnSpec("unit", "计量单位", ("单位",), max_length=10),
    ColumnSpec("registry_field", "对应台账字段", ("台账字段",), choices=tuple(FIELDS)),
    ColumnSpec("follow_up", "发现需求后", ("后续工作",), choices=tuple(FOLLOW_UPS)),
    ColumnSpec("follow_up_when", "触发答案", (), max_length=100),
)

TemplateKey = tuple[str, date]


@dataclass
class Staged:
    row: int
    template: TemplateKey
    description: str
    valid_to: date | None
    fields: dict[str, Any]  # the question's own fields, as the model stores them


def _decimal(raw: object) -> Decimal | None:
    if isinstance(raw, bool):
        raise CellError("应为数字")
    if isinstance(raw, int | float):
        value = Decimal(str(raw))
    else:
        cell = clean_text(raw)
        if cell is None:
            return None
        try:
            value = Decimal(cell.replace(",", ""))
        except InvalidOperation:
            raise CellError(f"应为数字：{cell}") from None
    if not value.is_finite() or abs(value) >= Decimal("1e10"):
        raise CellError("数字超出范围")
    return value.quantize(Decimal("0.01"))


def _options(raw: object) -> list[str]:
    return split_options(raw if isinstance(raw, str) else (clean_text(raw) or ""))


@register_importer
class SurveyQuestionImporter(Importer):
    kind = "visits.surveyquestion"
    label = _("调查问卷")
    key_label = "问卷名称、生效日期与题目代码"
    columns = COLUMNS
    example_rows = (
        {"template_name": "需求摸底调查表", "valid_from": "2026-01-01", "description": "收入、居住、需求、意愿",
         "position": "1", "code": "income", "text": "月收入", "kind": "数字题", "required": YES, "min_value": "0",
         "unit": "元"},
        {"template_name": "需求摸底调查表", "valid_from": "2026-01-01", "description": "收入、居住、需求、意愿",
         "position": "2", "code": "living", "text": "居住情况", "kind": "单选", "options": "独居；空巢；与家人同住",
         "required": YES, "registry_field": "居住情况"},
    )  # fmt: skip

    def __init__(self, actor: Any, *, area_path: str = "") -> None:
        super().__init__(actor, area_path=area_path)
        self.staged: list[Staged] = []
        self.heads: dict[TemplateKey, tuple[int, str, date | None]] = {}
        self.previous: tuple[str, date] | None = None
        self.templates: dict[TemplateKey, SurveyTemplate] = {}
        self.questions: dict[tuple[int, str], SurveyQuestion] = {}

    def clean(self, row: RawRow) -> tuple[str, Staged]:
        v = row.values
        problems: list[tuple[str, str]] = []
        name = clean_text(v.get("template_name")) or ""
        valid_from = valid_to = None
        try:
            valid_from = parse_date(v.get("valid_from"))
        except CellError as exc:
            problems.append(("valid_from", exc.message))
        if not name and valid_from is None and self.previous and not problems:
            name, valid_from = self.previous  # a blank name and date continue the questionnaire above
        if not name:
            problems.append(("template_name", "问卷名称为空"))
        if valid_from is None and not any(f == "valid_from" for f, _m in problems):
            problems.append(("valid_from", "生效日期为空"))
        try:
            valid_to = parse_date(v.get("valid_to"))
        except CellError as exc:
            problems.append(("valid_to", exc.message))
        if valid_from and valid_to and valid_to < valid_from:
            problems.append(("valid_to", "失效日期不能早于生效日期"))
        description = clean_text(v.get("description")) or ""
        if name and valid_from:
            key = (name, valid_from)
            head = self.heads.setdefault(key, (row.number, description, valid_to))
            if head[0] != row.number and description and description != head[1]:
                problems.append(("description", f"同一问卷的说明须与第 {head[0]} 行相同"))
            if head[0] != row.number and valid_to and valid_to != head[2]:
                problems.append(("valid_to", f"同一问卷的失效日期须与第 {head[0]} 行相同"))
            self.previous = key

        position = None
        try:
            position = _decimal(v.get("position"))
        except CellError as exc:
            problems.append(("position", exc.message))
        if position is None and not any(f == "position" for f, _m in problems):
            problems.append(("position", "题号为空"))
        elif position is not None and (position != position.to_integral() or not 1 <= position <= 999):
            problems.append(("position", "题号应为 1–999 的整数"))
        code = clean_text(v.get("code")) or ""
        if not code:
            problems.append(("code", "题目代码为空"))
        elif not _SLUG.match(code):
            problems.append(("code", f"题目代码只能用英文字母、数字、-、_：{code}"))
        question = clean_text(v.get("text")) or ""
        if not question:
            problems.append(("text", "题目为空"))
        parsed: dict[str, Any] = {}
        for field, choices, empty in (("kind", KINDS, None), ("registry_field", FIELDS, ""),
                                      ("follow_up", FOLLOW_UPS, "")):  # fmt: skip
            try:
                parsed[field] = parse_choice(v.get(field), choices)
            except CellError as exc:
                problems.append((field, exc.message))
                continue
            if parsed[field] is None:
                parsed[field] = empty
        if "kind" in parsed and not parsed["kind"]:
            problems.append(("kind", "题型为空"))
        required = True
        try:
            got = parse_bool(v.get("required"))
            required = True if got is None else got
        except CellError as exc:
            problems.append(("required", exc.message))
        bounds: dict[str, Decimal | None] = {}
        for field in ("min_value", "max_value"):
            try:
                bounds[field] = _decimal(v.get(field))
            except CellError as exc:
                problems.append((field, exc.message))
        options = _options(v.get("options"))
        unit = clean_text(v.get("unit")) or ""
        when = clean_text(v.get("follow_up_when")) or ""
        if parsed.get("kind") and len(bounds) == 2:
            problems += question_problems(
                kind=parsed["kind"], options=options, min_value=bounds["min_value"],
                max_value=bounds["max_value"], registry_field=parsed.get("registry_field", ""),
                follow_up=parsed.get("follow_up", ""), follow_up_when=when,
            )  # fmt: skip
        if parsed.get("kind") in (QuestionKind.NUMBER, QuestionKind.TEXT, QuestionKind.YESNO) and options:
            problems.append(("options", "只有单选、多选题有选项"))
        if problems:
            raise RowRejected(problems)
        assert valid_from is not None and position is not None
        fields = {
            "position": int(position), "code": code, "text": question, "kind": parsed["kind"],
            "options": "\n".join(options), "required": required, "min_value": bounds["min_value"],
            "max_value": bounds["max_value"], "unit": unit, "registry_field": parsed["registry_field"],
            "follow_up": parsed["follow_up"], "follow_up_when": when if parsed["follow_up"] else "",
        }  # fmt: skip
        head = self.heads[(name, valid_from)]
        staged = Staged(row.number, (name, valid_from), head[1], head[2], fields)
        return f"{name}\x1f{valid_from:%Y-%m-%d}\x1f{code.casefold()}", staged

    def begin(self) -> None:
        self.staged = []

    def stage(self, records: list[tuple[int, Any]]) -> None:
        self.staged.extend(record for _n, record in records)

    def conflicts(self) -> list[tuple[int, str, str]]:
        names = {s.template[0] for s in self.staged}
        out: list[tuple[int, str, str]] = []
        found: dict[TemplateKey, list[SurveyTemplate]] = {}
        for template in SurveyTemplate.objects.for_user(self.actor).filter(name__in=names).order_by("id"):
            found.setdefault((template.name, template.valid_from), []).append(template)
        self.templates = {key: rows[0] for key, rows in found.items()}
        self.questions = {
            (q.template_id, q.code.casefold()): q
            for q in SurveyQuestion.objects.filter(template__in=list(self.templates.values()))
        }
        used = dict(
            SurveyRound.objects.filter(template__in=list(self.templates.values()))
            .values_list("template_id", "name")
            .order_by("template_id", "-id")
        )
        for s in self.staged:
            if len(found.get(s.template, [])) > 1:
                out.append((s.row, "template_name", "有多份同名、同生效日期的调查问卷，无法确定导入到哪一份"))
                continue
            known = self.templates.get(s.template)
            if known is None or known.pk not in used:
                continue
            if self._template_changes(s, known) or self._question_changes(s) != {}:
                out.append((s.row, "code", f"该问卷已用于调查批次“{used[known.pk]}”，题目不能再改；"
                                           "请改用新的问卷名称或生效日期导入"))  # fmt: skip
        return out

    def _template_changes(self, s: Staged, template: SurveyTemplate) -> dict[str, Any]:
        wanted = {"description": s.description, "valid_to": s.valid_to}
        return {k: value for k, value in wanted.items() if getattr(template, k) != value}

    def _question_changes(self, s: Staged) -> dict[str, Any] | None:
        """None: a new question; otherwise the fields that differ (empty: unchanged)."""
        template = self.templates.get(s.template)
        known = self.questions.get((template.pk, s.fields["code"].casefold())) if template else None
        if known is None:
            return None
        return {k: value for k, value in s.fields.items() if getattr(known, k) != value}

    def plan(self, skip_rows: set[int]) -> Counts:
        counts = Counts()
        for s in self.staged:
            if s.row in skip_rows:
                continue
            changes = self._question_changes(s)
            template = self.templates.get(s.template)
            head = self.heads[s.template][0] == s.row
            if changes is None:
                counts.created += 1
            elif changes or (head and template and self._template_changes(s, template)):
                counts.updated += 1
            else:
                counts.unchanged += 1
        return counts

    def apply(self, batch: ImportBatch, skip_rows: set[int]) -> Counts:
        counts = Counts()
        for s in self.staged:
            if s.row in skip_rows:
                continue
            template = self.templates.get(s.template)
            template_changed = False
            if template is None:
                template = SurveyTemplate.objects.create(name=s.template[0], valid_from=s.template[1],
                                                         description=s.description, valid_to=s.valid_to)  # fmt: skip
                self.templates[s.template] = template
                audit.record_change(actor=self.actor, obj=template, action=AuditEntry.Action.CREATE,
                                    verb="surveytemplate.import", after=audit.snapshot(template),
                                    message=f"导入批次 #{batch.pk}")  # fmt: skip
            elif self.heads[s.template][0] == s.row and (wanted := self._template_changes(s, template)):
                before = audit.snapshot(template)
                for key, value in wanted.items():
                    setattr(template, key, value)
                template.save()
                template_changed = True
                audit.record_change(actor=self.actor, obj=template, action=AuditEntry.Action.UPDATE,
                                    verb="surveytemplate.import", before=before, after=audit.snapshot(template),
                                    message=f"导入批次 #{batch.pk}")  # fmt: skip
            changes = self._question_changes(s)
            if changes is None:
                question = SurveyQuestion.objects.create(template=template, **s.fields)
                self.questions[(template.pk, question.code.casefold())] = question
                audit.record_change(actor=self.actor, obj=question, action=AuditEntry.Action.CREATE,
                                    verb="surveyquestion.import", after=audit.snapshot(question),
                                    message=f"导入批次 #{batch.pk}")  # fmt: skip
                counts.created += 1
            elif changes:
                question = self.questions[(template.pk, s.fields["code"].casefold())]
                before = audit.snapshot(question)
                for key, value in changes.items():
                    setattr(question, key, value)
                question.save()
                audit.record_change(actor=self.actor, obj=question, action=AuditEntry.Action.UPDATE,
                                    verb="surveyquestion.import", before=before, after=audit.snapshot(question),
                                    message=f"导入批次 #{batch.pk}")  # fmt: skip
                counts.updated += 1
            elif template_changed:
                counts.updated += 1
            else:
                counts.unchanged += 1
        return counts

    def end(self) -> None:
        self.staged = []


def _label(choices: Any, value: str) -> str:
    return stored(choices(value).label) if value else ""


def export_columns() -> Sequence[Column]:
    """The importer's columns, typed: a questionnaire exported here imports back unchanged."""
    return [
        text("问卷名称", "template__name"), date_column("生效日期", "template__valid_from"),
        date_column("失效日期", "template__valid_to"), text("问卷说明", "template__description"),
        integer("题号", "position"), text("题目代码", "code"), text("题目", "text"),
        text("题型", lambda q: _label(QuestionKind, q.kind)), text("选项", lambda q: "\n".join(q.option_list)),
        text("必答", lambda q: YES if q.required else NO), number("最小值", "min_value"),
        number("最大值", "max_value"), text("计量单位", "unit"),
        text("对应台账字段", lambda q: _label(RegistryField, q.registry_field)),
        text("发现需求后", lambda q: _label(FollowUp, q.follow_up)), text("触发答案", "follow_up_when"),
    ]  # fmt: skip
