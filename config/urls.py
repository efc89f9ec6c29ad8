from django.urls import include, path

from yiyang.core.api_docs import schema_view, swagger_view
from yiyang.core.health import HealthView
from yiyang.core.views import home

handler400 = "yiyang.core.api_errors.bad_request"
handler404 = "yiyang.core.api_errors.not_found"

urlpatterns = [
    path("", home, name="home"),
    path("health/", HealthView.as_view(), name="health"),
    path("accounts/", include("yiyang.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("people/", include("yiyang.people.urls")),
    path("benefits/", include("yiyang.benefits.urls")),
    path("reports/", include("yiyang.reports.urls")),
    path("safety/", include("yiyang.safety.urls")),
    path("services/", include("yiyang.services.urls")),
    path("assessments/", include("yiyang.assessments.urls")),
    path("meals/", include("yiyang.meals.urls")),
    path("coverage/", include("yiyang.coverage.urls")),
    path("visits/", include("yiyang.visits.urls")),
    path("volunteers/", include("yiyang.volunteers.urls")),
    path("complaints/", include("yiyang.complaints.urls")),
    path("institutions/", include("yiyang.institutions.urls")),
    path("workforce/", include("yiyang.workforce.urls")),
    path("adaptation/", include("yiyang.adaptation.urls")),
    path("cards/", include("yiyang.cards.urls")),
    path("", include("yiyang.core.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/v1/schema/", schema_view, name="api-schema"),
    path("api/v1/docs/", swagger_view, name="api-docs"),
]
