from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from yiyang.core.views import home

handler404 = "yiyang.core.api_errors.not_found"

urlpatterns = [
    path("", home, name="home"),
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
    path("", include("yiyang.core.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
