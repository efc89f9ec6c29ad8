from django.urls import path

from yiyang.core.importing.views import ImportView
from yiyang.volunteers import (
    views,
    views_activities,
    views_bank,
    views_honours,
    views_pairs,
    views_requests,
    views_services,
)

app_name = "volunteers"

urlpatterns = [
    path("", views.VolunteerListView.as_view(), name="volunteer_list"),
    path("add/", views.VolunteerEditView.as_view(), name="volunteer_add"),
    path(
        "import/",
        ImportView.as_view(kind="volunteers.volunteer", title="导入志愿者信息台账"),
        name="volunteer_import",
    ),
    path("<int:pk>/", views.VolunteerDetailView.as_view(), name="volunteer_detail"),
    path("<int:pk>/edit/", views.VolunteerEditView.as_view(), name="volunteer_edit"),
    path("teams/", views.VolunteerTeamListView.as_view(), name="volunteerteam_list"),
    path("teams/add/", views.VolunteerTeamEditView.as_view(), name="volunteerteam_add"),
    path("teams/<int:pk>/", views.VolunteerTeamDetailView.as_view(), name="volunteerteam_detail"),
    path("teams/<int:pk>/edit/", views.VolunteerTeamEditView.as_view(), name="volunteerteam_edit"),
    path("teams/<int:pk>/leaders/", views.VolunteerTeamLeaderView.as_view(), name="volunteerteam_leader_add"),
    path(
        "teams/<int:pk>/leaders/<int:member>/remove/",
        views.VolunteerTeamLeaderView.as_view(),
        name="volunteerteam_leader_remove",
    ),
    path("accounts/", views_bank.TimeAccountListView.as_view(), name="timeaccount_list"),
    path("accounts/<int:pk>/", views_bank.TimeAccountDetailView.as_view(), name="timeaccount_detail"),
    path(
        "accounts/<int:pk>/<str:verb>/",
        views_bank.TimeAccountMoveView.as_view(),
        name="timeaccount_move",
    ),
    path("ledger/", views_bank.TimeMovementListView.as_view(), name="timemovement_list"),
    path(
        "ledger/<int:pk>/reverse/", views_bank.TimeMovementReverseView.as_view(), name="timemovement_reverse"
    ),
    path("month-end/", views_bank.MonthEndCheckListView.as_view(), name="monthendcheck_list"),
    path("month-end/run/", views_bank.MonthEndCheckRunView.as_view(), name="monthendcheck_run"),
    path("rules/", views_bank.BankRuleListView.as_view(), name="bankrule_list"),
    path("rules/add/", views_bank.BankRuleEditView.as_view(), name="bankrule_add"),
    path("rules/<int:pk>/edit/", views_bank.BankRuleEditView.as_view(), name="bankrule_edit"),
    path("requests/", views_requests.HelpRequestListView.as_view(), name="helprequest_list"),
    path("requests/add/", views_requests.HelpRequestAddView.as_view(), name="helprequest_add"),
    path("requests/<int:pk>/", views_requests.HelpRequestDetailView.as_view(), name="helprequest_detail"),
    path(
        "requests/<int:pk>/<str:verb>/", views_requests.HelpRequestVerbView.as_view(), name="helprequest_verb"
    ),
    path("activities/", views_activities.ActivityListView.as_view(), name="activity_list"),
    path("activities/add/", views_activities.ActivityEditView.as_view(), name="activity_add"),
    path("activities/<int:pk>/", views_activities.ActivityDetailView.as_view(), name="activity_detail"),
    path("activities/<int:pk>/edit/", views_activities.ActivityEditView.as_view(), name="activity_edit"),
    path(
        "activities/<int:pk>/<str:verb>/", views_activities.ActivityVerbView.as_view(), name="activity_verb"
    ),
    path("tickets/<int:pk>/", views_activities.TicketView.as_view(), name="participation_ticket"),
    path("attend/<str:code>/", views_activities.AttendView.as_view(), name="participation_attend"),
    path("honours/", views_honours.HonourCampaignListView.as_view(), name="honourcampaign_list"),
    path("honours/add/", views_honours.HonourCampaignEditView.as_view(), name="honourcampaign_add"),
    path("honours/<int:pk>/", views_honours.HonourCampaignDetailView.as_view(), name="honourcampaign_detail"),
    path(
        "honours/<int:pk>/edit/", views_honours.HonourCampaignEditView.as_view(), name="honourcampaign_edit"
    ),
    path(
        "honours/<int:pk>/list.pdf", views_honours.HonourCampaignPdfView.as_view(), name="honourcampaign_pdf"
    ),
    path(
        "honours/<int:pk>/<str:verb>/",
        views_honours.HonourCampaignVerbView.as_view(),
        name="honourcampaign_verb",
    ),
    path("pairs/", views_pairs.MutualAidPairListView.as_view(), name="mutualaidpair_list"),
    path("pairs/add/", views_pairs.MutualAidPairEditView.as_view(), name="mutualaidpair_add"),
    path("pairs/<int:pk>/", views_pairs.MutualAidPairDetailView.as_view(), name="mutualaidpair_detail"),
    path("pairs/<int:pk>/edit/", views_pairs.MutualAidPairEditView.as_view(), name="mutualaidpair_edit"),
    path("pairs/<int:pk>/end/", views_pairs.MutualAidPairEndView.as_view(), name="mutualaidpair_end"),
    path("services/", views_services.ServiceRecordListView.as_view(), name="servicerecord_list"),
    path("services/check-in/", views_services.ServiceCheckInView.as_view(), name="servicerecord_add"),
    path("services/<int:pk>/", views_services.ServiceRecordDetailView.as_view(), name="servicerecord_detail"),
    path(
        "services/<int:pk>/check-out/",
        views_services.ServiceCheckOutView.as_view(),
        name="servicerecord_check_out",
    ),
    path(
        "services/<int:pk>/sign-off/",
        views_services.ServiceSignOffView.as_view(),
        name="servicerecord_sign_off",
    ),
]
