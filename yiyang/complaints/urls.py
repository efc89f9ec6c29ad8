from django.urls import path

from yiyang.complaints import (
    views,
    views_home_scores,
    views_protection,
    views_referrals,
    views_scores,
    views_stats,
)
from yiyang.core.importing.views import ImportView

app_name = "complaints"

urlpatterns = [
    path("cases/", views.CaseListView.as_view(), name="case_list"),
    path("cases/add/", views.IntakeView.as_view(), name="case_add"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/referrals/", views_referrals.ReferralCreateView.as_view(), name="referral_add"),
    path("referrals/", views_referrals.ReferralListView.as_view(), name="referral_list"),
    path("referrals/<int:pk>/update/", views_referrals.ReferralUpdateView.as_view(), name="referral_update"),
    path(
        "cases/<int:pk>/protect/",
        views_protection.ProtectiveCaseOpenView.as_view(),
        name="protectivecase_open",
    ),
    path("protection/", views_protection.ProtectiveCaseListView.as_view(), name="protectivecase_list"),
    path(
        "protection/<int:pk>/",
        views_protection.ProtectiveCaseDetailView.as_view(),
        name="protectivecase_detail",
    ),
    path(
        "protection/<int:pk>/steps/<str:kind>/",
        views_protection.ProtectiveStepView.as_view(),
        name="protectivestep_complete",
    ),
    path(
        "protection/<int:pk>/close/",
        views_protection.ProtectiveCaseCloseView.as_view(),
        name="protectivecase_close",
    ),
    path("cases/<int:pk>/<str:verb>/", views.CaseActionView.as_view(), name="case_action"),
    path(
        "import/12345/",
        ImportView.as_view(kind="complaints.case", title="导入12345转办件"),
        name="import_12345",
    ),
    path("rates/", views_stats.ResolutionRateView.as_view(), name="resolution_rate"),
    path("scores/", views_scores.ProviderScoreListView.as_view(), name="providerscore_list"),
    path("scores/<int:pk>/", views_scores.ProviderScoreDetailView.as_view(), name="providerscore_detail"),
    path("scores/points/", views_scores.ScorePointListView.as_view(), name="scorepoint_list"),
    path("scores/homes/", views_home_scores.InstitutionScoreListView.as_view(), name="institutionscore_list"),
    path(
        "scores/homes/<int:pk>/",
        views_home_scores.InstitutionScoreDetailView.as_view(),
        name="institutionscore_detail",
    ),
    path(
        "scores/homes/points/",
        views_home_scores.InstitutionScorePointListView.as_view(),
        name="institutionscorepoint_list",
    ),
    path("scores/rules/", views_scores.ScoreRuleListView.as_view(), name="scorerule_list"),
    path("scores/rules/add/", views_scores.ScoreRuleEditView.as_view(), name="scorerule_add"),
    path("scores/rules/<int:pk>/edit/", views_scores.ScoreRuleEditView.as_view(), name="scorerule_edit"),
    path("rules/", views.DeadlineRuleListView.as_view(), name="deadlinerule_list"),
    path("rules/add/", views.DeadlineRuleEditView.as_view(), name="deadlinerule_add"),
    path("rules/<int:pk>/edit/", views.DeadlineRuleEditView.as_view(), name="deadlinerule_edit"),
    path("calendar/", views.CalendarDayListView.as_view(), name="calendarday_list"),
    path("calendar/add/", views.CalendarDayEditView.as_view(), name="calendarday_add"),
    path("calendar/<int:pk>/edit/", views.CalendarDayEditView.as_view(), name="calendarday_edit"),
]
