"""Assessment events on the elder's timeline: each confirmation (with the level) and each void."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.assessments.choices import Status
from yiyang.assessments.models import Assessment
from yiyang.people.models import Elder
from yiyang.people.timeline import TimelineEvent, register

_TONES = {0: "success", 1: "info", 2: "warning", 3: "danger", 4: "danger"}


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def confirmed_title(a: Assessment) -> str:
    if a.total is not None:
        return _("能力评估：%(level)s（总分 %(total)s）") % {"level": a.final_level_short, "total": a.total}
    return _("能力评估：%(level)s（MZ/T 039）") % {"level": a.final_level_short}


@register
def assessment_events(elder: Elder, user: Any) -> Iterable[TimelineEvent]:
    if not user.has_perm("assessments.view_assessment"):
        return
    for a in Assessment.objects.filter(elder=elder).exclude(status=Status.DRAFT).order_by("-assessed_on"):
        url = a.get_absolute_url()
        if a.confirmed_at is not None:
            who = {
                "reason": a.get_reason_display(),
                "organisation": a.organisation,
                "assessor": a.assessor_name,
            }
            if a.valid_to:
                detail = _("%(reason)s，%(organisation)s %(assessor)s，有效期至 %(valid_to)s") % {
                    **who,
                    "valid_to": f"{a.valid_to:%Y-%m-%d}",
                }
            else:
                detail = _("%(reason)s，%(organisation)s %(assessor)s") % who
            yield TimelineEvent(
                _at(a.assessed_on),
                _("评估"),
                confirmed_title(a),
                detail,
                url,
                a.confirmed_by,
                _TONES.get(a.final_level or 0, "secondary"),
            )
        if a.status == Status.VOID and a.voided_at is not None:
            yield TimelineEvent(
                a.voided_at,
                _("评估"),
                _("能力评估 #%(pk)s 作废") % {"pk": a.pk},
                a.void_reason,
                url,
                tone="dark",
            )
