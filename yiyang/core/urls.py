from django.urls import path

from yiyang.core import views_audit, views_documents
from yiyang.core.importing import views as import_views

app_name = "core"
urlpatterns = [
    path("audit/changes/", views_audit.AuditEntryListView.as_view(), name="auditentry_list"),
    path("audit/access/", views_audit.AccessLogListView.as_view(), name="accesslog_list"),
    path("imports/<int:pk>/", import_views.batch_detail, name="importbatch_detail"),
    path("imports/<int:pk>/annotated/", import_views.batch_annotated, name="importbatch_annotated"),
    path("imports/<int:pk>/confirm/", import_views.batch_confirm, name="importbatch_confirm"),
    path("documents/<int:pk>/", views_documents.document_detail, name="documentjob_detail"),
    path("documents/<int:pk>/download/", views_documents.document_download, name="documentjob_download"),
    path("imports/template/<str:kind>/", import_views.import_template, name="import_template"),
]
