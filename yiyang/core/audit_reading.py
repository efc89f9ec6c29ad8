"""The audit trail and the access log as a 纪检 auditor reads them.

A row stores what a machine needs: the model label (``services.workorder``), the area path, the verb
(``workorder.dispatch``), and before/after snapshots keyed by field name with raw values (choice codes,
primary keys, ISO timestamps in UTC). :class:`AuditReader` turns them back into what a person reads:
the record's name (工单), the area's name (金沙街道东市社区), the operation in words (派单), and a
table of field labels with display values (choice labels, the related record's name, local times).
Personal data stays as the snapshot holds it: masked.

The reader loads what a page (or an export chunk) needs in a few queries (:meth:`AuditReader.prime`),
through the one door: related records the reader may not see are shown by their number only.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from yiyang.core import search_tokens
from yiyang.core.navigation import Label
from yiyang.core.scoping import ScopedManager

#: The words of a verb (``workorder.dispatch`` → 派单). Apps add theirs with :func:`register_words`.
VERBS: dict[str, Label] = {
    "create": _("新增"),
    "update": _("修改"),
    "delete": _("删除"),
    "retire": _("停用"),
    "import": _("导入"),
    "demo_load": _("载入演示数据"),
    "save": _("保存"),
    "close": pgettext_lazy("audit verb", "关闭"),
    "generate": _("生成"),
    "regenerate": _("重新生成"),
    "dispatch": _("派单"),
    "reassign": _("改派"),
    "assign": _("指派"),
    "accept": _("接单"),
    "cancel": _("取消"),
    "confirm": _("确认"),
    "reject": _("驳回"),
    "approve": _("审批通过"),
    "publish": _("公示"),
    "review": _("复核"),
    "street_review": _("街道复核"),
    "recheck": _("复核资格"),
    "void": _("作废"),
    "resume": _("恢复"),
    "raise": _("发起"),
    "resolve": _("处理完毕"),
    "escalate": _("升级"),
    "acknowledge": _("接警"),
    "call": _("呼叫"),
    "arrive": _("到达"),
    "complete": _("完成"),
    "checkin": _("签到"),
    "checkout": _("签出"),
    "signoff": _("签字确认"),
    "photo": _("上传照片"),
    "code_issue": _("发放核验码"),
    "record": _("记入"),
    "deliver": _("送达"),
    "install": _("安装"),
    "test": _("测试"),
    "verify": _("核验"),
    "certify": _("资格认证"),
    "apply": _("执行"),
    "repay": _("归还"),
    "waive": _("核销"),
    "waiver_request": _("申请核销"),
    "waiver_refused": _("不予核销"),
    "adjustment": _("调整"),
    "adjustment_delete": _("删除调整"),
    "exclude": _("剔除"),
    "add_visits": _("追加服务记录"),
    "member_add": _("添加成员"),
    "member_remove": _("移除成员"),
    "unlock": _("解除锁定"),
    "reset_password": _("重置密码"),
    "change_password": _("修改密码"),
    "deactivate": _("停用账号"),
    "reactivate": _("启用账号"),
    "plans_generate": _("按计划生成工单"),
    "detect_missed": _("发现漏服务"),
    "qualification_overdue": _("资格认证逾期"),
    "checkin_missed": _("未按时签到"),
    "capability_level": _("能力等级"),
    "status": _("状态"),
    "deceased": _("已故"),
    "moved": _("迁出"),
    "living": _("在册"),
    "compute": _("计算"),
    "login": _("登录"),
    "logout": _("退出登录"),
    "login_failed": _("登录失败"),
    "archive": _("归档"),
    "rotate": _("轮换密钥"),
}

#: Keys of snapshots that are no field of the record (counts and summaries of workflow steps).
KEYS: dict[str, Label] = {
    "first_seq": _("起始链序号"),
    "last_seq": _("截止链序号"),
    "applied": _("已执行"),
    "area": _("区域"),
    "batch": _("批次"),
    "count": _("数量"),
    "created": _("新增"),
    "updated": _("更新"),
    "unchanged": _("未变化"),
    "rejected": _("错误行"),
    "rows": _("行数"),
    "lines": _("名单行数"),
    "total": _("合计"),
    "flagged": _("标记"),
    "missing": _("缺失"),
    "skipped": _("跳过"),
    "recoveries": _("追回"),
    "street": _("街道"),
    "status": _("状态"),
    "on": _("日期"),
    "over_budget": _("超预算"),
    "kind": _("类型"),
    "severity": _("级别"),
    "detail": _("详情"),
    "escalated_at": _("升级时间"),
    "newly_covered": _("新覆盖人数"),
    "walk_metres": _("步行距离（米）"),
}


def register_words(*, verbs: Mapping[str, Label] = {}, keys: Mapping[str, Label] = {}) -> None:
    """An app's own verb words and snapshot keys, from its ``AppConfig.ready``."""
    VERBS.update(verbs)
    KEYS.update(keys)


@dataclass(frozen=True)
class Change:
    """One line of the before/after table."""

    label: str
    before: str
    after: str


_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMPTY = "—"


def model_for(label: str) -> type[models.Model] | None:
    """The model a stored label (``services.workorder``) names, None for a label that is no model."""
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def record_type(label: str) -> str:
    """工单 for ``services.workorder``; the app's name for a bulk label (``people.elder`` imports are
    models too); the label itself only when nothing names it."""
    model = model_for(label)
    if model is not None:
        return str(model._meta.verbose_name)
    app_label = label.split(".", 1)[0]
    try:
        return str(apps.get_app_config(app_label).verbose_name)
    except LookupError:
        return label


def record_type_choices() -> list[tuple[str, str]]:
    """Every record type of the platform, for the filter: (label, 模块 · 名称), in app order."""
    choices = []
    for model in apps.get_models():
        if not model.__module__.startswith("yiyang."):
            continue
        meta = model._meta
        choices.append((meta.label_lower, f"{meta.app_config.verbose_name} · {meta.verbose_name}"))
    return choices


def _local_moment(value: str) -> str:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{moment:%Y-%m-%d %H:%M}"


def _plain(value: Any) -> str:
    if value is None or value == "":
        return _EMPTY
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, list):
        return pgettext("list separator", "、").join(_plain(v) for v in value) or _EMPTY
    if isinstance(value, dict):
        return gettext("；").join(f"{KEYS.get(k, k)}：{_plain(v)}" for k, v in value.items())
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        return _local_moment(value)
    return str(value)


class AuditReader:
    """Reads audit and access-log rows for one user; :meth:`prime` with the rows about to be shown."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self._areas: dict[str, Any] = {}
        self._related: dict[tuple[type[models.Model], str], str] = {}
        self._objects: dict[tuple[str, str], str] = {}

    # -- loading ------------------------------------------------------------------------------------

    def prime(self, rows: Iterable[Any]) -> None:
        rows = list(rows)
        self._load_areas({r.area_path for r in rows if r.area_path})
        wanted: dict[type[models.Model], set[str]] = defaultdict(set)
        for row in rows:
            model = model_for(row.object_type)
            if model is None:
                continue
            if not getattr(row, "object_repr", "") and row.object_id:
                wanted[model].add(row.object_id)
            for snap in (getattr(row, "before", None), getattr(row, "after", None)):
                for key, value in (snap or {}).items() if isinstance(snap, dict) else ():
                    field = _field(model, key)
                    if field is not None and _is_reference(field) and value not in (None, ""):
                        wanted[field.related_model].add(str(value))
        for related, keys in wanted.items():
            keys -= {k for (m, k) in self._related if m is related}
            if keys:
                self._load_related(related, keys)

    def _load_areas(self, paths: set[str]) -> None:
        paths -= set(self._areas)
        if not paths:
            return
        # Each path with its ancestors' (a path starts with its ancestors'): one query for the names.
        prefixes = {p[:n] for p in paths for n in range(2, len(p) + 1)}
        area_model = apps.get_model("areas", "Area")
        visible = area_model._default_manager.for_user(self.user, "view")
        found = {a.path: a for a in visible.filter(path__in=prefixes)}
        for path in paths:
            self._areas[path] = _area_name(path, found)

    def _load_related(self, related: type[models.Model], keys: set[str]) -> None:
        manager = related._default_manager
        qs = manager.for_user(self.user, "view") if isinstance(manager, ScopedManager) else manager.all()
        pk_field = related._meta.pk
        assert pk_field is not None
        clean = []
        for key in keys:
            try:
                clean.append(pk_field.to_python(key))
            except Exception:  # a value no key can be: shown as it is
                continue
        for obj in qs.filter(pk__in=clean):
            self._related[(related, str(obj.pk))] = str(obj)
        for key in keys:
            self._related.setdefault((related, key), gettext("（编号 %(id)s）") % {"id": key})

    # -- reading ------------------------------------------------------------------------------------

    def area(self, path: str) -> str:
        if not path:
            return _EMPTY
        if path not in self._areas:
            self._load_areas({path})
        return str(self._areas[path])

    def actor(self, row: Any) -> str:
        return row.actor_name or gettext("系统")

    def role(self, row: Any) -> str:
        actor = row.actor
        if actor is None:
            return gettext("系统") if not row.actor_id else _EMPTY
        return str(actor.get_role_display()) if getattr(actor, "role", "") else _EMPTY

    def record_type(self, row: Any) -> str:
        return record_type(row.object_type)

    def record_name(self, row: Any) -> str:
        """The record's name as saved with the row, else as it reads now (the access log keeps ids)."""
        saved = getattr(row, "object_repr", "")
        if saved:
            return str(saved)
        model = model_for(row.object_type)
        if model is None or not row.object_id:
            return ""
        if (model, row.object_id) not in self._related:
            self._load_related(model, {row.object_id})
        return self._related[(model, row.object_id)]

    def operation(self, row: AuditEntryLike) -> str:
        """The verb in words (工单 · 派单 → 派单), else the kind of change (修改, 业务操作 …)."""
        parts = [p for p in row.verb.split(".") if p]
        model = model_for(row.object_type)
        if len(parts) > 1 and (model is None or parts[0] == model._meta.model_name or parts[0] not in VERBS):
            parts = parts[1:]
        if parts and all(p in VERBS for p in parts):
            return " · ".join(str(VERBS[p]) for p in parts)
        return str(row.get_action_display())

    def changes(self, row: AuditEntryLike) -> list[Change]:
        model = model_for(row.object_type)
        before = row.before if isinstance(row.before, dict) else {}
        after = row.after if isinstance(row.after, dict) else {}
        keys = list(dict.fromkeys([*after, *before]))
        if "area" in keys and "area_path" in keys:  # the area's path says again what the area says
            keys.remove("area_path")
        if "id" in keys:  # the record's number: the row names the record already
            keys.remove("id")
        has_before, has_after = bool(row.before), bool(row.after)
        if has_before != has_after:  # a record made or removed: what it held, not every empty field
            whole = after or before
            keys = [k for k in keys if whole.get(k) not in (None, "", [], {})]
        return [
            Change(
                self.label(model, key),
                self.value(model, key, before.get(key)) if has_before else "",
                self.value(model, key, after.get(key)) if has_after else "",
            )
            for key in keys
        ]

    def changes_text(self, row: AuditEntryLike) -> str:
        """The table as one cell of a spreadsheet: 字段：前 → 后, a line each."""
        lines = []
        for change in self.changes(row):
            if change.before and change.after:
                lines.append(f"{change.label}：{change.before} → {change.after}")
            else:
                lines.append(f"{change.label}：{change.before or change.after}")
        return "\n".join(lines)

    def label(self, model: type[models.Model] | None, key: str) -> str:
        field = _field(model, key) if model is not None else None
        if field is not None:
            return str(field.verbose_name)
        if key in KEYS:
            return str(KEYS[key])
        return key

    def value(self, model: type[models.Model] | None, key: str, value: Any) -> str:
        field = _field(model, key) if model is not None else None
        if field is None or value is None or value == "":
            return _plain(value)
        if key == "area_path" or key == getattr(model, "scope_path", None) == field.name:
            return self.area(str(value))
        if _is_reference(field):
            related = field.related_model
            if (related, str(value)) not in self._related:
                self._load_related(related, {str(value)})
            return self._related[(related, str(value))]
        if field.choices:
            labels = {str(k): str(v) for k, v in field.flatchoices}
            if isinstance(value, list):
                return pgettext("list separator", "、").join(labels.get(str(v), str(v)) for v in value)
            return labels.get(str(value), str(value))
        if isinstance(field, models.BooleanField):
            return _plain(bool(value))
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            return _local_moment(value)
        if isinstance(field, models.DateField) and isinstance(value, str) and _ISO_DATE.match(value):
            return value
        return _plain(value)


def query_text(query: str) -> str:
    """The filter a list was exported with, readable: 区域=3206；状态=living (no page, no export flag)."""
    pairs = [
        (k, gettext("〔身份证号或电话，不显示〕") if search_tokens.is_token(v) else v)
        for k, v in parse_qsl(query)
        if k not in {"export", "clear", "page", "reason"} and v
    ]
    return gettext("；").join(f"{k}={v}" for k, v in pairs)


#: Either log row (both have the fields the reader reads).
AuditEntryLike = Any


def _field(model: type[models.Model] | None, key: str) -> Any:
    if model is None:
        return None
    meta = model._meta
    try:
        field = meta.get_field(key)
    except Exception:
        field = None
    if field is not None and getattr(field, "concrete", False):
        return field  # a reverse relation (a workorder's "visit") is no field of the row: a plain key
    # A masked form (id_number_masked) stands for its encrypted field; an attname (area_id) for its FK.
    for stored_name, masked in getattr(model, "audit_masked_fields", {}).items():
        if masked == key:
            try:
                field = meta.get_field(stored_name)
            except Exception:
                return None
            return _MaskedLabel(field)
    for field in meta.concrete_fields:
        if field.attname == key:
            return field
    return None


class _MaskedLabel:
    """A masked value's label: the field's name without the storage note (身份证号（密文） → 身份证号)."""

    is_relation = False
    choices = None

    def __init__(self, field: Any) -> None:
        self.verbose_name = re.sub(r"（密文）$|\(ciphertext\)$", "", str(field.verbose_name)).strip()


def _is_reference(field: Any) -> bool:
    return bool(getattr(field, "is_relation", False) and (field.many_to_one or field.one_to_one))


def _area_name(path: str, found: Mapping[str, Any]) -> str:
    """金沙街道东市社区: the area with the areas above it below the district; the code when unknown."""
    area = found.get(path)
    if area is None:
        return path
    chain = [found[path[:n]] for n in range(2, len(path)) if path[:n] in found]
    below_district = [a.name for a in chain if a.level > 3]
    if area.level <= 3:
        return str(area.name)
    return "".join([*below_district, area.name])
