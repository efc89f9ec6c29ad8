"""The elder's timeline: payments per month, suspensions, qualification checks, recoveries."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.benefits.actions.support import first_month
from yiyang.benefits.choices import ChangeType
from yiyang.benefits.dates import month_display
from yiyang.benefits.models import CentralisedSupport, QualificationCheck, Recovery, RollLine, Suspension
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
            names = {"programme": roll.programme.name, "amount": line.amount}
            if line.change_type == ChangeType.STOPPED:
                title, tone = _("%(programme)s停发") % names, "dark"
            elif line.change_type == ChangeType.ADJUSTMENT:
                title, tone = _("%(programme)s更正调整 %(amount)s 元") % names, "warning"
            else:
                title, tone = _("%(programme)s %(amount)s 元") % names, "success"
            detail = f"{month_display(line.month)} · {roll.get_status_display()}" + (
                f" · {line.reason}" if line.reason else ""
            )
            url = (
                reverse("benefits:paymentroll_detail", args=[roll.pk])
                if user.has_perm("benefits.view_paymentroll")
                else ""
            )
            yield TimelineEvent(_at(line.month), _("补贴"), title, detail, url, tone=tone)
    if user.has_perm("benefits.view_suspension"):
        for s in Suspension.objects.filter(elder=elder).select_related("programme"):
            scope = s.programme.name if s.programme else _("全部补贴")
            yield TimelineEvent(
                _at(s.from_month),
                _("补贴"),
                _("暂停发放（%(scope)s）") % {"scope": scope},
                s.get_reason_display(),
                tone="danger",
            )
            if s.resumed_month:
                yield TimelineEvent(
                    _at(s.resumed_month),
                    _("补贴"),
                    _("恢复发放（%(scope)s）") % {"scope": scope},
                    "",
                    tone="info",
                )
    if user.has_perm("benefits.view_qualificationcheck"):
        for c in QualificationCheck.objects.filter(elder=elder):
            yield TimelineEvent(
                _at(c.certified_on),
                _("补贴"),
                _("资格认证"),
                _("%(channel)s，有效期至 %(until)s")
                % {"channel": c.get_channel_display(), "until": f"{c.valid_to:%Y-%m-%d}"},
                tone="info",
            )
    if user.has_perm("benefits.view_recovery"):
        for r in Recovery.objects.filter(elder=elder).select_related("programme"):
            yield TimelineEvent(
                r.created_at,
                _("补贴"),
                _("%(programme)s多发追回 %(owed)s 元") % {"programme": r.programme.name, "owed": r.owed},
                f"{r.months} · {r.get_status_display()}",
                reverse("benefits:recovery_detail", args=[r.pk]),
                tone="danger",
            )
    if user.has_perm("benefits.view_centralisedsupport"):
        for support in CentralisedSupport.objects.filter(elder=elder):
            names = {"place": support.place, "month": month_display(first_month(support.start_date))}
            yield TimelineEvent(
                _at(support.start_date),
                _("补贴"),
                _("特困集中供养（%(place)s）") % names,
                _("%(month)s起停发分散供养金，发放集中供养金") % names,
                tone="primary",
            )
            if support.end_date:
                names["month"] = month_display(first_month(support.end_date))
                yield TimelineEvent(
                    _at(support.end_date),
                    _("补贴"),
                    _("集中供养结束（%(place)s）") % names,
                    _("%(month)s起不再发放集中供养金") % names
                    + (f" · {support.end_reason}" if support.end_reason else ""),
                    tone="secondary",
                )
