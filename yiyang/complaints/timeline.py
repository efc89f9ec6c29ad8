"""Complaints on the elder's timeline: each case the viewer may see, when it came in and where it stands."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from yiyang.complaints.choices import Status
from yiyang.complaints.models import Case, ProtectiveCase
from yiyang.people.models import Elder
from yiyang.people.timeline import TimelineEvent, register


@register
def case_events(elder: Elder, user: Any) -> Iterable[TimelineEvent]:
    cases = Case.objects.for_user(user).filter(elder=elder).order_by("-received_at")[:50]
    for case in cases:
        title = _("%(channel)s %(category)s：%(title)s") % {
            "channel": case.get_channel_display(),
            "category": case.get_category_display(),
            "title": case.title,
        }
        detail = _("%(status)s · 承办：%(unit)s") % {
            "status": case.get_status_display(),
            "unit": case.unit_label or "—",
        }
        tone = (
            "success"
            if case.status == Status.CLOSED
            else ("danger" if case.urgent or case.overdue else "warning")
        )
        yield TimelineEvent(
            case.received_at,
            _("投诉"),
            title,
            detail,
            url=reverse("complaints:case_detail", args=[case.pk]),
            tone=tone,
        )


@register
def protection_events(elder: Elder, user: Any) -> Iterable[TimelineEvent]:
    """The protective follow-up of neglect or abuse: only for the offices that may see it."""
    if not user.has_perm("complaints.view_protectivecase"):
        return
    for p in ProtectiveCase.objects.for_user(user).filter(elder=elder).select_related("case")[:20]:
        title = _("保护性跟进：%(number)s（%(status)s）") % {
            "number": p.case.number,
            "status": p.get_status_display(),
        }
        detail = p.get_risk_display() if p.risk else ""
        yield TimelineEvent(p.opened_at, _("投诉"), title, detail, url=p.get_absolute_url(), tone="danger")
        if p.closed_at:
            yield TimelineEvent(p.closed_at, _("投诉"), _("保护性跟进结束：%(number)s") % {"number": p.case.number},
                                p.outcome, url=p.get_absolute_url(), tone="success")  # fmt: skip
