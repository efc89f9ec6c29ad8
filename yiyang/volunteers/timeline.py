"""Volunteering on the elder's timeline: services received, help asked for, hours received or spent,
and the elder's own volunteering (the talent pool)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.people.models import Elder
from yiyang.people.timeline import TimelineEvent, register
from yiyang.volunteers.models import HelpRequest, MutualAidPair, ServiceRecord, TimeMovement


@register
def volunteer_events(elder: Elder, user: Any) -> Iterable[TimelineEvent]:
    if user.has_perm("volunteers.view_servicerecord"):
        services = ServiceRecord.objects.for_user(user).filter(Q(elder=elder) | Q(volunteer__elder=elder))
        for s in services.select_related("volunteer", "elder").order_by("-checked_in_at")[:50]:
            if s.elder_id == elder.pk:
                title = _("志愿服务：%(volunteer)s 提供%(skill)s") % {"volunteer": s.volunteer.name,
                                                                     "skill": s.get_skill_display()}  # fmt: skip
            else:
                title = _("参加志愿服务：为%(elder)s 提供%(skill)s") % {"elder": s.elder.name,
                                                                       "skill": s.get_skill_display()}  # fmt: skip
            detail = _("%(minutes)s 分钟 · %(status)s") % {
                "minutes": s.minutes,
                "status": s.get_status_display(),
            }
            yield TimelineEvent(
                s.checked_in_at, _("志愿"), title, detail, url=s.get_absolute_url(), tone="info"
            )
    if user.has_perm("volunteers.view_mutualaidpair"):
        pairs = MutualAidPair.objects.for_user(user).filter(elder=elder).select_related("volunteer")
        for p in pairs.order_by("-started_on")[:20]:
            at = timezone.make_aware(datetime.datetime.combine(p.started_on, datetime.time(9)))
            title = _("邻里互助结对：%(volunteer)s，每 %(days)s 天上门一次") % {"volunteer": p.volunteer.name,
                                                                          "days": p.every_days}  # fmt: skip
            yield TimelineEvent(at, _("志愿"), title, p.note, url=p.get_absolute_url(), tone="info")
            if p.ended_on:
                at = timezone.make_aware(datetime.datetime.combine(p.ended_on, datetime.time(9)))
                title = _("邻里互助结对解除：%(volunteer)s（%(reason)s）") % {"volunteer": p.volunteer.name,
                                                                        "reason": p.get_end_reason_display()}  # fmt: skip
                yield TimelineEvent(at, _("志愿"), title, "", url=p.get_absolute_url())
    if user.has_perm("volunteers.view_helprequest"):
        for r in HelpRequest.objects.for_user(user).filter(elder=elder).order_by("-created_at")[:20]:
            title = _("求助：%(skill)s（%(status)s）") % {
                "skill": r.get_skill_display(),
                "status": r.get_status_display(),
            }
            yield TimelineEvent(r.created_at, _("志愿"), title, r.description, url=r.get_absolute_url())
    if user.has_perm("volunteers.view_timeaccount"):
        moves = TimeMovement.objects.filter(Q(credit__elder=elder) | Q(debit__elder=elder)).select_related(
            "credit"
        )
        for m in moves.order_by("-occurred_at")[:20]:
            sign = "+" if m.credit.elder_id == elder.pk else "−"
            title = _("时间银行：%(kind)s %(sign)s%(hours)s 小时") % {"kind": m.get_kind_display(), "sign": sign,
                                                                   "hours": m.hours}  # fmt: skip
            yield TimelineEvent(m.occurred_at, _("志愿"), title, m.memo, actor=m.actor_name, tone="success")
