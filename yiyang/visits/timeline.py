"""Visits on the elder's timeline: each visit recorded, and tasks that went overdue."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.people.models import Elder
from yiyang.people.timeline import TimelineEvent, register
from yiyang.visits.choices import Seen, TaskStatus
from yiyang.visits.models import Recipient, VisitRecord, VisitTask


@register
def visit_events(elder: Elder, user: Any) -> Iterable[TimelineEvent]:
    if not user.has_perm("visits.view_visitrecord"):
        return
    for record in VisitRecord.objects.filter(elder=elder).select_related("worker")[:60]:
        title = _("走访：%(seen)s") % {"seen": record.get_seen_display()}
        parts = [p for p in (record.get_health_display() and _("健康%(h)s") % {"h": record.get_health_display()},
                             record.need_detail, record.note) if p]  # fmt: skip
        yield TimelineEvent(
            record.checked_in_at, _("走访"), title, "；".join(parts),
            url=reverse("visits:visittask_detail", args=[record.task_id]),
            actor=(record.worker.get_full_name() or record.worker.username) if record.worker else "",
            tone="warning" if record.seen == Seen.NOBODY or record.need else "info",
        )  # fmt: skip
    today = timezone.localdate()
    overdue = VisitTask.objects.filter(elder=elder, status=TaskStatus.OPEN, due_date__lt=today)[:12]
    for task in overdue:
        when = timezone.make_aware(datetime.datetime.combine(task.due_date, datetime.time(18)))
        yield TimelineEvent(
            when, _("走访"), _("走访逾期：%(reason)s（%(period)s）") % {"reason": task.reason, "period": task.period_key},
            url=reverse("visits:visittask_detail", args=[task.pk]), tone="danger",
        )  # fmt: skip


@register
def campaign_events(elder: Elder, user: Any) -> Iterable[TimelineEvent]:
    if not user.has_perm("visits.view_recipient"):
        return
    for r in Recipient.objects.filter(elder=elder, delivered_at__isnull=False).select_related("campaign")[
        :24
    ]:
        assert r.delivered_at is not None
        yield TimelineEvent(
            r.delivered_at, _("慰问"), _("节日慰问已签收：%(name)s") % {"name": r.campaign.name},
            _("签收人：%(signer)s") % {"signer": r.signer_name},
            url=reverse("visits:campaign_detail", args=[r.campaign_id]), tone="success",
        )  # fmt: skip
