"""Importing care workers (养老服务人才台账): one row per person, matched on the ID number.

The file is the workers export's table (the same headers), so a list exported in clear re-imports as
"all unchanged". The ID number is validated (and, masked as a plain export shows it, refused with a
word on how to get it in clear); sex and birth date come from it. The employer is named
(用人单位, with 用人单位类型 when a name is shared) and must be one the uploader sees: a provider's
staff import their own workers, a street the workers of its homes, canteens and providers. The place
of work (工作地) is an area inside the uploader's areas, by default the employer's. A row for a worker
already registered updates her (if she is the uploader's to change); an empty optional cell keeps
what is stored; the same file imported twice changes nothing the second time. 性别, 出生日期,
最高证书等级, 状态 and 离职日期 are for the reader: certificates and leaving have their own pages.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area
from yiyang.core import audit, crypto
from yiyang.core.cells import CellError, clean_text, parse_choice, parse_date, parse_phone
from yiyang.core.i18n import stored
from yiyang.core.idnumber import IdNumber, IdNumberError, parse_id_number
from yiyang.core.importing.columns import ColumnSpec
from yiyang.core.importing.engine import Counts, Importer, RowRejected
from yiyang.core.importing.reader import RawRow
from yiyang.core.importing.registry import register_importer
from yiyang.core.models import ImportBatch
from yiyang.core.scoping import allowed, outermost, user_area_paths
from yiyang.workforce.choices import EmployerKind, Post
from yiyang.workforce.models import EMPLOYER_FIELDS, CareWorker

KIND_SYNONYMS = {
    **{stored(c.label): c.value for c in EmployerKind},
    **{c.value: c.value for c in EmployerKind},
    "服务商": "provider", "居家养老服务商": "provider", "机构": "institution", "养老院": "institution",
    "敬老院": "institution", "食堂": "canteen", "长者食堂": "canteen", "老年食堂": "canteen",
}  # fmt: skip
POST_SYNONYMS = {
    **{stored(c.label): c.value for c in Post},
    **{c.value: c.value for c in Post},
    "护理员": "carer", "助老服务员": "home_aide", "居家助老员": "home_aide", "其他": "other",
}  # fmt: skip

COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("id_number", "身份证号", ("公民身份号码", "证件号码", "身份证号码"), required=True,
               text_format=True),
    ColumnSpec("name", "姓名", ("护理员姓名", "员工姓名"), required=True, max_length=50),
    ColumnSpec("phone", "手机号", ("联系电话", "手机号码", "电话"), text_format=True),
    ColumnSpec("employer_kind", "用人单位类型", ("单位类型",), choices=tuple(stored(c.label) for c in EmployerKind)),
    ColumnSpec("employer", "用人单位", ("工作单位", "单位名称", "所在单位"), required=True, max_length=100),
    ColumnSpec("area", "工作地", ("工作地点", "所在社区", "所在街道")),
    ColumnSpec("post", "岗位", ("工作岗位",), choices=tuple(stored(c.label) for c in Post)),
    ColumnSpec("post_since", "从事养老护理工作起始日期", ("从业起始日期", "从业起始", "入职日期", "参加工作日期"),
               required=True),
    ColumnSpec("health_certificate_number", "健康证编号", ("健康证号",), text_format=True, max_length=40),
    ColumnSpec("health_certificate_expires", "健康证有效期至", ("健康证有效期",)),
    ColumnSpec("bank_name", "开户银行", ("开户行",), max_length=50),
    ColumnSpec("account", "银行账号", ("银行卡号", "账号", "代发账号"), text_format=True, max_length=40),
    ColumnSpec("note", "备注", (), max_length=200),
)  # fmt: skip

#: Fields an import writes (besides the ID number, which is the key and never changes).
FIELDS = ("name", "phone_enc", "phone_masked", "employer_kind", "provider", "institution", "canteen", "area",
          "area_path", "post", "post_since", "health_certificate_number", "health_certificate_expires",
          "bank_name", "account_enc", "account_masked", "note")  # fmt: skip

ATTNAMES = tuple(
    f"{name}_id" if name in ("provider", "institution", "canteen", "area") else name for name in FIELDS
)


@dataclass
class Staged:
    row: int
    id_number: IdNumber
    digest: str
    name: str
    employer: str
    employer_kind: str | None
    area: str | None
    post_since: datetime.date
    #: Optional values the row gives (an empty cell is absent: what is stored stays).
    given: dict[str, Any] = field(default_factory=dict)
    #: A masked phone or account copied from a plain export: kept if it is the stored one's mask.
    masked: dict[str, str] = field(default_factory=dict)


def _masked(text: str | None) -> bool:
    return bool(text) and "*" in (text or "")


@register_importer
class CareWorkerImporter(Importer):
    kind = "workforce.careworker"
    label = _("养老服务人才台账")
    key_label = "身份证号"
    columns = COLUMNS
    example_rows = (
        {"id_number": "320612198203150024", "name": "王秀英", "phone": "13912345678", "employer_kind": "养老机构",
         "employer": "爱心养老院", "area": "东市社区", "post": "养老护理员", "post_since": "2019-03-01",
         "health_certificate_number": "JK2026001", "health_certificate_expires": "2027-06-30",
         "bank_name": "中国工商银行", "account": "6222020200112233445"},
    )  # fmt: skip

    def __init__(self, actor: Any, *, area_path: str = "") -> None:
        super().__init__(actor, area_path=area_path)
        self.staged: list[Staged] = []
        self.resolved: dict[int, CareWorker] = {}
        self.existing: dict[str, CareWorker] = {}

    # -- one row ---------------------------------------------------------------------------------

    def clean(self, row: RawRow) -> tuple[str, Staged]:
        v = row.values
        problems: list[tuple[str, str]] = []
        parsed: IdNumber | None = None
        raw_id = clean_text(v.get("id_number"))
        if _masked(raw_id):
            problems.append(
                ("id_number", "身份证号是脱敏形式（含*），请填写完整号码（有权限的用户可导出明文）")
            )
        else:
            try:
                parsed = parse_id_number(raw_id)
            except IdNumberError as exc:
                problems.append(("id_number", exc.message))
        name = clean_text(v.get("name")) or ""
        if not name:
            problems.append(("name", "姓名为空"))
        employer = clean_text(v.get("employer")) or ""
        if not employer:
            problems.append(("employer", "用人单位为空"))
        kind = post_since = None
        try:
            kind = parse_choice(v.get("employer_kind"), KIND_SYNONYMS)
        except CellError as exc:
            problems.append(("employer_kind", exc.message))
        try:
            post_since = parse_date(v.get("post_since"))
            if post_since is None:
                problems.append(("post_since", "从事养老护理工作起始日期为空"))
        except CellError as exc:
            problems.append(("post_since", exc.message))
        given: dict[str, Any] = {}
        masked: dict[str, str] = {}
        phone = clean_text(v.get("phone"))
        if _masked(phone):
            masked["phone"] = phone or ""
        else:
            try:
                if value := parse_phone(phone):
                    given["phone"] = value
            except CellError as exc:
                problems.append(("phone", exc.message))
        account = "".join((clean_text(v.get("account")) or "").split())
        if _masked(account):
            masked["account"] = account
        elif account and not account.isdigit():
            problems.append(("account", "银行账号只能是数字"))
        elif account:
            given["account"] = account
        try:
            if post := parse_choice(v.get("post"), POST_SYNONYMS):
                given["post"] = post
        except CellError as exc:
            problems.append(("post", exc.message))
        try:
            if expires := parse_date(v.get("health_certificate_expires")):
                given["health_certificate_expires"] = expires
        except CellError as exc:
            problems.append(("health_certificate_expires", exc.message))
        for name_ in ("health_certificate_number", "bank_name", "note"):
            if text := clean_text(v.get(name_)):
                given[name_] = text
        if parsed is not None and post_since is not None and post_since <= parsed.birth_date:
            problems.append(("post_since", "从事养老护理工作起始日期早于出生日期"))
        if problems or parsed is None or post_since is None:
            raise RowRejected(problems)
        digest = crypto.lookup_hash(parsed.value)
        staged = Staged(row.number, parsed, digest, name, employer, kind, clean_text(v.get("area")), post_since,
                        given, masked)  # fmt: skip
        return digest, staged

    # -- against the database --------------------------------------------------------------------

    def begin(self) -> None:
        self.staged = []

    def stage(self, records: list[tuple[int, Any]]) -> None:
        self.staged.extend(record for _, record in records)

    def _visible(self, model: type[models.Model]) -> models.QuerySet[Any]:
        manager: Any = model._default_manager
        return manager.all() if self.actor is None else manager.for_user(self.actor)

    def _employers(self) -> dict[str, list[tuple[str, models.Model]]]:
        """Employer name → [(kind, employer)] among those the uploader sees, for the names the file uses."""
        names = {s.employer for s in self.staged}
        found: dict[str, list[tuple[str, models.Model]]] = {}
        for kind, fk in EMPLOYER_FIELDS.items():
            model = CareWorker._meta.get_field(fk).related_model
            assert isinstance(model, type)
            for employer in self._visible(model).filter(name__in=names).select_related("area"):
                found.setdefault(employer.name, []).append((str(kind), employer))
        return found

    def _areas(self) -> dict[str, list[Area]]:
        """Area name → the areas of that name, those inside the uploader's areas first (a name repeats
        across the country; an employer's staff have no areas, and the permission decides after)."""
        names = {s.area for s in self.staged if s.area}
        paths = outermost(user_area_paths(self.actor)) if self.actor is not None else []
        found: dict[str, list[Area]] = {}
        for area in Area.objects.filter(name__in=names).order_by("path"):
            found.setdefault(area.name, []).append(area)
        for name, areas in found.items():
            inside = [a for a in areas if any(a.path.startswith(p) for p in paths)]
            found[name] = inside or areas
        return found

    def conflicts(self) -> list[tuple[int, str, str]]:
        employers, areas = self._employers(), self._areas()
        self.existing = {
            w.id_number_hash: w
            for w in CareWorker.objects.filter(id_number_hash__in=[s.digest for s in self.staged])
        }
        changeable = (
            set(self._visible_for("change").filter(pk__in=[w.pk for w in self.existing.values()]).values_list(
                "pk", flat=True))
        )  # fmt: skip
        out: list[tuple[int, str, str]] = []
        for s in self.staged:
            candidates = [(k, e) for k, e in employers.get(s.employer, []) if s.employer_kind in (None, k)]
            if not candidates:
                out.append((s.row, "employer", "用人单位不存在或不在您的管理范围"))
                continue
            if len(candidates) > 1:
                out.append((s.row, "employer_kind", "有多个同名用人单位，请填写用人单位类型"))
                continue
            employer = candidates[0][1]
            if s.area:
                matches = areas.get(s.area, [])
                if len(matches) != 1:
                    message = (
                        "工作地不存在或不在您的管理范围"
                        if not matches
                        else "有多个同名区域，请写更具体的名称"
                    )
                    out.append((s.row, "area", message))
                    continue
                area = matches[0]
            else:
                home: Area | None = getattr(employer, "area", None)
                if home is None:
                    out.append((s.row, "area", "请填写工作地（该用人单位没有登记所在区域）"))
                    continue
                area = home
            old = self.existing.get(s.digest)
            if old is not None and old.pk not in changeable:
                out.append((s.row, "id_number", "该身份证号已登记在养老服务人才台账，不在您的管理范围"))
                continue
            worker, problem = self._merged(s, old, employer, area)
            if problem:
                out.append((s.row, problem[0], problem[1]))
                continue
            action = "add" if old is None else "change"
            if self.actor is not None and not allowed(self.actor, action, worker):
                out.append((s.row, "area", "工作地或用人单位不在您的管理范围"))
                continue
            self.resolved[s.row] = worker
        return out

    def _visible_for(self, action: str) -> models.QuerySet[Any]:
        return (
            CareWorker.objects.all()
            if self.actor is None
            else CareWorker.objects.for_user(self.actor, action)
        )

    def _merged(
        self, s: Staged, old: CareWorker | None, employer: models.Model, area: Area
    ) -> tuple[CareWorker, tuple[str, str] | None]:
        """The worker as the row leaves her (a copy of ``old``, or a new one), or a cell's problem."""
        worker = CareWorker() if old is None else CareWorker(**{f.attname: getattr(old, f.attname)
                                                               for f in CareWorker._meta.concrete_fields})  # fmt: skip
        if old is None:
            worker.set_id_number(s.id_number)
        worker.name, worker.post_since = s.name[:50], s.post_since
        worker.set_employer(employer)
        worker.area, worker.area_path = area, area.path
        g = s.given
        if "phone" in g and g["phone"] != (old.phone if old else ""):
            worker.set_phone(g["phone"])
        if "account" in g and g["account"] != (old.account if old else ""):
            worker.set_account(g["account"])
        for name, stored_mask in (("phone", worker.phone_masked), ("account", worker.account_masked)):
            if name in s.masked and s.masked[name] != stored_mask:
                label = "手机号" if name == "phone" else "银行账号"
                return worker, (name, f"{label}是脱敏形式（含*），请填写完整{label}")
        for name in ("post", "health_certificate_number", "health_certificate_expires", "bank_name", "note"):
            if name in g:
                setattr(worker, name, g[name])
        if old is None and "post" not in g:
            worker.post = Post.CARER
        if old is not None and old.left_on and s.post_since > old.left_on:
            return worker, ("post_since", "从事养老护理工作起始日期晚于离职日期")
        return worker, None

    def _changed(self, old: CareWorker, new: CareWorker) -> bool:
        return any(getattr(old, name) != getattr(new, name) for name in ATTNAMES)

    def plan(self, skip_rows: set[int]) -> Counts:
        counts = Counts()
        for s in self.staged:
            if s.row in skip_rows or s.row not in self.resolved:
                continue
            old = self.existing.get(s.digest)
            if old is None:
                counts.created += 1
            elif self._changed(old, self.resolved[s.row]):
                counts.updated += 1
            else:
                counts.unchanged += 1
        return counts

    def apply(self, batch: ImportBatch, skip_rows: set[int]) -> Counts:
        counts = self.plan(skip_rows)
        todo = [
            (s, self.resolved[s.row])
            for s in self.staged
            if s.row not in skip_rows and s.row in self.resolved
        ]
        new = [w for s, w in todo if s.digest not in self.existing]
        changed = [
            w for s, w in todo if s.digest in self.existing and self._changed(self.existing[s.digest], w)
        ]
        now = timezone.now()
        for worker in changed:
            worker.updated_at = now
        CareWorker.objects.bulk_create(new, batch_size=1000)
        CareWorker.objects.bulk_update(changed, [*FIELDS, "updated_at"], batch_size=1000)
        audit.record_bulk(
            actor=self.actor, object_type="workforce.careworker", verb="careworker.import",
            area_path=batch.area_path,
            message=f"导入护理员：新增 {counts.created}，更新 {counts.updated}，未变 {counts.unchanged}",
            after={"batch": batch.pk},
        )  # fmt: skip
        return counts

    def end(self) -> None:
        self.staged = []
        self.resolved = {}


__all__ = ["COLUMNS", "CareWorkerImporter"]
