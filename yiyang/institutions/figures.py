"""Institutional care on the dashboard: beds per 1,000 elders, occupancy, the centralised-support rate
of 特困/五保 elders, the care-level mix, starred homes and incidents per 1,000 bed-days, each per child
area in one grouped query through the door."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.core.figures import Figure, Kind, Number, count_by_area, register_figure, share
from yiyang.institutions.choices import BedStatus, CareLevel, StayStatus
from yiyang.institutions.models import Bed, BedAssignment, Incident, Institution, Resident
from yiyang.institutions.occupancy import nights_by_area
from yiyang.people.choices import ElderStatus
from yiyang.people.models import Elder, supported

SECTION = _("机构养老")


def beds(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    rows = Bed.objects.for_user(user).filter(status=BedStatus.IN_USE, institution__is_active=True)
    return count_by_area(rows, "institution__area_path", area_path, children)


def _occupied(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    today = timezone.localdate()
    rows = BedAssignment.objects.for_user(user).filter(
        Q(end__isnull=True) | Q(end__gt=today), start__lte=today
    )
    return count_by_area(rows, "institution__area_path", area_path, children)


def occupancy(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    return share(_occupied(user, area_path, children), beds(user, area_path, children))


def centralised_support(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    """特困/五保 elders of the area living in a home, over all of them (by the elder's own area)."""
    living = Resident.objects.for_user(user).filter(status=StayStatus.RESIDENT).filter(supported("elder__"))
    whole = Elder.objects.for_user(user).filter(supported(), status=ElderStatus.LIVING)  # elder_supported_idx
    return share(
        count_by_area(living, "elder__area_path", area_path, children),
        count_by_area(whole, "area_path", area_path, children),
    )


def heavy_care(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    """Care-level mix: the share of residents in 三级 or 特级 care."""
    rows = Resident.objects.for_user(user).filter(status=StayStatus.RESIDENT)
    heavy = rows.filter(care_level__in=[CareLevel.LEVEL_3, CareLevel.SPECIAL])
    return share(
        count_by_area(heavy, "institution__area_path", area_path, children),
        count_by_area(rows, "institution__area_path", area_path, children),
    )


def starred(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    rows = Institution.objects.for_user(user).filter(is_active=True, star_level__gte=3)
    return count_by_area(rows, "area_path", area_path, children)


def _year_start() -> datetime.date:
    return timezone.localdate().replace(month=1, day=1)


def incident_rate(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    """Incidents this year per 1,000 bed-days of the same homes."""
    first, until = _year_start(), timezone.localdate() + datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time()))
    rows = Incident.objects.for_user(user).filter(occurred_at__gte=start)
    counts = count_by_area(rows, "institution__area_path", area_path, children)
    nights = nights_by_area(user, area_path, children, first, until)
    return {p: (1000 * float(counts.get(p) or 0) / n if n else None) for p, n in nights.items()}


def _link(name: str, extra: str = "") -> Any:
    return lambda path: f"{reverse(name)}?area={path}{extra}"


for order, figure in enumerate(
    [
        Figure("institutions.beds_per_thousand", _("养老床位（每千名老人）"), SECTION, "institutions.view_bed", beds,
               Kind.PER_THOUSAND_ELDERS, _link("institutions:bed_list", "&status=in_use")),
        Figure("institutions.occupancy", _("床位入住率"), SECTION, "institutions.view_bedassignment", occupancy,
               Kind.SHARE, _link("institutions:resident_list", "&status=resident")),
        Figure("institutions.centralised_support", _("特困人员集中供养率"), SECTION, "institutions.view_resident",
               centralised_support, Kind.SHARE),
        Figure("institutions.heavy_care", _("三级及特级护理占比"), SECTION, "institutions.view_resident", heavy_care,
               Kind.SHARE, _link("institutions:resident_list", "&status=resident")),
        Figure("institutions.starred", _("三星级以上机构"), SECTION, "institutions.view_institution", starred,
               Kind.COUNT, _link("institutions:institution_list")),
        Figure("institutions.incident_rate", _("安全事件（每千床日，本年）"), SECTION, "institutions.view_incident",
               incident_rate, Kind.RATE, _link("institutions:incident_list")),
    ]
):  # fmt: skip
    register_figure(Figure(**{**figure.__dict__, "order": 60 + order}))
