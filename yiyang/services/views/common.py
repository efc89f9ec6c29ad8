"""Helpers shared by the service-chain pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from yiyang.people.models import Elder


def elder_from_query(request: HttpRequest) -> Elder:
    """The elder a new record is for, from ``?elder=<pk>`` (pages link here from the elder's page);
    another area's elder is a 404 like any other."""
    pk = request.GET.get("elder") or ""
    if not pk.isdigit():
        raise Http404
    elder: Elder = Elder.objects.get_for_user_or_404(request.user, "view", pk=int(pk))
    return elder
