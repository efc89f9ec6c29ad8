from django.urls import path

from yiyang.core.importing.views import ImportView
from yiyang.visits import views, views_campaigns, views_coverage, views_phone, views_surveys

app_name = "visits"

urlpatterns = [
    path("today/", views_phone.TodayView.as_view(), name="today"),
    path("today/data/", views_phone.TodayDataView.as_view(), name="today_data"),
    path("sw.js", views_phone.ServiceWorkerView.as_view(), name="service_worker"),
    path("rules/", views.VisitRuleListView.as_view(), name="visitrule_list"),
    path("rules/add/", views.VisitRuleEditView.as_view(), name="visitrule_add"),
    path("rules/<int:pk>/edit/", views.VisitRuleEditView.as_view(), name="visitrule_edit"),
    path("tasks/", views.VisitTaskListView.as_view(), name="visittask_list"),
    path("tasks/<int:pk>/", views.VisitTaskDetailView.as_view(), name="visittask_detail"),
    path("records/", views.VisitRecordListView.as_view(), name="visitrecord_list"),
    path("overdue/", views_coverage.OverdueView.as_view(), name="overdue"),
    path("coverage/", views_coverage.CoverageView.as_view(), name="coverage"),
    path("generate/", views.GenerateView.as_view(), name="generate"),
    path("campaigns/", views_campaigns.CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/add/", views_campaigns.CampaignEditView.as_view(), name="campaign_add"),
    path("campaigns/<int:pk>/", views_campaigns.CampaignDetailView.as_view(), name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views_campaigns.CampaignEditView.as_view(), name="campaign_edit"),
    path(
        "campaigns/<int:pk>/do/<str:op>/",
        views_campaigns.CampaignActionView.as_view(),
        name="campaign_action",
    ),
    path(
        "campaigns/<int:pk>/duplicates/", views_campaigns.DuplicatesView.as_view(), name="campaign_duplicates"
    ),
    path("campaigns/<int:pk>/delivery/", views_campaigns.DeliveryView.as_view(), name="campaign_delivery"),
    path("campaigns/<int:pk>/public.pdf", views_campaigns.PublicListView.as_view(), name="campaign_public"),
    path("contributions/", views_campaigns.ContributionListView.as_view(), name="contribution_list"),
    path("contributions/add/", views_campaigns.ContributionAddView.as_view(), name="contribution_add"),
    path(
        "contributions/<int:pk>/resolve/", views_campaigns.ResolveView.as_view(), name="contribution_resolve"
    ),
    path("contributors/", views_campaigns.ContributorListView.as_view(), name="contributor_list"),
    path("contributors/add/", views_campaigns.ContributorEditView.as_view(), name="contributor_add"),
    path(
        "contributors/<int:pk>/edit/", views_campaigns.ContributorEditView.as_view(), name="contributor_edit"
    ),
    path("campaigns/<int:pk>/goods/", views_campaigns.GoodsView.as_view(), name="campaign_goods"),
    path("campaigns/<int:pk>/bank-file/", views_campaigns.BankFileView.as_view(), name="campaign_bank_file"),
    path("surveys/today/", views_surveys.SurveyTodayView.as_view(), name="survey_today"),
    path(
        "surveys/responses/<int:pk>/fill/", views_surveys.SurveyFillView.as_view(), name="surveyresponse_fill"
    ),
    path("surveys/responses/", views_surveys.SurveyResponseListView.as_view(), name="surveyresponse_list"),
    path("surveys/answers/", views_surveys.SurveyAnswerListView.as_view(), name="surveyanswer_list"),
    path("surveys/templates/", views_surveys.SurveyTemplateListView.as_view(), name="surveytemplate_list"),
    path("surveys/templates/add/", views_surveys.SurveyTemplateEditView.as_view(), name="surveytemplate_add"),
    path(
        "surveys/templates/<int:pk>/edit/",
        views_surveys.SurveyTemplateEditView.as_view(),
        name="surveytemplate_edit",
    ),
    path(
        "surveys/templates/<int:pk>/questions.xlsx",
        views_surveys.SurveyTemplateExportView.as_view(),
        name="surveytemplate_export",
    ),
    path(
        "surveys/templates/import/",
        ImportView.as_view(kind="visits.surveyquestion"),
        name="surveytemplate_import",
    ),
    path("surveys/questions/", views_surveys.SurveyQuestionListView.as_view(), name="surveyquestion_list"),
    path("surveys/questions/add/", views_surveys.SurveyQuestionEditView.as_view(), name="surveyquestion_add"),
    path(
        "surveys/questions/<int:pk>/edit/",
        views_surveys.SurveyQuestionEditView.as_view(),
        name="surveyquestion_edit",
    ),
    path("surveys/rounds/", views_surveys.SurveyRoundListView.as_view(), name="surveyround_list"),
    path("surveys/rounds/add/", views_surveys.SurveyRoundEditView.as_view(), name="surveyround_add"),
    path(
        "surveys/rounds/<int:pk>/", views_surveys.SurveyRoundDetailView.as_view(), name="surveyround_detail"
    ),
    path(
        "surveys/rounds/<int:pk>/edit/", views_surveys.SurveyRoundEditView.as_view(), name="surveyround_edit"
    ),
    path(
        "surveys/rounds/<int:pk>/do/<str:op>/",
        views_surveys.SurveyRoundActionView.as_view(),
        name="surveyround_action",
    ),
    path(
        "surveys/rounds/<int:pk>/results.xlsx",
        views_surveys.SurveyResultsExportView.as_view(),
        name="surveyround_export",
    ),
    path(
        "surveys/proposals/", views_surveys.RegistryProposalListView.as_view(), name="registryproposal_list"
    ),
    path(
        "surveys/proposals/<int:pk>/review/",
        views_surveys.RegistryProposalReviewView.as_view(),
        name="registryproposal_review",
    ),
    path("elders/<int:pk>/tier/", views.ElderTierView.as_view(), name="elder_tier"),
]
