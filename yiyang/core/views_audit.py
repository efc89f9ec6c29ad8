from yiyang.core.filtersets import AccessLogFilterSet, AuditEntryFilterSet
from yiyang.core.models import AccessLog, AuditEntry
from yiyang.core.tables import AccessLogTable, AuditEntryTable
from yiyang.core.views import ObjectListView


class AuditEntryListView(ObjectListView):
    model = AuditEntry
    filterset = AuditEntryFilterSet
    table = AuditEntryTable


class AccessLogListView(ObjectListView):
    model = AccessLog
    filterset = AccessLogFilterSet
    table = AccessLogTable
