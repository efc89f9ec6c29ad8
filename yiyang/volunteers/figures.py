"""Volunteering's figures on the dashboard: volunteers per 1,000 elders, minutes served this month and held
(minutes: the dashboard shows whole numbers, and a minute is the ledger's unit)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.core.figures import Figure, Kind, Number, count_by_area, register_figure, sum_by_area
from yiyang.volunteers.choices import HOLDER_KINDS, ServiceStatus, VolunteerStatus
from yiyang.volunteers.models import Participation, ServiceRecord, TimeAccount, Volunteer

SECTION = _("志愿服务")


def _month_start() -> Any:
    return timezone.localdate().replace(day=1)


def volunteers_active(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    rows = Volunteer.objects.for_user(user).filter(status=VolunteerStatus.ACTIVE)
    return count_by_area(rows, "area_path", area_path, children)


def hours_served(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    rows = ServiceRecord.objects.for_user(user).filter(status=ServiceStatus.VERIFIED,
                                                       checked_in_at__date__gte=_month_start())  # fmt: skip
    return sum_by_area(rows, "area_path", area_path, children, "minutes")


def hours_held(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    rows = TimeAccount.objects.for_user(user).filter(kind__in=HOLDER_KINDS)
    return sum_by_area(rows, "area_path", area_path, children, "balance_minutes")


def participation(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    rows = Participation.objects.for_user(user).filter(
        elder__isnull=False, attended_at__date__gte=_month_start()
    )
    return count_by_area(rows, "activity__area_path", area_path, children)


register_figure(Figure(
    key="volunteers.per_thousand", label=_("在册志愿者（每千名老人）"), section=SECTION,
    permission="volunteers.view_volunteer", compute=volunteers_active, kind=Kind.PER_THOUSAND_ELDERS,
    link=lambda path: f"{reverse('volunteers:volunteer_list')}?area={path}&status={VolunteerStatus.ACTIVE}", order=60,
))  # fmt: skip
register_figure(Figure(
    key="volunteers.hours_this_month", label=_("本月服务时长（分钟）"), section=SECTION,
    permission="volunteers.view_servicerecord", compute=hours_served,
    link=lambda path: (f"{reverse('volunteers:servicerecord_list')}?area={path}&status={ServiceStatus.VERIFIED}"
                       f"&date_from={_month_start():%Y-%m-%d}"), order=61,
))  # fmt: skip
register_figure(Figure(
    key="volunteers.hours_held", label=_("账户存储时间（分钟）"), section=SECTION,
    permission="volunteers.view_timeaccount", compute=hours_held,
    link=lambda path: f"{reverse('volunteers:timeaccount_list')}?area={path}", order=62,
))  # fmt: skip
register_figure(Figure(
    key="volunteers.participation", label=_("本月活动参与（人次）"), section=SECTION,
    permission="volunteers.view_participation", compute=participation,
    link=lambda path: f"{reverse('volunteers:activity_list')}?date_from={_month_start():%Y-%m-%d}", order=63,
))  # fmt: skip
