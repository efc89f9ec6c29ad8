"""Home adaptation on the elder's timeline: the project, where it stands, and its acceptance."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.adaptation.choices import Status
from yiyang.adaptation.models import Project
from yiyang.people.models import Elder
from yiyang.people.timeline import TimelineEvent, register


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(9), timezone.get_current_timezone())


@register
def project_events(elder: Elder, user: Any) -> Iterable[TimelineEvent]:
    for project in Project.objects.for_user(user).filter(elder=elder).select_related("contractor")[:20]:
        url = reverse("adaptation:project_detail", args=[project.pk])
        title = _("适老化改造 %(number)s：%(status)s") % {
            "number": project.number,
            "status": project.get_status_display(),
        }
        detail = _("%(category)s · 上限 %(cap)s 元") % {
            "category": project.get_category_display(),
            "cap": project.cap,
        }
        tone = "secondary" if project.status == Status.OPTED_OUT else "info"
        yield TimelineEvent(_at(project.enrolled_on), _("适老化改造"), title, detail, url=url, tone=tone)
        if project.accepted_on:
            accepted = _("改造验收通过 · %(contractor)s · %(total)s 元") % {
                "contractor": project.contractor.name if project.contractor else "—",
                "total": project.plan_total,
            }
            yield TimelineEvent(
                _at(project.accepted_on), _("适老化改造"), accepted, "", url=url, tone="success"
            )
