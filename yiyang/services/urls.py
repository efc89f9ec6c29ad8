from django.urls import path

from yiyang.services import views

app_name = "services"

urlpatterns = [
    path("work-orders/", views.WorkOrderListView.as_view(), name="workorder_list"),
    path("work-orders/overdue/", views.WorkOrderOverdueView.as_view(), name="workorder_overdue"),
    path("work-orders/add/", views.IntakeView.as_view(), name="workorder_add"),
    path("work-orders/<int:pk>/", views.WorkOrderDetailView.as_view(), name="workorder_detail"),
    path("work-orders/<int:pk>/sheet/", views.WorkOrderSheetView.as_view(), name="workorder_sheet"),
    path("work-orders/<int:pk>/suggest/", views.SuggestView.as_view(), name="workorder_suggest"),
    path("work-orders/<int:pk>/<slug:verb>/", views.WorkOrderActionView.as_view(), name="workorder_action"),
    path("visits/", views.MyVisitsView.as_view(), name="my_visits"),
    path("visits/<int:pk>/", views.VisitMobileView.as_view(), name="visit_mobile"),
    path("visits/<int:pk>/signature.png", views.SignatureView.as_view(), name="visit_signature"),
    path("exceptions/", views.ExceptionListView.as_view(), name="serviceexception_list"),
    path(
        "exceptions/<int:pk>/resolve/", views.ExceptionResolveView.as_view(), name="serviceexception_resolve"
    ),
    path("return-calls/", views.ReturnCallListView.as_view(), name="returncall_list"),
    path("plans/", views.RecurringPlanListView.as_view(), name="recurringplan_list"),
    path("plans/add/", views.RecurringPlanEditView.as_view(), name="recurringplan_add"),
    path("plans/<int:pk>/edit/", views.RecurringPlanEditView.as_view(), name="recurringplan_edit"),
    path("settlements/", views.SettlementListView.as_view(), name="settlement_list"),
    path("settlements/generate/", views.SettlementGenerateView.as_view(), name="settlement_generate"),
    path("settlements/<int:pk>/", views.SettlementDetailView.as_view(), name="settlement_detail"),
    path("settlements/<int:pk>/<slug:verb>/", views.SettlementActionView.as_view(), name="settlement_action"),
    path("scorecard/", views.ScorecardView.as_view(), name="scorecard"),
    path("providers/", views.ProviderListView.as_view(), name="provider_list"),
    path("providers/add/", views.ProviderEditView.as_view(), name="provider_add"),
    path("providers/<int:pk>/", views.ProviderDetailView.as_view(), name="provider_detail"),
    path("providers/<int:pk>/edit/", views.ProviderEditView.as_view(), name="provider_edit"),
    path("providers/<int:pk>/members/", views.ProviderMemberView.as_view(), name="provider_member_add"),
    path(
        "providers/<int:pk>/members/<int:member>/remove/",
        views.ProviderMemberView.as_view(),
        name="provider_member_remove",
    ),
    path("agreements/", views.ServiceAgreementListView.as_view(), name="serviceagreement_list"),
    path("agreements/add/", views.ServiceAgreementEditView.as_view(), name="serviceagreement_add"),
    path("agreements/<int:pk>/edit/", views.ServiceAgreementEditView.as_view(), name="serviceagreement_edit"),
    path("points/", views.ServicePointListView.as_view(), name="servicepoint_list"),
    path("points/add/", views.ServicePointEditView.as_view(), name="servicepoint_add"),
    path("points/<int:pk>/edit/", views.ServicePointEditView.as_view(), name="servicepoint_edit"),
    path("workers/", views.WorkerListView.as_view(), name="worker_list"),
    path("workers/add/", views.WorkerEditView.as_view(), name="worker_add"),
    path("workers/<int:pk>/edit/", views.WorkerEditView.as_view(), name="worker_edit"),
    path("entitlements/", views.EntitlementListView.as_view(), name="entitlement_list"),
    path("entitlements/add/", views.EntitlementEditView.as_view(), name="entitlement_add"),
    path("entitlements/<int:pk>/edit/", views.EntitlementEditView.as_view(), name="entitlement_edit"),
    path("items/", views.ServiceItemListView.as_view(), name="serviceitem_list"),
    path("items/add/", views.ServiceItemEditView.as_view(), name="serviceitem_add"),
    path("items/<int:pk>/edit/", views.ServiceItemEditView.as_view(), name="serviceitem_edit"),
]
