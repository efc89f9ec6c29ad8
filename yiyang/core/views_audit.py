"""The audit trail and the access log: pages and exports an auditor reads without help."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from django.db import models

from yiyang.core import exporting as x
from yiyang.core.audit_reading import AuditReader, query_text
from yiyang.core.filtersets import AccessLogFilterSet, AuditEntryFilterSet
from yiyang.core.models import AccessLog, AuditEntry
from yiyang.core.tables import AccessLogTable, AuditEntryTable
from yiyang.core.views import ObjectListView

#: Rows read per step of an export: the names they need are loaded once per step.
EXPORT_CHUNK = 1000


class ReadRow:
    """One log row with the names the reader found for it, as the export's columns read it."""

    def __init__(self, row: Any, reader: AuditReader) -> None:
        self.row = row
        self.reader = reader

    def __getattr__(self, name: str) -> Any:
        return getattr(self.row, name)

    @property
    def actor_display(self) -> str:
        return self.reader.actor(self.row)

    @property
    def role(self) -> str:
        return self.reader.role(self.row)

    @property
    def record_type(self) -> str:
        return self.reader.record_type(self.row)

    @property
    def record(self) -> str:
        return self.reader.record_name(self.row)

    @property
    def area(self) -> str:
        return self.reader.area(self.row.area_path)

    @property
    def operation(self) -> str:
        return self.reader.operation(self.row)

    @property
    def changes(self) -> str:
        return self.reader.changes_text(self.row)

    @property
    def fields_text(self) -> str:
        return "、".join(str(f) for f in self.row.fields) if isinstance(self.row.fields, list) else ""

    @property
    def query_text(self) -> str:
        return query_text(self.row.query)


class _LogListView(ObjectListView):
    per_page = 50

    def get_queryset(self, action: str | None = None) -> models.QuerySet[Any]:
        return super().get_queryset(action).select_related("actor")

    def export_rows(self, qs: models.QuerySet[Any]) -> Iterable[Any]:
        return _read_rows(AuditReader(self.request.user), qs)


def _read_rows(reader: AuditReader, qs: models.QuerySet[Any]) -> Iterator[ReadRow]:
    chunk: list[Any] = []
    for row in qs.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(row)
        if len(chunk) == EXPORT_CHUNK:
            yield from _primed(reader, chunk)
            chunk = []
    yield from _primed(reader, chunk)


def _primed(reader: AuditReader, rows: list[Any]) -> Iterator[ReadRow]:
    reader.prime(rows)
    return (ReadRow(row, reader) for row in rows)


class AuditEntryListView(_LogListView):
    model = AuditEntry
    filterset = AuditEntryFilterSet
    table = AuditEntryTable
    export_columns: ClassVar[list[x.ColumnLike]] = [
        x.datetime_("时间", "time", seconds=True),
        x.text("操作人", "actor_display"),
        x.text("角色", "role"),
        x.text("类型", lambda r: r.get_action_display()),
        x.text("操作", "operation"),
        x.text("记录类型", "record_type"),
        x.text("对象", "record"),
        x.text("区域", "area"),
        x.text("变更内容", "changes"),
        x.text("说明", "message"),
        x.text("请求编号", lambda r: str(r.request_id)),
    ]


class AccessLogListView(_LogListView):
    model = AccessLog
    filterset = AccessLogFilterSet
    table = AccessLogTable
    export_columns: ClassVar[list[x.ColumnLike]] = [
        x.datetime_("时间", "time", seconds=True),
        x.text("操作人", "actor_display"),
        x.text("角色", "role"),
        x.text("类型", lambda r: r.get_kind_display()),
        x.text("记录类型", "record_type"),
        x.text("对象", "record"),
        x.text("区域", "area"),
        x.text("字段", "fields_text"),
        x.text("事由", "reason"),
        x.integer("记录数", "row_count"),
        x.text("筛选条件", "query_text"),
        x.text("来源地址", "client_ip"),
    ]
