from django.urls import path
from rest_framework.routers import DefaultRouter

from yiyang.accounts.api import ObtainTokenView
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
from yiyang.core.api_views import AccessLogViewSet, AuditEntryViewSet
from yiyang.coverage.api import CoverageResultViewSet, SiteProposalViewSet
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

urlpatterns = [path("auth/token/", ObtainTokenView.as_view(), name="api-token"), *router.urls]
