from collections.abc import Callable
from typing import Any

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from yiyang.core.audit_reading import AuditReader, query_text
from yiyang.core.links import may_open, permitted_record_url
from yiyang.core.models import AccessLog, AuditEntry
from yiyang.core.numbers import grouped, money

_ELDER = pgettext_lazy("column", "老年人")


def permitted_link(table: Any, url: str, text: Any, *, otherwise: Any = None) -> Any:
    """``text`` linked to ``url`` when the table's reader may open that page (``core.links``), else
    ``otherwise`` (the text itself by default): no list links to a page its reader would get a 403 on.

    The reader is the request's user, which ``RequestConfig`` puts on the table; with no request
    (a table rendered outside a page) no link is shown."""
    user = getattr(getattr(table, "request", None), "user", None)
    return _linked(url if user is not None and may_open(user, url) else "", text, otherwise)


def _linked(url: str, text: Any, otherwise: Any = None) -> Any:
    """``text`` linked to ``url``; with no URL, ``otherwise`` (the text itself by default)."""
    if url:
        return format_html('<a href="{}">{}</a>', url, text)
    return conditional_escape(text) if otherwise is None else otherwise


def edit_link(table: Any, url_name: str, *args: Any, text: Any = None) -> Any:
    """An "编辑" link to ``url_name`` for readers who may open it, nothing for the others."""
    return permitted_link(table, reverse(url_name, args=args), text or _("编辑"), otherwise="")


def permitted(url: Callable[[Any], str]) -> Callable[..., str | None]:
    """For ``linkify=``: the record's URL, for readers who may open it; no link for the others."""

    def href(record: Any, table: Any) -> str | None:
        target = url(record)
        user = getattr(getattr(table, "request", None), "user", None)
        return target if target and user is not None and may_open(user, target) else None

    return href


class ElderColumn(tables.Column):
    """The elder's name linked to the elder's page, for any record with an ``elder`` relation."""

    def __init__(self, verbose_name: str | Promise = _ELDER, **kwargs: Any) -> None:
        kwargs.setdefault("accessor", "elder__name")
        super().__init__(verbose_name, **kwargs)

    def render(self, value: Any, record: Any, table: Any) -> Any:
        # linked for readers who may open the elder's page (a volunteer team's leader may not)
        user = getattr(getattr(table, "request", None), "user", None)
        return _linked(permitted_record_url(user, "people:elder_detail", record.elder_id), value)


_NOWRAP = {"td": {"class": "text-nowrap"}}


class _LogTable(tables.Table):
    """Either log as a person reads it: names instead of codes, local time, the changes as a table."""

    time = tables.DateTimeColumn(format="Y-m-d H:i:s", verbose_name=_("时间"))
    actor = tables.Column(_("操作人"), accessor="actor_name", order_by=("actor_name",))
    record_type = tables.Column(_("记录类型"), accessor="object_type", attrs=_NOWRAP)
    area = tables.Column(_("区域"), accessor="area_path")

    _reader: AuditReader | None = None

    @property
    def reader(self) -> AuditReader:
        if self._reader is None:
            request = getattr(self, "request", None)
            self._reader = AuditReader(getattr(request, "user", None))
            rows = self.paginated_rows if hasattr(self, "page") else self.rows
            self._reader.prime(row.record for row in rows)
        return self._reader

    def render_time(self, value: Any) -> str:
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M:%S}"

    def render_actor(self, record: Any) -> Any:
        return format_html(
            '{}<div class="small text-muted">{}</div>', self.reader.actor(record), self.reader.role(record)
        )

    def render_record_type(self, record: Any) -> str:
        return self.reader.record_type(record)

    def render_area(self, record: Any) -> str:
        return self.reader.area(record.area_path)


class AuditEntryTable(_LogTable):
    operation = tables.Column(_("操作"), accessor="verb", attrs=_NOWRAP)
    object_repr = tables.Column(pgettext_lazy("audit", "对象"))
    changes = tables.Column(_("变更内容"), empty_values=(), orderable=False)
    message = tables.Column(_("说明"))

    class Meta:
        model = AuditEntry
        fields = ()
        sequence = ("time", "actor", "operation", "record_type", "object_repr", "area", "changes", "message")
        attrs = {"class": "table table-sm align-top mb-0"}
        empty_text = _("没有记录")

    def render_operation(self, record: AuditEntry) -> str:
        return self.reader.operation(record)

    def render_changes(self, record: AuditEntry) -> str:
        return render_to_string("core/_audit_changes.html", {"changes": self.reader.changes(record)})


_RIGHT = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}


class CountColumn(tables.Column):
    """A count, with thousands separators (289,000), right-aligned (core.numbers.grouped)."""

    def __init__(self, verbose_name: str | Promise | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", _RIGHT)
        super().__init__(verbose_name, **kwargs)

    def render(self, value: Any) -> str:
        return grouped(value)


class MoneyColumn(tables.Column):
    """An amount of yuan, two decimals and grouped (1,234.50), right-aligned (core.numbers.money)."""

    def __init__(self, verbose_name: str | Promise | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", _RIGHT)
        super().__init__(verbose_name, **kwargs)

    def render(self, value: Any) -> str:
        return money(value)


class AccessLogTable(_LogTable):
    kind = tables.Column(_("类型"), attrs=_NOWRAP)
    record = tables.Column(pgettext_lazy("audit", "对象"), accessor="object_id", orderable=False)
    fields = tables.Column(_("字段"), orderable=False)
    reason = tables.Column(_("事由"))
    row_count = CountColumn(_("记录数"))
    query = tables.Column(_("筛选条件"), orderable=False)
    client_ip = tables.Column(_("来源地址"))

    class Meta:
        model = AccessLog
        fields = ()
        sequence = (
            "time",
            "actor",
            "kind",
            "record_type",
            "record",
            "area",
            "fields",
            "reason",
            "row_count",
            "query",
            "client_ip",
        )
        attrs = {"class": "table table-sm align-top mb-0"}
        empty_text = _("没有记录")

    def render_record(self, record: AccessLog) -> str:
        return self.reader.record_name(record)

    def render_fields(self, value: Any) -> str:
        return pgettext("list separator", "、").join(str(v) for v in value) if isinstance(value, list) else ""

    def render_query(self, value: str) -> str:
        return query_text(value)
