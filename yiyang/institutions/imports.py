"""Importing a home's bed list (床位清单): one row per bed, matched on home, building, room and bed number.

The home is named in the file (机构名称) and must be one the uploader may add beds to: a home's staff
import their own home's list, a street its homes'. A row for a bed that exists updates its floor, kind,
status and date; a new row adds the bed; the same file imported twice changes nothing the second time.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from yiyang.core import audit
from yiyang.core.cells import CellError, clean_text, parse_choice, parse_date, parse_int
from yiyang.core.i18n import stored
from yiyang.core.importing.columns import ColumnSpec
from yiyang.core.importing.engine import Counts, Importer, RowRejected
from yiyang.core.importing.reader import RawRow
from yiyang.core.importing.registry import register_importer
from yiyang.core.models import ImportBatch
from yiyang.core.scoping import allowed
from yiyang.institutions.choices import BedKind, BedStatus
from yiyang.institutions.models import Bed, Institution
from yiyang.institutions.models.facility import rooms_for

KIND_SYNONYMS = {
    **{stored(c.label): c.value for c in BedKind},
    **{c.value: c.value for c in BedKind},
    "养护": "care",
    "普通床位": "care",
    "护理": "nursing",
    "护理床位": "nursing",
    "认知症": "dementia",
    "失智": "dementia",
    "认知障碍": "dementia",
}
STATUS_SYNONYMS = {
    **{stored(c.label): c.value for c in BedStatus},
    **{c.value: c.value for c in BedStatus},
    "在用": "in_use",
    "停用": "maintenance",
}

COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("institution", "机构名称", ("养老机构", "机构", "单位名称"), required=True),
    ColumnSpec("building", "楼栋", ("楼号", "楼宇")),
    ColumnSpec("floor", "楼层", ("层",)),
    ColumnSpec("room", "房间", ("房间号", "房号"), required=True, text_format=True),
    ColumnSpec("number", "床号", ("床位号", "床位编号"), required=True, text_format=True),
    ColumnSpec("kind", "床位类型", ("类型",), choices=tuple(stored(c.label) for c in BedKind)),
    ColumnSpec("status", "状态", ("床位状态",), choices=tuple(stored(c.label) for c in BedStatus)),
    ColumnSpec("added_on", "投用日期", ("启用日期", "建成日期")),
)


@dataclass
class Staged:
    row: int
    institution: str
    building: str
    floor: int
    room: str
    number: str
    kind: str
    status: str
    added_on: datetime.date

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.institution, self.building, self.room, self.number)


@register_importer
class BedImporter(Importer):
    kind = "institutions.bed"
    label = _("床位清单")
    key_label = "机构名称+楼栋+房间+床号"  # a changed 楼层 moves the bed to that floor's room
    columns = COLUMNS
    example_rows = (
        {"institution": "爱心养老院", "building": "1号楼", "floor": "2", "room": "201", "number": "1",
         "kind": "护理型床位", "status": "可用", "added_on": "2025-06-01"},
    )  # fmt: skip

    def __init__(self, actor: Any, *, area_path: str = "") -> None:
        super().__init__(actor, area_path=area_path)
        self.staged: list[Staged] = []
        self.homes: dict[str, Institution] = {}
        self.existing: dict[tuple[str, str, str, str], Bed] = {}

    def clean(self, row: RawRow) -> tuple[str, Staged]:
        v = row.values
        problems: list[tuple[str, str]] = []
        home = clean_text(v.get("institution")) or ""
        room = clean_text(v.get("room")) or ""
        number = clean_text(v.get("number")) or ""
        for field_name, value, message in (
            ("institution", home, "机构名称为空"), ("room", room, "房间为空"), ("number", number, "床号为空"),
        ):  # fmt: skip
            if not value:
                problems.append((field_name, message))
        floor, kind, status, added_on = 1, "care", "in_use", datetime.date(2020, 1, 1)
        try:
            floor = parse_int(v.get("floor"), min_value=-5, max_value=200) or 1
        except CellError as exc:
            problems.append(("floor", exc.message))
        try:
            kind = parse_choice(v.get("kind"), KIND_SYNONYMS) or kind
        except CellError as exc:
            problems.append(("kind", exc.message))
        try:
            status = parse_choice(v.get("status"), STATUS_SYNONYMS) or status
        except CellError as exc:
            problems.append(("status", exc.message))
        try:
            added_on = parse_date(v.get("added_on")) or added_on
        except CellError as exc:
            problems.append(("added_on", exc.message))
        if problems:
            raise RowRejected(problems)
        building = (clean_text(v.get("building")) or "1号楼")[:30]
        staged = Staged(row.number, home, building, floor, room[:20], number[:20], kind, status, added_on)
        return "|".join(staged.key), staged

    def begin(self) -> None:
        self.staged = []

    def stage(self, records: list[tuple[int, Any]]) -> None:
        self.staged.extend(record for _, record in records)

    def conflicts(self) -> list[tuple[int, str, str]]:
        names = {s.institution for s in self.staged}
        found = Institution.objects.for_user(self.actor).filter(name__in=names)
        addable = {h.pk for h in found if self._may_add(h)}
        self.homes = {h.name: h for h in found if h.pk in addable}
        out = []
        for s in self.staged:
            if s.institution not in self.homes:
                out.append((s.row, "institution", "机构不存在或不在您的管理范围"))
        beds = Bed.objects.filter(institution__in=self.homes.values()).select_related(
            "institution", "room__floor__building"
        )
        self.existing = {(b.institution.name, b.building_name, b.room_number, b.number): b for b in beds}
        return out

    def _may_add(self, home: Institution) -> bool:
        return self.actor is None or allowed(self.actor, "add", Bed(institution=home))

    def _changed(self, bed: Bed, s: Staged) -> bool:
        return (bed.floor_level, bed.kind, bed.status, bed.added_on) != (
            s.floor,
            s.kind,
            s.status,
            s.added_on,
        )

    def plan(self, skip_rows: set[int]) -> Counts:
        counts = Counts()
        for s in self.staged:
            if s.row in skip_rows:
                continue
            bed = self.existing.get(s.key)
            if bed is None:
                counts.created += 1
            elif self._changed(bed, s):
                counts.updated += 1
            else:
                counts.unchanged += 1
        return counts

    def apply(self, batch: ImportBatch, skip_rows: set[int]) -> Counts:
        counts = Counts()
        new: list[Bed] = []
        changed: list[Bed] = []
        todo = [s for s in self.staged if s.row not in skip_rows]
        # The buildings, floors and rooms the rows name, found or made in three bulk statements.
        rooms = rooms_for(
            {(self.homes[s.institution].pk, s.building, s.floor, s.room) for s in todo
             if self.existing.get(s.key) is None or self._changed(self.existing[s.key], s)}
        )  # fmt: skip
        for s in todo:
            bed = self.existing.get(s.key)
            place = (self.homes[s.institution].pk, s.building, s.floor, s.room)
            if bed is None:
                new.append(Bed(institution=self.homes[s.institution], room=rooms[place], number=s.number,
                               kind=s.kind, status=s.status, added_on=s.added_on))  # fmt: skip
            elif self._changed(bed, s):
                bed.room, bed.kind, bed.status, bed.added_on = rooms[place], s.kind, s.status, s.added_on
                changed.append(bed)
            else:
                counts.unchanged += 1
        Bed.objects.bulk_create(new, batch_size=1000)
        Bed.objects.bulk_update(changed, ["room", "kind", "status", "added_on"], batch_size=1000)
        counts.created, counts.updated = len(new), len(changed)
        audit.record_bulk(
            actor=self.actor, object_type="institutions.bed", verb="bed.import",
            area_path=batch.area_path,
            message=f"导入床位：新增 {counts.created}，更新 {counts.updated}，未变 {counts.unchanged}",
            after={"batch": batch.pk},
        )  # fmt: skip
        return counts

    def end(self) -> None:
        self.staged = []
