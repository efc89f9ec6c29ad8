"""Factories for volunteers: teams and volunteers written directly, with valid unique ID numbers."""

from __future__ import annotations

from typing import Any

from yiyang.areas.models import Area
from yiyang.core.idnumber import parse_id_number
from yiyang.core.testing import new_id_number, next_number
from yiyang.people.tests.factories import unique_name
from yiyang.volunteers.models import Volunteer, VolunteerTeam, pack


def make_team(area: Area, **extra: Any) -> VolunteerTeam:
    defaults: dict[str, Any] = {"name": f"{area.name}医疗志愿者服务队{next_number()}", "kind": "medical",
                                "organisation": "社区卫生服务站", "leader_name": "王医生"}  # fmt: skip
    defaults.update(extra)
    return VolunteerTeam.objects.create(area=area, **defaults)


def make_volunteer(
    area: Area,
    *,
    age: int = 35,
    sex: str = "F",
    id_number: str | None = None,
    phone: str = "",
    skills: tuple[str, ...] = ("companionship", "health"),
    days: tuple[str, ...] = ("1", "2", "3", "4", "5", "6", "7"),
    slots: tuple[str, ...] = ("am", "pm"),
    **extra: Any,
) -> Volunteer:
    parsed = parse_id_number(id_number or new_id_number(age=age, sex=sex))
    defaults: dict[str, Any] = {"name": unique_name(next_number()), "kind": "medical", "latitude": 32.066,
                                "longitude": 121.073}  # fmt: skip
    defaults.update(extra)
    volunteer = Volunteer(area=area, skills=pack(skills), available_days=pack(days), available_slots=pack(slots),
                          **defaults)  # fmt: skip
    volunteer.set_id_number(parsed)
    if phone:
        volunteer.set_phone(phone)
    volunteer.save()
    return volunteer


def home(elder: Any) -> tuple[float, float]:
    """The elder's home position (set if missing), where check-ins happen."""
    if elder.latitude is None:
        elder.latitude, elder.longitude = 32.0661, 121.0732
        elder.save(update_fields=["latitude", "longitude"])
    return elder.latitude, elder.longitude


def verified_service(volunteer: Volunteer, elder: Any, minutes: int = 90, actor: Any = None) -> Any:
    """A service checked in, out and signed off: ``minutes`` credited to the volunteer."""
    import datetime

    from django.utils import timezone

    from yiyang.volunteers.actions import services

    lat, lng = home(elder)
    start = timezone.now() - datetime.timedelta(minutes=minutes + 1)
    record = services.service_check_in(volunteer=volunteer, elder=elder, skill="companionship", latitude=lat,
                                       longitude=lng, actor=actor, at=start)  # fmt: skip
    services.service_check_out(record=record, latitude=lat, longitude=lng, actor=actor,
                               at=start + datetime.timedelta(minutes=minutes, seconds=30))  # fmt: skip
    services.service_sign_off(record=record, method="signature", signed_by=elder.name, actor=actor, rating=5)
    record.refresh_from_db()
    return record
