"""Importing the insurer's 银龄安康 list (承保清单): one row per insured elder and year.

The key is the year and the elder's ID number, so a list imported twice changes nothing, and the
same elder twice in one file is reported on the second row. An elder already on the year's list is
matched: a generated entry (no policy number yet) takes the insurer's policy number and premium; an
entry under another policy number is the same elder insured twice in one year and is reported on
its row, never written. Elders must be in the registry and in the uploader's areas.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.cards.choices import EnrolmentSource, InsuredGroup
from yiyang.cards.models import Enrolment
from yiyang.cards.rules import payer_of
from yiyang.core import audit, crypto
from yiyang.core.cells import CellError, clean_text, parse_choice, parse_date, parse_int
from yiyang.core.i18n import stored
from yiyang.core.idnumber import IdNumberError, parse_id_number
from yiyang.core.importing.columns import ColumnSpec
from yiyang.core.importing.engine import Counts, Importer, RowRejected
from yiyang.core.importing.reader import RawRow
from yiyang.core.importing.registry import register_importer
from yiyang.core.models import ImportBatch
from yiyang.core.scoping import home_path
from yiyang.people.models import Elder

GROUP_SYNONYMS = {
    **{stored(g.label): g.value for g in InsuredGroup},
    **{g.value: g.value for g in InsuredGroup},
    "特困人员": "tekun", "特困供养": "tekun", "低保对象": "dibao", "低保户": "dibao",
    "高龄老人": "aged", "80周岁以上": "aged", "自愿": "voluntary", "个人自愿": "voluntary", "自费": "voluntary",
}  # fmt: skip

COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("year", "年度", ("参保年度", "保险年度"), required=True),
    ColumnSpec("name", "姓名", ("被保险人", "被保险人姓名", "老人姓名")),
    ColumnSpec(
        "id_number",
        "身份证号",
        ("被保险人身份证号", "证件号码", "公民身份号码"),
        required=True,
        text_format=True,
    ),
    ColumnSpec(
        "group",
        "参保类别",
        ("人员类别", "参保类型", "类别"),
        required=True,
        choices=tuple(stored(label) for label in InsuredGroup.labels),
    ),
    ColumnSpec("premium", "保费", ("保费（元）", "保险费", "缴费金额"), required=True),
    ColumnSpec("policy", "保单号", ("保单编号", "保险单号"), required=True, text_format=True, max_length=40),
    ColumnSpec("enrolled_on", "参保日期", ("投保日期", "承保日期", "生效日期")),
)


@dataclass
class Staged:
    row: int
    year: int
    id_hash: str
    group: str
    premium: Decimal
    policy: str
    enrolled_on: datetime.date | None


def parse_money(raw: object) -> Decimal:
    text = (clean_text(raw) or "").replace(",", "").replace("元", "").replace("¥", "")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise CellError(f"金额“{text}”无法识别") from exc
    if value < 0 or value >= Decimal("1000000"):
        raise CellError(f"金额“{text}”超出范围")
    return value.quantize(Decimal("0.01"))


@register_importer
class EnrolmentImporter(Importer):
    kind = "cards.enrolment"
    label = _("银龄安康参保名单")
    key_label = "年度和身份证号"
    columns = COLUMNS
    example_rows = (
        {"year": "2026", "name": "张桂英", "id_number": "320612194203150027", "group": "自愿参保", "premium": "30.00",
         "policy": "YLAK2026000123", "enrolled_on": "2026-01-10"},
    )  # fmt: skip

    def __init__(self, actor: Any, *, area_path: str = "") -> None:
        super().__init__(actor, area_path=area_path)
        self.staged: list[Staged] = []
        self.elders: dict[str, Elder] = {}
        self.existing: dict[tuple[int, int], Enrolment] = {}

    def clean(self, row: RawRow) -> tuple[str, Staged]:
        v = row.values
        problems: list[tuple[str, str]] = []
        year = None
        try:
            year = parse_int(v.get("year"), min_value=2000, max_value=2100)
        except CellError as exc:
            problems.append(("year", exc.message))
        if year is None and not any(f == "year" for f, _m in problems):
            problems.append(("year", "年度为空"))
        digest = ""
        try:
            digest = crypto.lookup_hash(parse_id_number(v.get("id_number")).value)
        except IdNumberError as exc:
            problems.append(("id_number", exc.message))
        group = None
        try:
            group = parse_choice(v.get("group"), GROUP_SYNONYMS)
        except CellError as exc:
            problems.append(("group", exc.message))
        if group is None and not any(f == "group" for f, _m in problems):
            problems.append(("group", "参保类别为空"))
        premium = Decimal("0")
        try:
            premium = parse_money(v.get("premium"))
        except CellError as exc:
            problems.append(("premium", exc.message))
        policy = (clean_text(v.get("policy")) or "")[:40]
        if not policy:
            problems.append(("policy", "保单号为空"))
        enrolled_on = None
        try:
            enrolled_on = parse_date(v.get("enrolled_on"))
        except CellError as exc:
            problems.append(("enrolled_on", exc.message))
        if problems:
            raise RowRejected(problems)
        assert year is not None and group is not None
        return f"{year}:{digest}", Staged(row.number, year, digest, group, premium, policy, enrolled_on)

    def begin(self) -> None:
        self.staged = []

    def stage(self, records: list[tuple[int, Any]]) -> None:
        self.staged.extend(record for _n, record in records)

    def conflicts(self) -> list[tuple[int, str, str]]:
        hashes = {s.id_hash for s in self.staged}
        self.elders = {
            e.id_number_hash: e for e in Elder.objects.for_user(self.actor).filter(id_number_hash__in=hashes)
        }
        ids = [e.pk for e in self.elders.values()]
        years = {s.year for s in self.staged}
        self.existing = {
            (e.elder_id, e.year): e for e in Enrolment.objects.filter(elder_id__in=ids, year__in=years)
        }
        out = []
        for s in self.staged:
            elder = self.elders.get(s.id_hash)
            if elder is None:
                out.append((s.row, "id_number", "老人未登记或不在您的辖区"))
                continue
            current = self.existing.get((elder.pk, s.year))
            if current is not None and current.policy_number and current.policy_number != s.policy:
                out.append(
                    (
                        s.row,
                        "policy",
                        f"该老人 {s.year} 年已参保（保单号 {current.policy_number}），同一年度不能重复参保",
                    )
                )
        return out

    def _diff(self, current: Enrolment, s: Staged) -> dict[str, Any]:
        wanted = {
            "group": s.group,
            "payer": payer_of(s.group),
            "premium": s.premium,
            "policy_number": s.policy,
        }
        if s.enrolled_on is not None:
            wanted["enrolled_on"] = s.enrolled_on
        return {k: v for k, v in wanted.items() if getattr(current, k) != v}

    def plan(self, skip_rows: set[int]) -> Counts:
        counts = Counts()
        for s in self.staged:
            if s.row in skip_rows:
                continue
            current = self.existing.get((self.elders[s.id_hash].pk, s.year))
            if current is None:
                counts.created += 1
            elif self._diff(current, s):
                counts.updated += 1
            else:
                counts.unchanged += 1
        return counts

    def apply(self, batch: ImportBatch, skip_rows: set[int]) -> Counts:
        counts = Counts()
        new: list[Enrolment] = []
        changed: list[Enrolment] = []
        now = timezone.now()
        for s in self.staged:
            if s.row in skip_rows:
                continue
            elder = self.elders[s.id_hash]
            current = self.existing.get((elder.pk, s.year))
            if current is None:
                new.append(Enrolment(
                    year=s.year, elder=elder, area_path=elder.area_path, payer=payer_of(s.group), group=s.group,
                    premium=s.premium, policy_number=s.policy, enrolled_on=s.enrolled_on or now.date(),
                    source=EnrolmentSource.IMPORTED, elder_living=elder.status == "living", import_batch=batch,
                ))  # fmt: skip
                counts.created += 1
            elif diff := self._diff(current, s):
                for k, value in diff.items():
                    setattr(current, k, value)
                current.updated_at = now
                changed.append(current)
                counts.updated += 1
            else:
                counts.unchanged += 1
        Enrolment.objects.bulk_create(new, batch_size=2000)
        fields = ["group", "payer", "premium", "policy_number", "enrolled_on", "updated_at"]
        Enrolment.objects.bulk_update(changed, fields, batch_size=2000)
        audit.record_bulk(
            actor=self.actor, object_type="cards.enrolment", verb="enrolment.import", area_path=home_path(self.actor),
            message=f"导入保险公司参保名单：新增 {counts.created} 人，更新 {counts.updated} 人，未变 {counts.unchanged} 人",
        )  # fmt: skip
        return counts

    def end(self) -> None:
        self.staged = []
