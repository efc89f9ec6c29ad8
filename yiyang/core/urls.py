from django.urls import path

from yiyang.core import views_audit

app_name = "core"
urlpatterns = [
    path("changes/", views_audit.AuditEntryListView.as_view(), name="auditentry_list"),
    path("access/", views_audit.AccessLogListView.as_view(), name="accesslog_list"),
]
