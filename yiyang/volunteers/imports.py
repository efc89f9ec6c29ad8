"""Importing a community's 志愿者信息台账 (the five-kind volunteer ledger of seed 004).

The uploader picks the community the file is for; a row is keyed by the ID number (validated like an
elder's): a new number adds a volunteer, a known one updates the row, an identical one is unchanged,
so the same file imported twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area, AreaLevel
from yiyang.core import audit, crypto
from yiyang.core.cells import CellError, clean_text, parse_choice, parse_phone
from yiyang.core.i18n import stored
from yiyang.core.idnumber import IdNumber, IdNumberError, parse_id_number
from yiyang.core.importing.columns import ColumnSpec
from yiyang.core.importing.engine import Counts, Importer, RowRejected
from yiyang.core.importing.reader import RawRow
from yiyang.core.importing.registry import register_importer
from yiyang.core.models import AuditEntry, ImportBatch
from yiyang.core.scoping import user_area_paths
from yiyang.people.models import Elder
from yiyang.volunteers.choices import Skill, VolunteerKind
from yiyang.volunteers.models import Volunteer, VolunteerTeam, pack

KIND_SYNONYMS = {**{stored(k.label): k.value for k in VolunteerKind}, "党员志愿者": "party", "大学生志愿者": "student",
                 "医疗志愿者": "medical", "法律志愿者": "legal", "文体志愿者": "culture"}  # fmt: skip
SKILL_NAMES = {stored(s.label): s.value for s in Skill}

COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("id_number", "身份证号", ("身份证号码", "公民身份号码"), required=True, text_format=True),
    ColumnSpec("name", "姓名", ("志愿者姓名",), required=True),
    ColumnSpec("phone", "联系电话", ("电话", "手机", "手机号码"), text_format=True),
    ColumnSpec(
        "kind",
        "类别",
        ("志愿者类别", "类型"),
        required=True,
        choices=tuple(stored(label) for label in VolunteerKind.labels),
    ),
    ColumnSpec("skills", "技能", ("特长", "服务技能")),
    ColumnSpec("address", "居住地址", ("地址", "住址")),
    ColumnSpec("team", "志愿服务队", ("服务队", "所属服务队")),
    ColumnSpec("former_profession", "原职业", ("职业", "退休前职业")),
)


@dataclass
class Staged:
    row: int
    parsed: IdNumber
    digest: str
    name: str
    phone: str
    kind: str
    skills: str
    address: str
    team: str
    former_profession: str


@register_importer
class VolunteerImporter(Importer):
    kind = "volunteers.volunteer"
    label = _("志愿者信息台账")
    key_label = "身份证号"
    columns = COLUMNS
    example_rows = (
        {"id_number": "320612199001011230", "name": "陈晓丽", "phone": "13912345678", "kind": "医疗",
         "skills": "健康监测、陪伴聊天", "address": "人民路1号"},
    )  # fmt: skip

    def __init__(self, actor: Any, *, area_path: str = "") -> None:
        super().__init__(actor, area_path=area_path)
        self.staged: list[Staged] = []
        self.existing: dict[str, Volunteer] = {}
        self.area: Area | None = None
        self.teams: dict[str, VolunteerTeam] = {}

    @classmethod
    def area_choices(cls, actor: Any) -> list[tuple[str, str]]:
        areas = (
            Area.objects.for_user(actor)
            .filter(level=AreaLevel.COMMUNITY)
            .select_related("parent")
            .order_by("path")
        )
        return [(a.path, f"{a.parent.name} · {a.name}" if a.parent else a.name) for a in areas]

    @classmethod
    def default_area(cls, actor: Any) -> str:
        paths = list(user_area_paths(actor))
        return paths[0] if len(paths) == 1 and len(paths[0]) == 12 else ""

    def clean(self, row: RawRow) -> tuple[str, Staged]:
        v = row.values
        problems: list[tuple[str, str]] = []
        parsed = None
        try:
            parsed = parse_id_number(v.get("id_number"))
        except IdNumberError as exc:
            problems.append(("id_number", exc.message))
        name = clean_text(v.get("name")) or ""
        if not name:
            problems.append(("name", "姓名为空"))
        kind = None
        try:
            kind = parse_choice(v.get("kind"), KIND_SYNONYMS)
        except CellError as exc:
            problems.append(("kind", exc.message))
        if not kind and not any(f == "kind" for f, _m in problems):
            problems.append(("kind", "类别为空"))
        phone = ""
        try:
            phone = parse_phone(v.get("phone")) or ""
        except CellError as exc:
            problems.append(("phone", exc.message))
        skills = []
        for word in (clean_text(v.get("skills")) or "").replace("，", "、").replace(",", "、").split("、"):
            word = word.strip()
            if word and word not in SKILL_NAMES:
                problems.append(("skills", f"未知技能：{word}（可填：{'、'.join(SKILL_NAMES)}）"))
            elif word:
                skills.append(SKILL_NAMES[word])
        if problems:
            raise RowRejected(problems)
        assert parsed is not None and kind is not None
        digest = crypto.lookup_hash(parsed.value)
        staged = Staged(row.number, parsed, digest, name[:50], phone, kind, pack(skills),
                        (clean_text(v.get("address")) or "")[:200], (clean_text(v.get("team")) or "")[:100],
                        (clean_text(v.get("former_profession")) or "")[:100])  # fmt: skip
        return digest, staged

    def begin(self) -> None:
        self.staged = []

    def stage(self, records: list[tuple[int, Any]]) -> None:
        self.staged.extend(record for _n, record in records)

    def conflicts(self) -> list[tuple[int, str, str]]:
        self.area = (
            Area.objects.for_user(self.actor).filter(path=self.area_path, level=AreaLevel.COMMUNITY).first()
        )
        if self.area is None:
            return [(s.row, "id_number", "请在上传时选择导入到的社区") for s in self.staged]
        found = Volunteer.objects.filter(id_number_hash__in={s.digest for s in self.staged})
        self.existing = {v.id_number_hash: v for v in found}
        visible = set(Volunteer.objects.for_user(self.actor, "change").filter(pk__in=[v.pk for v in found])
                      .values_list("pk", flat=True))  # fmt: skip
        self.teams = {t.name: t for t in VolunteerTeam.objects.for_user(self.actor)}
        out = []
        for s in self.staged:
            known = self.existing.get(s.digest)
            if known is not None and known.pk not in visible:
                out.append((s.row, "id_number", "该志愿者已在其他社区登记"))
            if s.team and s.team not in self.teams:
                out.append((s.row, "team", f"没有这个志愿服务队：{s.team}"))
        return out

    def _changes(self, s: Staged, volunteer: Volunteer) -> dict[str, Any]:
        wanted = {"name": s.name, "kind": s.kind, "skills": s.skills, "address": s.address,
                  "former_profession": s.former_profession,
                  "team_id": self.teams[s.team].pk if s.team else volunteer.team_id}  # fmt: skip
        changes = {k: v for k, v in wanted.items() if getattr(volunteer, k) != v}
        if s.phone and s.phone != volunteer.phone:
            changes["phone"] = s.phone
        return changes

    def plan(self, skip_rows: set[int]) -> Counts:
        counts = Counts()
        for s in self.staged:
            if s.row in skip_rows:
                continue
            known = self.existing.get(s.digest)
            if known is None:
                counts.created += 1
            elif self._changes(s, known):
                counts.updated += 1
            else:
                counts.unchanged += 1
        return counts

    def apply(self, batch: ImportBatch, skip_rows: set[int]) -> Counts:
        assert self.area is not None
        counts = Counts()
        for s in self.staged:
            if s.row in skip_rows:
                continue
            known = self.existing.get(s.digest)
            volunteer = known or Volunteer(area=self.area)
            changes = self._changes(s, volunteer) if known else {}
            if known is not None and not changes:
                counts.unchanged += 1
                continue
            before = audit.snapshot(volunteer) if known else None
            if known is None:
                volunteer.set_id_number(s.parsed)
                volunteer.elder = Elder.objects.filter(id_number_hash=s.digest).first()
                volunteer.name, volunteer.kind, volunteer.skills = s.name, s.kind, s.skills
                volunteer.address, volunteer.former_profession = s.address, s.former_profession
                volunteer.team = self.teams.get(s.team) if s.team else None
                if s.phone:
                    volunteer.set_phone(s.phone)
                volunteer.note = f"导入批次 #{batch.pk}"
            else:
                for key, value in changes.items():
                    if key == "phone":
                        volunteer.set_phone(value)
                    else:
                        setattr(volunteer, key, value)
            volunteer.save()
            audit.record_change(actor=self.actor, obj=volunteer,
                                action=AuditEntry.Action.CREATE if known is None else AuditEntry.Action.UPDATE,
                                verb="volunteer.import", before=before, after=audit.snapshot(volunteer))  # fmt: skip
            if known is None:
                counts.created += 1
                self.existing[s.digest] = volunteer
            else:
                counts.updated += 1
        return counts

    def end(self) -> None:
        self.staged = []
