import django_tables2 as tables

from yiyang.core.models import AccessLog, AuditEntry


class AuditEntryTable(tables.Table):
    time = tables.DateTimeColumn(format="Y-m-d H:i:s")
    changes = tables.TemplateColumn(
        template_name="core/_audit_changes.html", verbose_name="变更内容", orderable=False
    )

    class Meta:
        model = AuditEntry
        fields = ("time", "actor_name", "action", "verb", "object_repr", "area_path", "changes", "message")
        attrs = {"class": "table table-sm align-top"}
        empty_text = "没有记录"


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
        empty_text = "没有记录"
