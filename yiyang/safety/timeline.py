"""The safety module's events on the elder's timeline: alarms with their outcome, device installs."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.people.models import Elder
from yiyang.people.timeline import TimelineEvent, register
from yiyang.safety.models import Alarm, Device


@register
def safety_events(elder: Elder, user: Any) -> Iterable[TimelineEvent]:
    if user.has_perm("safety.view_alarm"):
        for alarm in Alarm.objects.filter(elder=elder).order_by("-raised_at")[:50]:
            if alarm.closed_at:
                detail = _("%(outcome)s；%(notes)s") % {
                    "outcome": alarm.get_outcome_display(),
                    "notes": alarm.notes[:60],
                }
            else:
                detail = _("处理中：%(status)s") % {"status": alarm.get_status_display()}
            if alarm.event_count > 1:
                detail += _("（合并 %(n)s 次事件）") % {"n": alarm.event_count}
            yield TimelineEvent(
                alarm.raised_at,
                _("安全"),
                _("告警：%(kind)s") % {"kind": alarm.get_kind_display()},
                detail,
                alarm.get_absolute_url(),
                tone="danger" if alarm.is_open else "secondary",
            )
    if user.has_perm("safety.view_device"):
        for device in Device.objects.filter(elder=elder):
            when = timezone.make_aware(datetime.datetime.combine(device.installed_on, datetime.time(9)))
            yield TimelineEvent(
                when,
                _("安全"),
                _("安装%(kind)s") % {"kind": device.get_kind_display()},
                f"{device.serial} {device.installer}".strip(),
                device.get_absolute_url(),
                tone="info",
            )
