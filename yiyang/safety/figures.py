"""Safety's figures on the dashboard: devices in use per 1,000 elders and this month's alarms."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.core.figures import Figure, Kind, Number, count_by_area, register_figure
from yiyang.safety.choices import DeviceStatus
from yiyang.safety.models import Alarm, Device

SECTION = _("安全监护")


def devices_in_use(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    rows = Device.objects.for_user(user).filter(status=DeviceStatus.ACTIVE)
    return count_by_area(rows, "elder__area_path", area_path, children)


def _month_start() -> Any:
    return timezone.localdate().replace(day=1)


def alarms_this_month(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    rows = Alarm.objects.for_user(user).filter(raised_at__date__gte=_month_start())
    return count_by_area(rows, "elder__area_path", area_path, children)


register_figure(
    Figure(
        key="safety.devices_per_thousand",
        label=_("在用设备（每千名老人）"),
        section=SECTION,
        permission="safety.view_device",
        compute=devices_in_use,
        kind=Kind.PER_THOUSAND_ELDERS,
        link=lambda path: f"{reverse('safety:device_list')}?area={path}&status={DeviceStatus.ACTIVE}",
        order=50,
    )
)
register_figure(
    Figure(
        key="safety.alarms_this_month",
        label=_("本月告警"),
        section=SECTION,
        permission="safety.view_alarm",
        compute=alarms_this_month,
        link=lambda path: f"{reverse('safety:alarm_list')}?area={path}&date_from={_month_start():%Y-%m-%d}",
        order=51,
    )
)
