from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yiyang.core.models import AccessLog, AuditEntry

_ELDER = pgettext_lazy("column", "老年人")


class ElderColumn(tables.Column):
    """The elder's name linked to the elder's page, for any record with an ``elder`` relation."""

    def __init__(self, verbose_name: str | Promise = _ELDER, **kwargs: Any) -> None:
        kwargs.setdefault("accessor", "elder__name")
        super().__init__(verbose_name, **kwargs)

    def render(self, value: Any, record: Any) -> Any:
        return format_html(
            '<a href="{}">{}</a>', reverse("people:elder_detail", args=[record.elder_id]), value
        )


class AuditEntryTable(tables.Table):
    time = tables.DateTimeColumn(format="Y-m-d H:i:s")
    changes = tables.TemplateColumn(
        template_name="core/_audit_changes.html", verbose_name=_("变更内容"), orderable=False
    )

    class Meta:
        model = AuditEntry
        fields = ("time", "actor_name", "action", "verb", "object_repr", "area_path", "changes", "message")
        attrs = {"class": "table table-sm align-top"}
        empty_text = _("没有记录")


class AccessLogTable(tables.Table):
    time = tables.DateTimeColumn(format="Y-m-d H:i:s")

    class Meta:
        model = AccessLog
        fields = (
            "time",
            "actor_name",
            "kind",
            "object_type",
            "object_id",
            "fields",
            "reason",
            "row_count",
            "query",
            "client_ip",
        )
        attrs = {"class": "table table-sm"}
        empty_text = _("没有记录")
