from django.urls import path

from yiyang.benefits import views, views_manual
from yiyang.core.importing.views import ImportView

app_name = "benefits"

urlpatterns = [
    path("rolls/", views.PaymentRollListView.as_view(), name="paymentroll_list"),
    path("rolls/generate/", views.roll_generate, name="paymentroll_generate"),
    path("rolls/<int:pk>/", views.PaymentRollDetailView.as_view(), name="paymentroll_detail"),
    path("rolls/<int:pk>/public-list/", views.roll_public_list, name="paymentroll_public_list"),
    path("rolls/<int:pk>/bank-file/", views.roll_bank_file, name="paymentroll_bank_file"),
    path("rolls/<int:pk>/review-streets/", views.roll_review_streets, name="paymentroll_review_streets"),
    path("rolls/<int:pk>/<slug:verb>/", views.roll_action, name="paymentroll_action"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("rates/<int:pk>/change/", views.rate_change, name="raterule_change"),
    path("qualification/", views.qualification_due, name="qualification_due"),
    path("qualification/<int:elder_pk>/certify/", views.qualification_certify, name="qualification_certify"),
    path("suspensions/", views.SuspensionListView.as_view(), name="suspension_list"),
    path("suspensions/<int:pk>/notice/", views.suspension_notice, name="suspension_notice"),
    path("suspensions/add/<int:elder_pk>/", views_manual.suspension_add, name="suspension_add"),
    path("suspensions/<int:pk>/resume/", views_manual.suspension_resume, name="suspension_resume"),
    path("adjustments/", views_manual.AdjustmentListView.as_view(), name="adjustment_list"),
    path("adjustments/add/", views_manual.adjustment_add, name="adjustment_add"),
    path(
        "adjustments/<int:pk>/delete/", views_manual.AdjustmentDeleteView.as_view(), name="adjustment_delete"
    ),
    path("life-events/", views.LifeEventBatchListView.as_view(), name="lifeeventbatch_list"),
    path("life-events/upload/", views.life_event_upload, name="lifeeventbatch_upload"),
    path("life-events/<int:pk>/", views.LifeEventBatchDetailView.as_view(), name="lifeeventbatch_detail"),
    path("life-events/<int:pk>/<slug:verb>/", views.life_event_action, name="lifeeventbatch_action"),
    path("recoveries/", views.RecoveryListView.as_view(), name="recovery_list"),
    path("recoveries/<int:pk>/", views.RecoveryDetailView.as_view(), name="recovery_detail"),
    path("recoveries/<int:pk>/<slug:verb>/", views.recovery_action, name="recovery_action"),
    path("budgets/", views.BudgetListView.as_view(), name="budget_list"),
    path("budgets/add/", views.BudgetEditView.as_view(), name="budget_add"),
    path("budgets/<int:pk>/edit/", views.BudgetEditView.as_view(), name="budget_edit"),
    path("bank-accounts/", views.ElderBankAccountListView.as_view(), name="elderbankaccount_list"),
    path("bank-accounts/<int:elder_pk>/", views.bank_account_edit, name="bankaccount_edit"),
    path(
        "certifications/import/",
        ImportView.as_view(kind="benefits.certification", title="导入经济类别认定名单"),
        name="certification_import",
    ),
]
