from django.urls import path
from rest_framework.routers import DefaultRouter

from yiyang.accounts.api import ObtainTokenView
from yiyang.adaptation import api as adaptation_api
from yiyang.areas.api import AreaViewSet
from yiyang.assessments.api import AssessmentViewSet
from yiyang.benefits.api.views import (
    BudgetViewSet,
    ElderBankAccountViewSet,
    LifeEventBatchViewSet,
    PaymentRollViewSet,
    ProgrammeViewSet,
    QualificationCheckViewSet,
    RateRuleViewSet,
    RecoveryViewSet,
    RollLineViewSet,
    SuspensionViewSet,
)
from yiyang.cards import api as cards_api
from yiyang.complaints import api as complaints_api
from yiyang.core.api_views import AccessLogViewSet, AuditEntryViewSet, SearchTokenView
from yiyang.coverage.api import CoverageResultViewSet, SiteProposalViewSet
from yiyang.institutions import api as institutions_api
from yiyang.meals.api import CanteenViewSet, DeliveryOrderViewSet, MealRecordViewSet, MenuViewSet
from yiyang.people.api.views import CertificationViewSet, ContactViewSet, ElderViewSet
from yiyang.safety.api.views import AlarmViewSet, DeviceEventViewSet, DeviceViewSet
from yiyang.services.api.views import (
    ExceptionViewSet,
    ProviderViewSet,
    ServiceItemViewSet,
    SettlementViewSet,
    VisitViewSet,
    WorkOrderViewSet,
)
from yiyang.visits import api as visits_api
from yiyang.volunteers import api as volunteers_api
from yiyang.workforce import api as workforce_api

router = DefaultRouter()
router.register("areas", AreaViewSet, basename="area")
router.register("people/elders", ElderViewSet, basename="elder")
router.register("people/certifications", CertificationViewSet, basename="certification")
router.register("people/contacts", ContactViewSet, basename="eldercontact")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("safety/devices", DeviceViewSet, basename="device")
router.register("safety/alarms", AlarmViewSet, basename="alarm")
router.register("safety/events", DeviceEventViewSet, basename="deviceevent")
router.register("meals/canteens", CanteenViewSet, basename="canteen")
router.register("meals/menus", MenuViewSet, basename="menu")
router.register("meals/records", MealRecordViewSet, basename="mealrecord")
router.register("meals/deliveries", DeliveryOrderViewSet, basename="deliveryorder")
router.register("coverage/results", CoverageResultViewSet, basename="coverageresult")
router.register("coverage/proposals", SiteProposalViewSet, basename="siteproposal")
router.register("services/work-orders", WorkOrderViewSet, basename="workorder")
router.register("services/visits", VisitViewSet, basename="visit")
router.register("services/exceptions", ExceptionViewSet, basename="serviceexception")
router.register("services/settlements", SettlementViewSet, basename="settlement")
router.register("services/items", ServiceItemViewSet, basename="serviceitem")
router.register("services/providers", ProviderViewSet, basename="provider")
router.register("benefits/programmes", ProgrammeViewSet, basename="programme")
router.register("benefits/rates", RateRuleViewSet, basename="raterule")
router.register("benefits/rolls", PaymentRollViewSet, basename="paymentroll")
router.register("benefits/lines", RollLineViewSet, basename="rollline")
router.register("benefits/recoveries", RecoveryViewSet, basename="recovery")
router.register("benefits/suspensions", SuspensionViewSet, basename="suspension")
router.register("benefits/qualification-checks", QualificationCheckViewSet, basename="qualificationcheck")
router.register("benefits/bank-accounts", ElderBankAccountViewSet, basename="elderbankaccount")
router.register("benefits/budgets", BudgetViewSet, basename="budget")
router.register("benefits/life-events", LifeEventBatchViewSet, basename="lifeeventbatch")
router.register("audit/changes", AuditEntryViewSet, basename="auditentry")
router.register("audit/access", AccessLogViewSet, basename="accesslog")

# The newer modules list their own routes, so adding one never edits this file.
for module in (
    visits_api,
    volunteers_api,
    complaints_api,
    institutions_api,
    workforce_api,
    adaptation_api,
    cards_api,
):
    for prefix, viewset, basename in module.ROUTES:
        router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("search-tokens/", SearchTokenView.as_view(), name="api-search-token"),
    *router.urls,
]
