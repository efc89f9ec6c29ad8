"""Importing the elder registry from spreadsheets: update-or-create by ID number, set-based.

Cleaning happens row by row in Python (every cell must be checked and reported); merging happens
in SQL from a temporary staging table, so a whole city's registry is a handful of statements.
An empty cell never erases what the registry already holds: a sheet from another department with
fewer columns updates what it has and leaves the rest alone.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import replace
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.areas.loader import short_name
from yiyang.areas.models import Area, AreaLevel
from yiyang.core import audit, crypto, sql
from yiyang.core.bulkload import BulkLoadMode, refresh_after_load
from yiyang.core.cells import (
    CellError,
    clean_text,
    parse_choice,
    parse_date,
    parse_phone,
    parse_sex,
)
from yiyang.core.context import current_request_id
from yiyang.core.i18n import records_language, stored
from yiyang.core.idnumber import IdNumberError, mask_id_number, parse_id_number
from yiyang.core.importing.columns import ColumnSpec
from yiyang.core.importing.engine import Counts, Importer, RowRejected
from yiyang.core.importing.reader import ImportFileError, RawRow
from yiyang.core.importing.registry import register_importer
from yiyang.core.models import AuditEntry, ImportBatch
from yiyang.core.scoping import scope_sql, user_area_paths
from yiyang.people import stats
from yiyang.people.actions import record_imported_changes
from yiyang.people.choices import ETHNICITIES, ElderStatus, LivingSituation, Sex
from yiyang.people.eligibility import refusal, registry_rule
from yiyang.people.models import Elder
from yiyang.people.pinyin import name_keys

LIVING_SYNONYMS = {
    "独居": LivingSituation.ALONE,
    "独居老人": LivingSituation.ALONE,
    "一人居住": LivingSituation.ALONE,
    "空巢": LivingSituation.EMPTY_NEST,
    "空巢老人": LivingSituation.EMPTY_NEST,
    "老两口": LivingSituation.EMPTY_NEST,
    "孤寡": LivingSituation.GUGUA,
    "孤寡老人": LivingSituation.GUGUA,
    "与家人同住": LivingSituation.WITH_FAMILY,
    "与子女同住": LivingSituation.WITH_FAMILY,
    "同住": LivingSituation.WITH_FAMILY,
    "与家人居住": LivingSituation.WITH_FAMILY,
    "正常": LivingSituation.WITH_FAMILY,
    "入住机构": LivingSituation.INSTITUTION,
    "养老机构": LivingSituation.INSTITUTION,
    "机构": LivingSituation.INSTITUTION,
    "敬老院": LivingSituation.INSTITUTION,
    "养老院": LivingSituation.INSTITUTION,
}
LIVING_CHOICES = {**LIVING_SYNONYMS, **{stored(c.label): c.value for c in LivingSituation}}
STATUS_SYNONYMS = {
    "在册": ElderStatus.LIVING,
    "在世": ElderStatus.LIVING,
    "正常": ElderStatus.LIVING,
    "健在": ElderStatus.LIVING,
    "已故": ElderStatus.DECEASED,
    "死亡": ElderStatus.DECEASED,
    "去世": ElderStatus.DECEASED,
    "迁出": ElderStatus.MOVED,
    "已迁出": ElderStatus.MOVED,
    "户籍迁出": ElderStatus.MOVED,
}
DISABILITY_SYNONYMS = {
    "无": "",
    "否": "",
    "一级": "1",
    "二级": "2",
    "三级": "3",
    "四级": "4",
    "1级": "1",
    "2级": "2",
    "3级": "3",
    "4级": "4",
    "1": "1",
    "2": "2",
    "3": "3",
    "4": "4",
}
HUKOU_SYNONYMS = {"本区": "1", "本区户籍": "1", "是": "1", "外区": "0", "非本区": "0", "外地": "0", "否": "0"}

COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "id_number",
        "身份证号",
        ("身份证号码", "公民身份号码", "身份证件号码", "证件号码", "身份证"),
        required=True,
        text_format=True,
        help="18 位身份证号；15 位旧号自动转换。请把此列设为文本格式",
    ),
    ColumnSpec("name", "姓名", ("老人姓名", "老年人姓名", "名字"), required=True),
    ColumnSpec(
        "sex", "性别", (), choices=("男", "女"), help="可省略：按身份证号判断；填写时须与身份证号一致"
    ),
    ColumnSpec("birth_date", "出生日期", ("出生年月日", "生日", "出生年月"), help="可省略：按身份证号判断"),
    ColumnSpec("ethnicity", "民族", (), help="如 汉族、回族；可写“汉”"),
    ColumnSpec(
        "phone",
        "联系电话",
        ("电话", "手机", "手机号", "手机号码", "联系方式", "本人电话", "电话号码"),
        text_format=True,
    ),
    ColumnSpec(
        "street",
        "街道",
        ("街道（镇）", "乡镇", "镇街", "所属街道", "街道/镇"),
        fill_merged=True,
        help="社区名称在多个街道重名时必填",
    ),
    ColumnSpec(
        "community",
        "社区",
        ("社区（村）", "村（社区）", "村居", "所属社区", "村/社区", "社区/村", "村"),
        required=True,
        fill_merged=True,
        help="社区或村的名称，或 12 位统计用区划代码；上传时选定了社区的，可以没有此列",
    ),
    ColumnSpec("grid", "网格", ("所属网格", "网格名称"), fill_merged=True),
    ColumnSpec("address", "居住地址", ("现住址", "家庭住址", "住址", "地址", "现居住地址"), max_length=200),
    ColumnSpec("hukou_local", "本区户籍", ("是否本区户籍", "户籍类型"), choices=("是", "否")),
    ColumnSpec("hukou_address", "户籍地址", ("户籍所在地", "户口所在地", "户籍地"), max_length=200),
    ColumnSpec(
        "living_situation",
        "居住情况",
        ("居住状况", "居住类型", "居住方式"),
        choices=tuple(stored(label) for label in LivingSituation.labels),
    ),
    ColumnSpec("health", "健康状况", ("身体状况", "健康情况", "疾病情况", "慢性病"), max_length=2000),
    ColumnSpec(
        "disability_grade",
        "残疾等级",
        ("残疾情况", "残疾级别"),
        choices=("无", "一级", "二级", "三级", "四级"),
    ),
    ColumnSpec("status", "状态", ("人员状态", "在世状态"), choices=("在册", "已故", "迁出")),
    ColumnSpec("status_date", "死亡/迁出日期", ("死亡日期", "迁出日期", "状态日期", "死亡时间")),
)


def _parse_ethnicity(raw: Any) -> str | None:
    text = clean_text(raw)
    if not text:
        return None
    text = text if text.endswith("族") else text + "族"
    if text not in ETHNICITIES:
        raise CellError(f"无法识别的民族：{raw}")
    return text


def _parse_hukou(raw: Any) -> str | None:
    return parse_choice(raw, HUKOU_SYNONYMS)


def _parse_living(raw: Any) -> str | None:
    return parse_choice(raw, LIVING_CHOICES)


def _parse_disability(raw: Any) -> str | None:
    return parse_choice(raw, DISABILITY_SYNONYMS)


def _parse_status(raw: Any) -> str | None:
    return parse_choice(raw, STATUS_SYNONYMS)


# Staged columns, in record order. None in a record means "not given: keep what is there".
STAGE = (
    ("rownum", "INTEGER"),
    ("id_hash", "VARCHAR(32)"),
    ("id_enc", "TEXT"),
    ("id_masked", "VARCHAR(18)"),
    ("id_tail", "VARCHAR(4)"),
    ("name", "VARCHAR(50)"),
    ("name_pinyin", "VARCHAR(120)"),
    ("name_initials", "VARCHAR(20)"),
    ("name_pinyin_alt", "VARCHAR(120)"),
    ("name_initials_alt", "VARCHAR(20)"),
    ("sex", "VARCHAR(1)"),
    ("birth_date", "DATE"),
    ("ethnicity", "VARCHAR(20)"),
    ("phone_hash", "VARCHAR(32)"),
    ("phone_enc", "TEXT"),
    ("phone_masked", "VARCHAR(20)"),
    ("phone_tail", "VARCHAR(4)"),
    ("address", "VARCHAR(200)"),
    ("area_id", "BIGINT"),
    ("area_path", "VARCHAR(15)"),
    ("hukou_local", "BOOLEAN"),
    ("hukou_address", "VARCHAR(200)"),
    ("living_situation", "VARCHAR(16)"),
    ("health_hash", "VARCHAR(32)"),
    ("health_enc", "TEXT"),
    ("disability_grade", "VARCHAR(2)"),
    ("status", "VARCHAR(12)"),
    ("status_date", "DATE"),
)
STAGE_NAMES = [name for name, _ in STAGE]
# (elder column, staged column) pairs compared and merged value by value.
PLAIN = [
    ("name", "name"),
    ("name_pinyin", "name_pinyin"),
    ("name_initials", "name_initials"),
    ("name_pinyin_alt", "name_pinyin_alt"),
    ("name_initials_alt", "name_initials_alt"),
    ("ethnicity", "ethnicity"),
    ("address", "address"),
    ("area_id", "area_id"),
    ("area_path", "area_path"),
    ("hukou_local", "hukou_local"),
    ("hukou_address", "hukou_address"),
    ("living_situation", "living_situation"),
    ("disability_grade", "disability_grade"),
    ("status", "status"),
    ("status_date", "status_date"),
]
# Encrypted values: compared through their keyed hash, copied with their masked forms.
SECRET = [
    ("phone_hash", ["phone_enc", "phone_masked", "phone_tail"]),
    ("health_hash", ["health_enc"]),
]
ELDER = Elder._meta.db_table
#: What an uploader may import into when the file has no 社区 column.
TARGET_LEVELS = (AreaLevel.STREET, AreaLevel.COMMUNITY, AreaLevel.GRID)
TABLE = "yiyang_import_elder_stage"
BULK_LOAD_MIN = 50_000
_DIGIT = re.compile(r"\d")


def _distinct(a: str, b: str) -> str:
    return f"{a} IS DISTINCT FROM {b}" if connection.vendor == "postgresql" else f"{a} IS NOT {b}"


@register_importer
class ElderImporter(Importer):
    kind = "people.elder"
    label = _("老年人信息")  # shown on the import page; the engine reads it in Chinese
    key_label = "身份证号"
    columns = COLUMNS

    def __init__(self, actor: Any, *, area_path: str = "") -> None:
        super().__init__(actor, area_path=area_path)
        self.today = timezone.localdate()
        self.age_rule = registry_rule()
        self._memo: dict[tuple[str, Any], tuple[Any, str | None]] = {}
        # Health notes repeat ("高血压") across thousands of rows. Their keyed digest already shows
        # which rows are equal, so one ciphertext per distinct note within an import reveals
        # nothing more, and saves a cipher call per row.
        self._area_memo: dict[tuple[Any, ...], tuple[Area | None, list[tuple[str, str]]]] = {}
        # The chosen area, through the scoping door: outside the uploader's scope it is not found,
        # and prepare() refuses the file. Rows then resolve within it only.
        self.target: Area | None = None
        if area_path:
            self.target = (
                Area.objects.for_user(actor)
                .filter(path=area_path, level__in=TARGET_LEVELS)
                .select_related("parent")
                .first()
            )
        areas = (
            Area.objects.for_user(actor)
            .filter(level__in=[AreaLevel.STREET, AreaLevel.COMMUNITY, AreaLevel.GRID])
            .select_related("parent")  # grid aliases name their community: one query, not one per grid
        )
        if self.target is not None:
            root = self.target.parent if self.target.level == AreaLevel.GRID else self.target
            areas = areas.filter(path__startswith=root.path if root else self.target.path)
        self.address_names: list[tuple[str, Area]] = []
        self.by_code: dict[str, Area] = {}
        self.communities_by_name: dict[str, list[Area]] = defaultdict(list)
        self.grids: dict[int, dict[str, Area]] = defaultdict(dict)
        streets: dict[int, Area] = {}
        for area in areas.order_by("level"):
            self.by_code[area.code] = area
            if area.level == AreaLevel.STREET:
                streets[area.pk] = area
            elif area.level == AreaLevel.COMMUNITY:
                # A street's ledger may name the community only in the address (东市社区3幢).
                self.address_names += [(alias, area) for alias in {area.name, short_name(area.name)}]
                for alias in {
                    area.name,
                    short_name(area.name),
                    area.name.removesuffix("社区"),
                    area.name + "居委会",
                }:
                    if alias:
                        self.communities_by_name[alias].append(area)
            else:
                grid_names = self.grids[area.parent_id or 0]
                number = area.code[-3:].lstrip("0")
                for alias in (
                    area.name,
                    area.name.removeprefix(area.parent.name if area.parent else ""),
                    number,
                    f"{number}网格",
                    f"第{number}网格",
                ):
                    grid_names[alias] = area
        self.street_names = {
            a.pk: {a.name, a.name.removesuffix("街道"), a.name.removesuffix("办事处")}
            for a in streets.values()
        }
        self.address_names.sort(key=lambda pair: -len(pair[0]))  # the longest name that matches

    # -- the area the uploader chose ----------------------------------------------------------------
    @classmethod
    def area_choices(cls, actor: Any) -> list[tuple[str, str]]:
        # Streets and communities; a grid only for the worker assigned to it (a district has hundreds).
        wanted = Q(level__in=[AreaLevel.STREET, AreaLevel.COMMUNITY])
        wanted |= Q(level=AreaLevel.GRID, path__in=list(user_area_paths(actor)))
        areas = Area.objects.for_user(actor).filter(wanted).select_related("parent").order_by("path")
        return [
            (a.path, f"{a.parent.name} · {a.name}" if a.parent and a.level > AreaLevel.STREET else a.name)
            for a in areas
        ]

    @classmethod
    def default_area(cls, actor: Any) -> str:
        """A user with exactly one community (or grid) imports into it without choosing."""
        paths = list(user_area_paths(actor))
        if len(paths) != 1:
            return ""
        level_of = Area.objects.filter(path=paths[0]).values_list("level", flat=True).first()
        return paths[0] if level_of in (AreaLevel.COMMUNITY, AreaLevel.GRID) else ""

    def file_columns(self) -> tuple[ColumnSpec, ...]:
        if self.target is None:
            return COLUMNS
        # The uploader said where the rows go: a community's own ledger has no 社区 column.
        return tuple(replace(c, required=False) if c.field == "community" else c for c in COLUMNS)

    def prepare(self) -> None:
        if self.area_path and self.target is None:
            raise ImportFileError(
                f"所选区域（{self.area_path}）不是您辖区内的街道、社区或网格，未导入任何数据"
            )

    def notices(self) -> list[str]:
        if self.target is None:
            return []
        where = self.target.full_name()
        if self.target.level == AreaLevel.STREET:
            return [f"导入到{where}：社区取自“社区”列，为空时取自居住地址中写明的社区名称"]
        return [f"导入到{where}：“社区”列为空的行归入{self.target.name}"]

    # -- cleaning --------------------------------------------------------------------------------
    def clean(self, row: RawRow) -> tuple[str, tuple[Any, ...]]:
        v = row.values
        problems: list[tuple[str, str]] = []
        parsed = None
        try:
            parsed = parse_id_number(v.get("id_number"))
        except IdNumberError as exc:
            problems.append(("id_number", "身份证号为空" if exc.code == "empty" else exc.message))

        name = clean_text(v.get("name"))
        if not name:
            problems.append(("name", "姓名为空"))
        elif len(name) > 50 or _DIGIT.search(name) is not None:
            problems.append(("name", "姓名不应包含数字或超过 50 字"))

        cell = self._cell
        sex = cell(v, "sex", parse_sex, problems)
        birth = cell(v, "birth_date", parse_date, problems)
        if parsed is not None:
            if sex and sex != parsed.sex:
                problems.append(
                    ("sex", f"性别与身份证号不符（身份证号显示为{stored(Sex(parsed.sex).label)}）")
                )
            if birth and birth != parsed.birth_date:
                problems.append(
                    ("birth_date", f"出生日期与身份证号不符（身份证号显示为 {parsed.birth_date:%Y-%m-%d}）")
                )
        ethnicity = cell(v, "ethnicity", _parse_ethnicity, problems)
        raw_phone = v.get("phone")
        phone = None
        if raw_phone is not None and raw_phone != "":
            try:
                phone = parse_phone(raw_phone)
            except CellError as exc:
                problems.append(("phone", exc.message))
        area = self._area(v, problems)
        hukou = cell(v, "hukou_local", _parse_hukou, problems)
        living = cell(v, "living_situation", _parse_living, problems)
        health = clean_text(v.get("health"))
        disability = cell(v, "disability_grade", _parse_disability, problems)
        status = cell(v, "status", _parse_status, problems)
        status_date = cell(v, "status_date", parse_date, problems)
        if status_date and status_date > self.today:
            problems.append(("status_date", "死亡/迁出日期不能晚于今天"))
        if status in (ElderStatus.DECEASED, ElderStatus.MOVED) and not status_date:
            problems.append(("status_date", "状态为已故或迁出时须填写日期"))
        if parsed is not None and status_date and status_date < parsed.birth_date:
            problems.append(("status_date", "死亡/迁出日期早于出生日期"))
        if parsed is not None:
            short = self.age_rule.shortfall(parsed.birth_date, today=self.today, disabled=bool(disability))
            if short is not None:
                with records_language():  # the error report is a record: Chinese
                    problems.append(("id_number", refusal(*short)))
        if problems or parsed is None or area is None or name is None:
            raise RowRejected(problems)

        id_value = parsed.value
        id_hash = crypto.lookup_hash(id_value)
        keys = name_keys(name)
        phone_fields: tuple[Any, ...] = (None, None, None, None)
        if phone:
            phone_fields = (
                crypto.lookup_hash(phone),
                crypto.encrypt(phone),
                crypto.mask_phone(phone),
                phone[-4:],
            )
        health_fields: tuple[Any, ...] = (None, None)
        if health:
            # Digest and ciphertext per elder: equal notes of two elders must not look equal.
            health_fields = (crypto.note_digest(id_hash, health), crypto.encrypt(health))
        record = (
            row.number,
            id_hash,
            crypto.encrypt(id_value),
            mask_id_number(id_value),
            id_value[-4:],
            name,
            *keys,
            parsed.sex,
            parsed.birth_date,
            ethnicity,
            *phone_fields,
            clean_text(v.get("address")),
            area.pk,
            area.path,
            None if hukou is None else hukou == "1",
            clean_text(v.get("hukou_address")),
            living,
            *health_fields,
            disability,
            status,
            status_date,
        )
        return id_hash, record

    def _cell(self, v: dict[str, Any], field: str, parser: Any, problems: list[tuple[str, str]]) -> Any:
        """Parse one cell; values repeat a lot down a column (dates, choices), so results are memoised."""
        raw = v.get(field)
        if raw is None or raw == "":
            return None
        key = (field, raw)
        try:
            outcome = self._memo[key]
        except KeyError:
            try:
                outcome = (parser(raw), None)
            except CellError as exc:
                outcome = (None, exc.message)
            except TypeError:  # unhashable never reaches here; keeps the memo honest
                raise
            if len(self._memo) < 200_000:
                self._memo[key] = outcome
        if outcome[1] is not None:
            problems.append((field, outcome[1]))
        return outcome[0]

    def _area(self, v: dict[str, Any], problems: list[tuple[str, str]]) -> Area | None:
        # The address matters only when a street's row leaves the community empty.
        from_address = (
            self.target is not None and self.target.level == AreaLevel.STREET and not v.get("community")
        )
        key = (v.get("street"), v.get("community"), v.get("grid"), v.get("address") if from_address else None)
        cached = self._area_memo.get(key)
        if cached is None:
            found: list[tuple[str, str]] = []
            cached = (self._resolve_area(v, found), found)
            self._area_memo[key] = cached
        problems.extend(cached[1])
        return cached[0]

    def _resolve_area(self, v: dict[str, Any], problems: list[tuple[str, str]]) -> Area | None:
        target = self.target
        raw = clean_text(v.get("community"))
        if raw:
            area = self._community(raw, v, problems)
        elif target is None:
            problems.append(("community", "社区为空"))
            return None
        elif target.level == AreaLevel.STREET:
            area = self._community_in_address(v, target, problems)
        else:
            area = target if target.level == AreaLevel.COMMUNITY else target.parent
        if area is None:
            return None
        area = self._grid(area, v, problems)
        if area is None:
            return None
        if target is not None and target.level == AreaLevel.GRID and area.pk == target.parent_id:
            return target  # a grid worker's ledger without a 网格 column
        if target is not None and not area.path.startswith(target.path):
            problems.append(("community", f"「{area.name}」不在所选的「{target.name}」内"))
            return None
        return area

    def _community_in_address(
        self, v: dict[str, Any], street: Area, problems: list[tuple[str, str]]
    ) -> Area | None:
        address = clean_text(v.get("address")) or ""
        found: dict[int, Area] = {}
        for name, community in self.address_names:
            if name in address and community.pk not in found:
                found[community.pk] = community
                address = address.replace(name, "")  # 东市社区 also contains 东市: count it once
        if len(found) == 1:
            return next(iter(found.values()))
        if found:
            names = "、".join(a.name for a in found.values())
            problems.append(("community", f"社区为空，居住地址中写有多个社区（{names}），请填写“社区”列"))
        else:
            problems.append(("community", f"社区为空，居住地址中也没有写明「{street.name}」下的社区名称"))
        return None

    def _community(self, raw: str, v: dict[str, Any], problems: list[tuple[str, str]]) -> Area | None:
        if raw.isdigit():
            area = self.by_code.get(raw)
            if area is None or area.level != AreaLevel.COMMUNITY:
                problems.append(("community", f"区划代码 {raw} 不是您辖区内的社区或村"))
                return None
        else:
            candidates = self.communities_by_name.get(raw) or self.communities_by_name.get(
                short_name(raw), []
            )
            street = clean_text(v.get("street"))
            if street:
                candidates = [a for a in candidates if street in self.street_names.get(a.parent_id or 0, ())]
            unique = {a.pk: a for a in candidates}
            if not unique:
                where = street or (f"「{self.target.name}」" if self.target is not None else "您的辖区")
                problems.append(("community", f"在{where}内找不到社区「{raw}」"))
                return None
            if len(unique) > 1:
                problems.append(("community", f"社区「{raw}」在多个街道重名，请填写“街道”列"))
                return None
            area = next(iter(unique.values()))
        return area

    def _grid(self, area: Area, v: dict[str, Any], problems: list[tuple[str, str]]) -> Area | None:
        grid_raw = clean_text(v.get("grid"))
        if grid_raw:
            grid = self.grids.get(area.pk, {}).get(grid_raw)
            if grid is None:
                problems.append(("grid", f"社区「{area.name}」下没有网格「{grid_raw}」"))
                return None
            return grid
        return area

    # -- staging ---------------------------------------------------------------------------------
    def begin(self) -> None:
        sql.create_stage(TABLE, STAGE)

    def stage(self, records: list[tuple[int, Any]]) -> None:
        sql.copy_rows(TABLE, STAGE_NAMES, [record for _, record in records])

    def end(self) -> None:
        sql.drop_stage(TABLE)

    # -- checks and merge -----------------------------------------------------------------------
    def conflicts(self) -> list[tuple[int, str, str]]:
        # An ID number registered where the importer may not change it is another area's elder. The
        # message neither says so nor where: it must not confirm that the person is registered at all.
        scope, params = scope_sql(self.actor, Elder, "e", "change")
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT s.rownum FROM {TABLE} s JOIN {ELDER} e ON e.id_number_hash = s.id_hash WHERE NOT {scope}",
                params,
            )
            return [
                (row, "id_number", "该身份证号不能由您导入，请联系区级管理员办理登记或迁入")
                for (row,) in cur.fetchall()
            ]

    def _changed_sql(self) -> str:
        checks = [f"(s.{s} IS NOT NULL AND {_distinct('s.' + s, 'e.' + e)})" for e, s in PLAIN]
        checks += [f"(s.{h} IS NOT NULL AND {_distinct('s.' + h, 'e.' + h)})" for h, _ in SECRET]
        return "(" + " OR ".join(checks) + ")"

    def _skip_sql(self, skip_rows: set[int]) -> str:
        # Rejected rows were never staged, except those refused by conflicts(): exclude those.
        return f" AND s.rownum NOT IN ({','.join(str(int(r)) for r in skip_rows)})" if skip_rows else ""

    def plan(self, skip_rows: set[int]) -> Counts:
        skip = self._skip_sql(skip_rows)
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT COUNT(*) FROM {TABLE} s WHERE NOT EXISTS "
                f"(SELECT 1 FROM {ELDER} e WHERE e.id_number_hash = s.id_hash){skip}"
            )
            created = cur.fetchone()[0]
            cur.execute(
                f"SELECT COUNT(*), SUM(CASE WHEN {self._changed_sql()} THEN 1 ELSE 0 END) "
                f"FROM {TABLE} s JOIN {ELDER} e ON e.id_number_hash = s.id_hash WHERE 1=1{skip}"
            )
            matched, changed = cur.fetchone()
        return Counts(created=created, updated=changed or 0, unchanged=(matched or 0) - (changed or 0))

    def apply(self, batch: ImportBatch, skip_rows: set[int]) -> Counts:
        counts = self.plan(skip_rows)
        skip = self._skip_sql(skip_rows)
        touched_paths = self._audit_updates(skip)
        life_changes = self._life_changes(skip) if counts.updated else []
        now = timezone.now()
        with connection.cursor() as cur:
            if counts.updated:
                sets = [f"{e} = COALESCE(s.{s}, e.{e})" for e, s in PLAIN]
                for digest, copies in SECRET:
                    sets.append(f"{digest} = COALESCE(s.{digest}, e.{digest})")
                    sets += [f"{c} = CASE WHEN s.{digest} IS NULL THEN e.{c} ELSE s.{c} END" for c in copies]
                sets.append("updated_at = %s")
                cur.execute(
                    f"UPDATE {ELDER} AS e SET {', '.join(sets)} FROM {TABLE} s "
                    f"WHERE e.id_number_hash = s.id_hash AND {self._changed_sql()}{skip}",
                    [now],
                )
            # A first load of a district (more new rows than the registry holds) rebuilds the
            # indexes once instead of maintaining them row by row: several times faster.
            bulk = counts.created >= BULK_LOAD_MIN and counts.created >= Elder.objects.count()
            if counts.created:
                with BulkLoadMode([ELDER] if bulk else []):
                    self._insert_new(cur, batch, skip, now)
            cur.execute(f"SELECT DISTINCT area_path FROM {TABLE}")
            touched_paths.update(p for (p,) in cur.fetchall())
        # A death, move or 户籍 change in the file: the same history and stop of payment as the
        # elder's page (a few rows of a re-imported ledger; unchanged rows never get here).
        record_imported_changes(life_changes, actor=self.actor)
        if bulk:
            refresh_after_load([ELDER])  # ANALYZE now, in the transaction
            # and the visibility map once committed, so search is fast from the first query on
            transaction.on_commit(lambda: refresh_after_load([ELDER], analyze=False))
        audit.record_bulk(
            actor=self.actor,
            object_type=self.kind,
            verb="elder.import",
            area_path=batch.area_path,
            message=f"导入 {batch.filename}：新增 {counts.created}，更新 {counts.updated}，未变化 {counts.unchanged}",
            after={"batch": batch.pk, "created": counts.created, "updated": counts.updated},
        )
        if len(touched_paths) > 500:
            stats.ensure_fresh()
            stats.rebuild(today=self.today)
        else:
            stats.rebuild(touched_paths, today=self.today)
        return counts

    def _insert_new(self, cur: Any, batch: ImportBatch, skip: str, now: datetime.datetime) -> None:
        cur.execute(
            f"""INSERT INTO {ELDER} (
                id_number_enc, id_number_hash, id_number_masked, id_tail, name, name_pinyin, name_initials,
                name_pinyin_alt, name_initials_alt,
                sex, birth_date, ethnicity, phone_enc, phone_hash, phone_masked, phone_tail, address,
                area_id, area_path, hukou_local, hukou_address, living_situation, categories, health_enc,
                health_hash, disability_grade, capability_level, status, status_date, status_note,
                import_batch_id, created_at, updated_at)
            SELECT s.id_enc, s.id_hash, s.id_masked, s.id_tail, s.name, s.name_pinyin, s.name_initials,
                s.name_pinyin_alt, s.name_initials_alt,
                s.sex, s.birth_date, COALESCE(s.ethnicity, '汉族'), COALESCE(s.phone_enc, ''),
                COALESCE(s.phone_hash, ''), COALESCE(s.phone_masked, ''), COALESCE(s.phone_tail, ''),
                COALESCE(s.address, ''), s.area_id, s.area_path, COALESCE(s.hukou_local, %s),
                COALESCE(s.hukou_address, ''), COALESCE(s.living_situation, %s), '',
                COALESCE(s.health_enc, ''), COALESCE(s.health_hash, ''), COALESCE(s.disability_grade, ''),
                NULL, COALESCE(s.status, %s), s.status_date, '', %s, %s, %s
            FROM {TABLE} s
            WHERE NOT EXISTS (SELECT 1 FROM {ELDER} e WHERE e.id_number_hash = s.id_hash){skip}""",
            [True, LivingSituation.WITH_FAMILY, ElderStatus.LIVING, batch.pk, now, now],
        )

    def _life_changes(
        self, skip: str
    ) -> list[tuple[int, tuple[str, datetime.date | None, bool], tuple[str, datetime.date | None, bool]]]:
        """Elders whose status, its date or 户籍 this file changes: (id, before, after)."""
        changed = " OR ".join(
            f"(s.{c} IS NOT NULL AND {_distinct('s.' + c, 'e.' + c)})"
            for c in ("status", "status_date", "hukou_local")
        )
        with connection.cursor() as cur:
            cur.execute(
                "SELECT e.id, e.status, e.status_date, e.hukou_local, COALESCE(s.status, e.status), "
                "COALESCE(s.status_date, e.status_date), COALESCE(s.hukou_local, e.hukou_local) "
                f"FROM {TABLE} s JOIN {ELDER} e ON e.id_number_hash = s.id_hash WHERE ({changed}){skip}"
            )
            rows = cur.fetchall()
        day = _as_date
        return [
            (elder_id, (st, day(sd), bool(hk)), (new_st, day(new_sd), bool(new_hk)))
            for elder_id, st, sd, hk, new_st, new_sd, new_hk in rows
            if (st, day(sd), bool(hk)) != (new_st, day(new_sd), bool(new_hk))
        ]

    def _audit_updates(self, skip: str) -> set[str]:
        """One audit row per changed elder, with before and after of the changed fields only."""
        derived = ("name_pinyin", "name_initials", "name_pinyin_alt", "name_initials_alt", "area_path")
        compare = [(e, s) for e, s in PLAIN if e not in derived]
        cols = ", ".join(
            ["e.id", "e.name", "e.area_path"]
            + [f"e.{e}, s.{s}" for e, s in compare]
            + ["e.phone_hash, s.phone_hash, e.phone_masked, s.phone_masked, e.health_hash, s.health_hash"]
        )
        entries: list[AuditEntry] = []
        paths: set[str] = set()
        rid = current_request_id()
        actor_name = self.actor.get_full_name() or self.actor.get_username()
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT {cols} FROM {TABLE} s JOIN {ELDER} e ON e.id_number_hash = s.id_hash "
                f"WHERE {self._changed_sql()}{skip}"
            )
            while chunk := cur.fetchmany(2000):
                for row in chunk:
                    elder_id, name, path = row[0], row[1], row[2]
                    paths.add(path)
                    before: dict[str, Any] = {}
                    after: dict[str, Any] = {}
                    for i, (field, _) in enumerate(compare):
                        old, new = row[3 + 2 * i], row[4 + 2 * i]
                        if (
                            new is not None
                            and old != new
                            and not (field == "hukou_local" and bool(old) == bool(new))
                        ):
                            key = field.removesuffix("_id")
                            before[key], after[key] = _plain(old), _plain(new)
                    tail = 3 + 2 * len(compare)
                    if row[tail + 1] is not None and row[tail] != row[tail + 1]:
                        before["phone_masked"], after["phone_masked"] = row[tail + 2], row[tail + 3]
                    if row[tail + 5] is not None and row[tail + 4] != row[tail + 5]:
                        before["health_masked"], after["health_masked"] = "（已修改）", "（已修改）"
                    entries.append(
                        AuditEntry(
                            actor=self.actor,
                            actor_name=actor_name,
                            request_id=rid,
                            action=AuditEntry.Action.IMPORT,
                            verb="elder.import.update",
                            object_type=self.kind,
                            object_id=str(elder_id),
                            object_repr=name,
                            subject_id=elder_id,
                            area_path=path,
                            before=before,
                            after=after,
                        )
                    )
        AuditEntry.objects.bulk_create(entries, batch_size=2000)
        return paths


def _as_date(value: Any) -> datetime.date | None:
    """A date read back from SQL (SQLite gives text)."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value
