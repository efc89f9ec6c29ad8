"""Importing the 12345 centre's transfer sheet (12345转办件).

The centre sends the cases it transfers to the civil-affairs bureau as a spreadsheet, one row per
case with its own number (工单编号). The number is the key: a sheet imported twice, or two sheets
that overlap, never make a second case — a row whose number is on file is counted as unchanged. The
area comes from the 街道/社区 column (matched by name or code within the importer's areas); the
elder, when the row names an ID number, from the registry. The centre's deadline (办结时限) is kept
and the case runs on that clock once assigned.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area, AreaLevel
from yiyang.complaints.actions.intake import CaseData, case_create
from yiyang.complaints.choices import Category, Channel
from yiyang.complaints.models import Case
from yiyang.core import crypto
from yiyang.core.cells import CellError, clean_text, parse_bool, parse_choice, parse_date, parse_phone
from yiyang.core.i18n import stored
from yiyang.core.idnumber import IdNumberError, parse_id_number
from yiyang.core.importing.columns import ColumnSpec
from yiyang.core.importing.engine import Counts, Importer, RowRejected
from yiyang.core.importing.reader import RawRow
from yiyang.core.importing.registry import register_importer
from yiyang.core.models import ImportBatch
from yiyang.people.models import Elder

CATEGORY_SYNONYMS = {
    **{stored(c.label): c.value for c in Category},
    **{c.value: c.value for c in Category},
    "服务投诉": "service", "居家养老服务": "service", "上门服务": "service",
    "补贴": "allowance", "待遇": "allowance", "高龄津贴": "allowance", "养老补贴": "allowance",
    "机构": "institution", "养老院": "institution", "敬老院": "institution",
    "虐待": "neglect", "遗弃": "neglect", "疏于照料": "neglect", "虐待老人": "neglect",
    "维权": "rights", "赡养纠纷": "rights", "权益": "rights",
    "咨询": "policy", "政策": "policy",
}  # fmt: skip

COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "ref", "工单编号", ("12345工单号", "工单号", "编号", "转办单号"), required=True, text_format=True
    ),
    ColumnSpec("received", "来电时间", ("受理时间", "登记时间", "来电日期")),
    ColumnSpec(
        "area", "街道/社区", ("所属街道", "所属社区", "区域", "街道", "社区", "诉求地点"), required=True
    ),
    ColumnSpec(
        "category",
        "问题分类",
        ("诉求类型", "类别", "分类"),
        required=True,
        choices=tuple(stored(label) for label in Category.labels),
    ),
    ColumnSpec("title", "标题", ("诉求标题", "主题")),
    ColumnSpec("content", "诉求内容", ("内容", "来电内容", "问题描述"), required=True),
    ColumnSpec("name", "来电人", ("诉求人", "联系人", "来电人姓名")),
    ColumnSpec("phone", "联系电话", ("来电号码", "电话"), text_format=True),
    ColumnSpec("consent", "同意公开身份", ("是否公开", "公开身份")),
    ColumnSpec("id_number", "老人身份证号", ("涉及老人身份证号", "身份证号"), text_format=True),
    ColumnSpec("due", "办结时限", ("办理时限", "截止时间", "要求办结时间")),
)


@dataclass
class Staged:
    row: int
    ref: str
    received: datetime.date | None
    area: str
    category: str
    title: str
    content: str
    name: str
    phone: str
    consent: bool
    id_hash: str
    due: datetime.date | None


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


@register_importer
class Transfer12345Importer(Importer):
    kind = "complaints.case"
    label = _("12345转办件")
    key_label = "工单编号"
    columns = COLUMNS
    example_rows = (
        {
            "ref": "2026120500123", "received": "2026-12-05", "area": "金沙街道", "category": "服务质量",
            "title": "助洁服务未上门", "content": "老人反映约定的助洁服务人员未上门。", "name": "王女士",
            "phone": "13800001234", "consent": "否", "due": "2026-12-12",
        },
    )  # fmt: skip

    def __init__(self, actor: Any, *, area_path: str = "") -> None:
        super().__init__(actor, area_path=area_path)
        self.staged: list[Staged] = []
        self.areas: dict[str, Area] = {}
        self.elders: dict[str, Elder] = {}
        self.existing: set[str] = set()

    def clean(self, row: RawRow) -> tuple[str, Staged]:
        v = row.values
        problems: list[tuple[str, str]] = []
        ref = (clean_text(v.get("ref")) or "")[:40]
        if not ref:
            problems.append(("ref", "工单编号为空"))
        category = None
        try:
            category = parse_choice(v.get("category"), CATEGORY_SYNONYMS)
        except CellError as exc:
            problems.append(("category", exc.message))
        if not category and not any(f == "category" for f, _ in problems):
            problems.append(("category", "问题分类为空"))
        dates: dict[str, datetime.date | None] = {}
        for name in ("received", "due"):
            try:
                dates[name] = parse_date(v.get(name))
            except CellError as exc:
                problems.append((name, exc.message))
        phone = ""
        try:
            phone = parse_phone(v.get("phone")) or ""
        except CellError as exc:
            problems.append(("phone", exc.message))
        digest = ""
        if clean_text(v.get("id_number")):
            try:
                digest = crypto.lookup_hash(parse_id_number(v.get("id_number")).value)
            except IdNumberError as exc:
                problems.append(("id_number", exc.message))
        content = clean_text(v.get("content")) or ""
        if not content:
            problems.append(("content", "诉求内容为空"))
        area = clean_text(v.get("area")) or ""
        if not area:
            problems.append(("area", "街道/社区为空"))
        if problems:
            raise RowRejected(problems)
        assert category is not None
        try:
            consent = bool(parse_bool(v.get("consent")))
        except CellError:
            consent = False
        staged = Staged(
            row.number, ref, dates.get("received"), area, category,
            (clean_text(v.get("title")) or content[:30])[:100], content[:4000],
            (clean_text(v.get("name")) or "")[:50], phone, consent, digest, dates.get("due"),
        )  # fmt: skip
        return ref, staged

    def begin(self) -> None:
        self.staged = []

    def stage(self, records: list[tuple[int, Any]]) -> None:
        self.staged.extend(record for _, record in records)

    def _area(self, text: str) -> Area | None:
        if text not in self.areas:
            areas = Area.objects.for_user(self.actor).filter(
                level__in=[AreaLevel.STREET, AreaLevel.COMMUNITY]
            )
            found = areas.filter(code=text).first() if text.isdigit() else None
            if found is None:
                matches = list(areas.filter(name=text)[:2])
                found = matches[0] if len(matches) == 1 else None
            if found is not None:
                self.areas[text] = found
            else:
                return None
        return self.areas[text]

    def conflicts(self) -> list[tuple[int, str, str]]:
        refs = [s.ref for s in self.staged]
        self.existing = set(
            Case.objects.filter(channel=Channel.TRANSFER_12345, external_ref__in=refs).values_list(
                "external_ref", flat=True
            )
        )
        hashes = {s.id_hash for s in self.staged if s.id_hash}
        self.elders = {
            e.id_number_hash: e for e in Elder.objects.for_user(self.actor).filter(id_number_hash__in=hashes)
        }
        out = []
        for s in self.staged:
            if s.ref in self.existing:
                continue
            if self._area(s.area) is None:
                out.append((s.row, "area", f"找不到街道/社区“{s.area}”，或不在您的辖区"))
            if s.id_hash and s.id_hash not in self.elders:
                out.append((s.row, "id_number", "老人未登记或不在您的辖区"))
        return out

    def plan(self, skip_rows: set[int]) -> Counts:
        counts = Counts()
        for s in self.staged:
            if s.row in skip_rows:
                continue
            if s.ref in self.existing:
                counts.unchanged += 1
            else:
                counts.created += 1
        return counts

    def apply(self, batch: ImportBatch, skip_rows: set[int]) -> Counts:
        counts = Counts()
        for s in self.staged:
            if s.row in skip_rows:
                continue
            elder = self.elders.get(s.id_hash) if s.id_hash else None
            data = CaseData(
                channel=Channel.TRANSFER_12345, category=s.category, title=s.title, content=s.content,
                area=self._area(s.area) if elder is None else None, elder=elder, complainant_name=s.name,
                complainant_phone=s.phone, consent_disclose=s.consent, external_ref=s.ref,
                received_at=_end_of(s.received).replace(hour=9, minute=0, second=0) if s.received else None,
                source_due_at=_end_of(s.due) if s.due else None,
            )  # fmt: skip
            _case, created = case_create(data=data, actor=self.actor)
            if created:
                counts.created += 1
            else:
                counts.unchanged += 1
        return counts

    def end(self) -> None:
        self.staged = []
