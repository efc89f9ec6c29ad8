from django.urls import path

from yiyang.assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.AssessmentListView.as_view(), name="assessment_list"),
    path("due/", views.AssessmentDueView.as_view(), name="assessment_due"),
    path("new/", views.AssessmentEditView.as_view(), name="assessment_add"),
    path("preview/", views.AssessmentPreviewView.as_view(), name="assessment_preview"),
    path("<int:pk>/", views.AssessmentDetailView.as_view(), name="assessment_detail"),
    path("<int:pk>/edit/", views.AssessmentEditView.as_view(), name="assessment_edit"),
    path("<int:pk>/confirm/", views.AssessmentConfirmView.as_view(), name="assessment_confirm"),
    path("<int:pk>/void/", views.AssessmentVoidView.as_view(), name="assessment_void"),
    path("<int:pk>/report/", views.AssessmentReportView.as_view(), name="assessment_report"),
    path("<int:pk>/report.pdf", views.AssessmentReportView.as_view(pdf=True), name="assessment_report_pdf"),
    path("rules/", views.ScoringConfigListView.as_view(), name="scoringconfig_list"),
    path("rules/add/", views.ScoringConfigEditView.as_view(), name="scoringconfig_add"),
    path("rules/<int:pk>/edit/", views.ScoringConfigEditView.as_view(), name="scoringconfig_edit"),
]
