"""config.urls plus the baseline page of the load benchmark (never part of a deployment)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler400, handler404
from config.urls import urlpatterns as base

__all__ = ["handler400", "handler404", "urlpatterns"]


@login_required
def ping(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urlpatterns = [path("bench/ping/", ping), *base]
