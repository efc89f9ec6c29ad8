from django.urls import path

from yiyang.services.views import reference, settlements, visits, work_orders

app_name = "services"

urlpatterns = [
    path("work-orders/", work_orders.WorkOrderListView.as_view(), name="workorder_list"),
    path("work-orders/overdue/", work_orders.WorkOrderOverdueView.as_view(), name="workorder_overdue"),
    path("work-orders/add/", work_orders.IntakeView.as_view(), name="workorder_add"),
    path("work-orders/<int:pk>/", work_orders.WorkOrderDetailView.as_view(), name="workorder_detail"),
    path("work-orders/<int:pk>/sheet/", work_orders.WorkOrderSheetView.as_view(), name="workorder_sheet"),
    path("work-orders/<int:pk>/suggest/", work_orders.SuggestView.as_view(), name="workorder_suggest"),
    path(
        "work-orders/<int:pk>/<slug:verb>/",
        work_orders.WorkOrderActionView.as_view(),
        name="workorder_action",
    ),
    path("visits/", visits.MyVisitsView.as_view(), name="my_visits"),
    path("visits/<int:pk>/", visits.VisitMobileView.as_view(), name="visit_mobile"),
    path("visits/<int:pk>/signature.png", visits.SignatureView.as_view(), name="visit_signature"),
    path("exceptions/", visits.ExceptionListView.as_view(), name="serviceexception_list"),
    path(
        "exceptions/<int:pk>/resolve/", visits.ExceptionResolveView.as_view(), name="serviceexception_resolve"
    ),
    path("return-calls/", visits.ReturnCallListView.as_view(), name="returncall_list"),
    path("plans/", work_orders.RecurringPlanListView.as_view(), name="recurringplan_list"),
    path("plans/add/", work_orders.RecurringPlanEditView.as_view(), name="recurringplan_add"),
    path("plans/<int:pk>/edit/", work_orders.RecurringPlanEditView.as_view(), name="recurringplan_edit"),
    path("settlements/", settlements.SettlementListView.as_view(), name="settlement_list"),
    path("settlements/generate/", settlements.SettlementGenerateView.as_view(), name="settlement_generate"),
    path("settlements/<int:pk>/", settlements.SettlementDetailView.as_view(), name="settlement_detail"),
    path(
        "settlements/<int:pk>/<slug:verb>/",
        settlements.SettlementActionView.as_view(),
        name="settlement_action",
    ),
    path("scorecard/", settlements.ScorecardView.as_view(), name="scorecard"),
    path("providers/", reference.ProviderListView.as_view(), name="provider_list"),
    path("providers/add/", reference.ProviderEditView.as_view(), name="provider_add"),
    path("providers/<int:pk>/", reference.ProviderDetailView.as_view(), name="provider_detail"),
    path("providers/<int:pk>/edit/", reference.ProviderEditView.as_view(), name="provider_edit"),
    path("providers/<int:pk>/members/", reference.ProviderMemberView.as_view(), name="provider_member_add"),
    path(
        "providers/<int:pk>/members/<int:member>/remove/",
        reference.ProviderMemberView.as_view(),
        name="provider_member_remove",
    ),
    path("agreements/", reference.ServiceAgreementListView.as_view(), name="serviceagreement_list"),
    path("agreements/add/", reference.ServiceAgreementEditView.as_view(), name="serviceagreement_add"),
    path(
        "agreements/<int:pk>/edit/",
        reference.ServiceAgreementEditView.as_view(),
        name="serviceagreement_edit",
    ),
    path("points/", reference.ServicePointListView.as_view(), name="servicepoint_list"),
    path("points/add/", reference.ServicePointEditView.as_view(), name="servicepoint_add"),
    path("points/<int:pk>/edit/", reference.ServicePointEditView.as_view(), name="servicepoint_edit"),
    path("workers/", reference.WorkerListView.as_view(), name="worker_list"),
    path("workers/add/", reference.WorkerEditView.as_view(), name="worker_add"),
    path("workers/<int:pk>/edit/", reference.WorkerEditView.as_view(), name="worker_edit"),
    path("entitlements/", reference.EntitlementListView.as_view(), name="entitlement_list"),
    path("entitlements/add/", reference.EntitlementEditView.as_view(), name="entitlement_add"),
    path("entitlements/<int:pk>/edit/", reference.EntitlementEditView.as_view(), name="entitlement_edit"),
    path("items/", reference.ServiceItemListView.as_view(), name="serviceitem_list"),
    path("items/add/", reference.ServiceItemEditView.as_view(), name="serviceitem_add"),
    path("items/<int:pk>/edit/", reference.ServiceItemEditView.as_view(), name="serviceitem_edit"),
]
