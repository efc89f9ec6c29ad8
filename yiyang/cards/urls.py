from django.urls import path

from yiyang.cards import views, views_insurance
from yiyang.core.importing.views import ImportView

app_name = "cards"

urlpatterns = [
    path("", views.CardListView.as_view(), name="card_list"),
    path("issue/", views.CardIssueView.as_view(), name="card_issue"),
    path("batch/", views.CardBatchView.as_view(), name="card_batch"),
    path("<int:pk>/", views.CardDetailView.as_view(), name="card_detail"),
    path("<int:pk>/reissue/", views.CardReissueView.as_view(), name="card_reissue"),
    path("<int:pk>/print/", views.CardPrintView.as_view(), name="card_print"),
    path("rules/", views.CardRuleListView.as_view(), name="cardrule_list"),
    path("rules/add/", views.CardRuleEditView.as_view(), name="cardrule_add"),
    path("rules/<int:pk>/edit/", views.CardRuleEditView.as_view(), name="cardrule_edit"),
    path("insurance/", views_insurance.EnrolmentListView.as_view(), name="enrolment_list"),
    path("insurance/generate/", views_insurance.GenerateView.as_view(), name="enrolment_generate"),
    path("insurance/coverage/", views_insurance.CoverageView.as_view(), name="coverage"),
    path(
        "insurance/import/",
        ImportView.as_view(kind="cards.enrolment", title="导入保险公司参保名单"),
        name="enrolment_import",
    ),
    path("insurance/rules/", views_insurance.InsuranceRuleListView.as_view(), name="insurancerule_list"),
    path("insurance/rules/add/", views_insurance.InsuranceRuleEditView.as_view(), name="insurancerule_add"),
    path(
        "insurance/rules/<int:pk>/edit/",
        views_insurance.InsuranceRuleEditView.as_view(),
        name="insurancerule_edit",
    ),
    path("insurance/claims/", views_insurance.ClaimListView.as_view(), name="claim_list"),
    path("insurance/claims/add/", views_insurance.ClaimEditView.as_view(), name="claim_add"),
    path("insurance/claims/<int:pk>/edit/", views_insurance.ClaimEditView.as_view(), name="claim_edit"),
    path("insurance/claims/<int:pk>/decide/", views_insurance.ClaimDecideView.as_view(), name="claim_decide"),
]
