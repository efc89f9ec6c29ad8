from django.urls import path
from rest_framework.routers import DefaultRouter

from yiyang.accounts.api import ObtainTokenView
from yiyang.areas.api import AreaViewSet
from yiyang.core.api_views import AccessLogViewSet, AuditEntryViewSet
from yiyang.people.api.views import CertificationViewSet, ContactViewSet, ElderViewSet

router = DefaultRouter()
router.register("areas", AreaViewSet, basename="area")
router.register("people/elders", ElderViewSet, basename="elder")
router.register("people/certifications", CertificationViewSet, basename="certification")
router.register("people/contacts", ContactViewSet, basename="eldercontact")
router.register("audit/changes", AuditEntryViewSet, basename="auditentry")
router.register("audit/access", AccessLogViewSet, basename="accesslog")

urlpatterns = [path("auth/token/", ObtainTokenView.as_view(), name="api-token"), *router.urls]
