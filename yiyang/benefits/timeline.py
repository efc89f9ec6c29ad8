"""The elder's timeline: payments per month, suspensions, qualification checks, recoveries."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from yiyang.benefits.choices import ChangeType
from yiyang.benefits.dates import month_cn
from yiyang.benefits.models import QualificationCheck, Recovery, RollLine, Suspension
from yiyang.people.models import Elder
from yiyang.people.timeline import TimelineEvent, register


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


@register
def benefit_events(elder: Elder, user: Any) -> Iterable[TimelineEvent]:
    if user.has_perm("benefits.view_rollline"):
        lines = (
            RollLine.objects.filter(elder=elder)
            .select_related("roll", "roll__programme")
            .order_by("-month")[:120]
        )
        for line in lines:
            roll = line.roll
            if line.change_type == ChangeType.STOPPED:
                title, tone = f"{roll.programme.name}停发", "dark"
            elif line.change_type == ChangeType.ADJUSTMENT:
                title, tone = f"{roll.programme.name}更正调整 {line.amount} 元", "warning"
            else:
                title, tone = f"{roll.programme.name} {line.amount} 元", "success"
            detail = f"{month_cn(line.month)} · {roll.get_status_display()}" + (
                f" · {line.reason}" if line.reason else ""
            )
            url = (
                reverse("benefits:paymentroll_detail", args=[roll.pk])
                if user.has_perm("benefits.view_paymentroll")
                else ""
            )
            yield TimelineEvent(_at(line.month), "补贴", title, detail, url, tone=tone)
    if user.has_perm("benefits.view_suspension"):
        for s in Suspension.objects.filter(elder=elder).select_related("programme"):
            scope = s.programme.name if s.programme else "全部补贴"
            yield TimelineEvent(
                _at(s.from_month), "补贴", f"暂停发放（{scope}）", s.get_reason_display(), tone="danger"
            )
            if s.resumed_month:
                yield TimelineEvent(_at(s.resumed_month), "补贴", f"恢复发放（{scope}）", "", tone="info")
    if user.has_perm("benefits.view_qualificationcheck"):
        for c in QualificationCheck.objects.filter(elder=elder):
            yield TimelineEvent(
                _at(c.certified_on),
                "补贴",
                "资格认证",
                f"{c.get_channel_display()}，有效期至 {c.valid_until:%Y-%m-%d}",
                tone="info",
            )
    if user.has_perm("benefits.view_recovery"):
        for r in Recovery.objects.filter(elder=elder).select_related("programme"):
            yield TimelineEvent(
                r.created_at,
                "补贴",
                f"{r.programme.name}多发追回 {r.owed} 元",
                f"{r.months} · {r.get_status_display()}",
                reverse("benefits:recovery_detail", args=[r.pk]),
                tone="danger",
            )
