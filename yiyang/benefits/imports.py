"""Importing civil-affairs lists of certifications (低保 / 低边 / 特困 … with validity dates).

The elder must already be in the registry (matched by the keyed hash of the ID number) and in the
importer's areas. A row with the same elder, category and start date updates that certification's
end date; any other row adds a certification. Writes go through ``people.actions.certification_save``
so that ``Elder.categories``, the statistics and the audit trail follow.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from yiyang.core import crypto
from yiyang.core.cells import CellError, clean_text, parse_choice, parse_date
from yiyang.core.i18n import stored
from yiyang.core.idnumber import IdNumberError, parse_id_number
from yiyang.core.importing.columns import ColumnSpec
from yiyang.core.importing.engine import Counts, Importer, RowRejected
from yiyang.core.importing.reader import RawRow
from yiyang.core.importing.registry import register_importer
from yiyang.core.models import ImportBatch
from yiyang.people import actions as people_actions
from yiyang.people.choices import EconomicCategory
from yiyang.people.models import Certification, Elder

CATEGORY_SYNONYMS = {
    **{stored(c.label): c.value for c in EconomicCategory},
    **{c.value: c.value for c in EconomicCategory},
    "最低生活保障": "dibao",
    "低保户": "dibao",
    "城乡低保": "dibao",
    "低保边缘": "dibian",
    "低收入": "dibian",
    "低收入家庭": "dibian",
    "特困供养": "tekun",
    "特困人员": "tekun",
    "分散供养特困": "tekun",
    "集中供养特困": "tekun",
    "五保户": "wubao",
}

COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "id_number", "身份证号", ("身份证号码", "公民身份号码", "证件号码"), required=True, text_format=True
    ),
    ColumnSpec("name", "姓名", ("户主姓名", "保障对象姓名", "人员姓名")),
    ColumnSpec(
        "category",
        "类别",
        ("保障类别", "救助类别", "人员类别", "认定类别"),
        required=True,
        choices=tuple(stored(label) for label in EconomicCategory.labels),
    ),
    ColumnSpec("valid_from", "起始日期", ("认定日期", "享受起始日期", "开始日期", "起始时间"), required=True),
    ColumnSpec("valid_to", "终止日期", ("截止日期", "享受截止日期", "结束日期", "终止时间")),
    ColumnSpec("certified_by", "认定单位", ("审批单位",)),
    ColumnSpec("document_no", "认定文号", ("文号", "证号", "保障证号")),
)


@dataclass
class Staged:
    row: int
    id_hash: str
    name: str
    category: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    certified_by: str
    document_no: str


@register_importer
class CertificationImporter(Importer):
    kind = "benefits.certification"
    label = _("经济类别认定名单")  # shown on the import page; the engine reads it in Chinese
    key_label = "身份证号+类别+起始日期"
    columns = COLUMNS
    example_rows = (
        {
            "id_number": "320612194501010018",
            "name": "张三",
            "category": "低保",
            "valid_from": "2026-01-01",
            "valid_to": "2026-12-31",
            "certified_by": "通州区民政局",
            "document_no": "通民低保〔2026〕1号",
        },
    )

    def __init__(self, actor: Any, *, area_path: str = "") -> None:
        super().__init__(actor, area_path=area_path)
        self.staged: list[Staged] = []
        self.elders: dict[str, Elder] = {}

    def clean(self, row: RawRow) -> tuple[str, Staged]:
        v = row.values
        problems: list[tuple[str, str]] = []
        digest = ""
        try:
            digest = crypto.lookup_hash(parse_id_number(v.get("id_number")).value)
        except IdNumberError as exc:
            problems.append(("id_number", exc.message))
        category = valid_from = valid_to = None
        try:
            category = parse_choice(v.get("category"), CATEGORY_SYNONYMS)
        except CellError as exc:
            problems.append(("category", exc.message))
        if not category and not any(f == "category" for f, _ in problems):
            problems.append(("category", "类别为空"))
        for field_name in ("valid_from", "valid_to"):
            try:
                value = parse_date(v.get(field_name))
            except CellError as exc:
                problems.append((field_name, exc.message))
                continue
            if field_name == "valid_from":
                valid_from = value
            else:
                valid_to = value
        if valid_from is None and not any(f == "valid_from" for f, _ in problems):
            problems.append(("valid_from", "起始日期为空"))
        if valid_from and valid_to and valid_to < valid_from:
            problems.append(("valid_to", "终止日期早于起始日期"))
        if problems:
            raise RowRejected(problems)
        assert category is not None and valid_from is not None
        staged = Staged(
            row.number,
            digest,
            clean_text(v.get("name")) or "",
            category,
            valid_from,
            valid_to,
            (clean_text(v.get("certified_by")) or "")[:100],
            (clean_text(v.get("document_no")) or "")[:100],
        )
        return f"{digest}|{category}|{valid_from}", staged

    def begin(self) -> None:
        self.staged = []

    def stage(self, records: list[tuple[int, Any]]) -> None:
        self.staged.extend(record for _, record in records)

    def conflicts(self) -> list[tuple[int, str, str]]:
        hashes = {s.id_hash for s in self.staged}
        found = Elder.objects.for_user(self.actor).filter(id_number_hash__in=hashes)
        self.elders = {e.id_number_hash: e for e in found}
        out = []
        for s in self.staged:
            elder = self.elders.get(s.id_hash)
            if elder is None:
                out.append((s.row, "id_number", "老人未登记或不在您的辖区，请先登记"))
            elif s.name and s.name != elder.name:
                out.append((s.row, "name", f"姓名与台账不一致（台账为 {elder.name}）"))
        return out

    def _existing(self, s: Staged) -> Certification | None:
        elder = self.elders[s.id_hash]
        return Certification.objects.filter(elder=elder, category=s.category, valid_from=s.valid_from).first()

    def plan(self, skip_rows: set[int]) -> Counts:
        counts = Counts()
        for s in self.staged:
            if s.row in skip_rows:
                continue
            existing = self._existing(s)
            if existing is None:
                counts.created += 1
            elif existing.valid_to != s.valid_to:
                counts.updated += 1
            else:
                counts.unchanged += 1
        return counts

    def apply(self, batch: ImportBatch, skip_rows: set[int]) -> Counts:
        counts = Counts()
        for s in self.staged:
            if s.row in skip_rows:
                continue
            existing = self._existing(s)
            if existing is not None and existing.valid_to == s.valid_to:
                counts.unchanged += 1
                continue
            cert = existing or Certification(
                elder=self.elders[s.id_hash], category=s.category, valid_from=s.valid_from
            )
            cert.valid_to = s.valid_to
            cert.certified_by = s.certified_by or cert.certified_by
            cert.document_no = s.document_no or cert.document_no
            cert.note = cert.note or f"导入批次 #{batch.pk}"
            people_actions.certification_save(certification=cert, actor=self.actor)
            if existing is None:
                counts.created += 1
            else:
                counts.updated += 1
        return counts

    def end(self) -> None:
        self.staged = []
