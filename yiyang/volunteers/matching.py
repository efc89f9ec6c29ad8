"""Matching a help request to volunteers, and proposing nearby elders for a neighbour pair.

Both are "the nearest few rows of a scoped table to a point", answered by the database:

* the rows are narrowed by the scope and the plain conditions (status, skill, weekday, time slot as
  packed codes, ``LIKE '%,health,%'``) and by a square around the point, which the partial index on
  the active volunteers' position answers (``volunteer_active_geo_idx``);
* inside the square the database orders by the (flat-earth) squared distance and returns ``limit``
  rows, so no Python loop ever sees more than those;
* the square widens (about 1 km, 3 km, 10 km, 30 km, then anywhere in scope) until it holds ``limit``
  rows whose farthest lies inside the circle the square encloses: then no row outside the square can
  be nearer, and the answer is the true nearest ``limit`` (a village with few volunteers still gets the
  nearest ones further away).

Distances shown are measured exactly (great circle) for the rows returned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import ExpressionWrapper, F, FloatField, Model, Q, QuerySet, Value

from yiyang.people.choices import ElderStatus
from yiyang.people.models import Elder
from yiyang.volunteers import rules
from yiyang.volunteers.choices import PairStatus, VolunteerStatus
from yiyang.volunteers.models import HelpRequest, MutualAidPair, Volunteer

M = TypeVar("M", bound=Model)

#: Half-widths of the search square in degrees of latitude (about 1 km, 3 km, 10 km, 30 km), then
#: anywhere in scope.
BOXES = (0.01, 0.03, 0.1, 0.3, None)
#: Metres in a degree of latitude (mean Earth radius, as ``rules.distance_m``).
METRES_PER_DEGREE = 6_371_008.8 * math.pi / 180


@dataclass(frozen=True)
class Candidate:
    volunteer: Volunteer
    distance_m: float | None

    @property
    def distance_text(self) -> str:
        return distance_text(self.distance_m)


@dataclass(frozen=True)
class NearbyElder:
    elder: Elder
    distance_m: float | None

    @property
    def distance_text(self) -> str:
        return distance_text(self.distance_m)


def distance_text(metres: float | None) -> str:
    if metres is None:
        return "—"
    return f"{metres / 1000:.1f} km" if metres >= 1000 else f"{metres:.0f} m"


def _distance(lat: float | None, lng: float | None, lat2: float | None, lng2: float | None) -> float | None:
    if lat is None or lng is None or lat2 is None or lng2 is None:
        return None
    return rules.distance_m(lat, lng, lat2, lng2)


def nearest(rows: QuerySet[M], lat: float | None, lng: float | None, limit: int) -> list[M]:
    """The ``limit`` rows of ``rows`` nearest to (lat, lng), nearest first, ties by primary key; rows
    without a position come last. Without a point, the first ``limit`` rows by primary key."""
    if lat is None or lng is None:
        return list(rows.order_by("pk")[:limit])
    # A degree of longitude is cos(lat) of a degree of latitude: scale it so the square is square.
    shrink = max(math.cos(math.radians(lat)), 0.01)
    dlat, dlng = F("latitude") - Value(lat), (F("longitude") - Value(lng)) * Value(shrink)
    by_distance = rows.filter(latitude__isnull=False, longitude__isnull=False).annotate(
        near_d2=ExpressionWrapper(dlat * dlat + dlng * dlng, output_field=FloatField())
    )
    for box in BOXES:
        if box is None:
            found = list(by_distance.order_by("near_d2", "pk")[:limit])
            if len(found) < limit:  # then those without a position, in a stable order
                unplaced = rows.filter(Q(latitude__isnull=True) | Q(longitude__isnull=True)).order_by("pk")
                found += list(unplaced[: limit - len(found)])
            return found
        found = list(
            by_distance.filter(
                latitude__range=(lat - box, lat + box),
                longitude__range=(lng - box / shrink, lng + box / shrink),
            ).order_by("near_d2", "pk")[:limit]
        )
        # Enough, and the farthest within the circle inside the square: nothing outside is nearer.
        if len(found) >= limit and math.sqrt(getattr(found[-1], "near_d2")) <= box:  # noqa: B009
            return found
    return []  # unreachable: the last box is None


def candidates(request: HelpRequest, user: Any, *, limit: int = 10) -> list[Candidate]:
    """The volunteers the user may see who can do the request, nearest to the elder first."""
    base = (
        Volunteer.objects.for_user(user)
        .filter(status=VolunteerStatus.ACTIVE, skills__contains=f",{request.skill},",
                available_days__contains=f",{request.weekday},", available_slots__contains=f",{request.wanted_slot},")
        .exclude(pk__in=[int(v) for v in request.declined])
    )  # fmt: skip
    base = base.exclude(elder_id=request.elder_id)  # nobody serves themselves
    lat, lng = request.elder.latitude, request.elder.longitude
    found = nearest(base.select_related("team"), lat, lng, limit)
    return [Candidate(v, _distance(lat, lng, v.latitude, v.longitude)) for v in found]


def nearby_elders(volunteer: Volunteer, user: Any, *, limit: int = 10) -> list[NearbyElder]:
    """Living elders the user may pair, nearest to the volunteer's home first: not the volunteer's own
    record, and not one already paired with this volunteer."""
    base = (
        Elder.objects.for_user(user, "view")
        .filter(status=ElderStatus.LIVING)
        .exclude(
            pk__in=MutualAidPair.objects.filter(volunteer=volunteer, status=PairStatus.ACTIVE).values("elder")
        )
    )
    if volunteer.elder_id:
        base = base.exclude(pk=volunteer.elder_id)
    lat, lng = volunteer.latitude, volunteer.longitude
    if lat is None or lng is None:
        return []  # no home position, no proposal: the worker types the ID number
    found = nearest(base.select_related("area"), lat, lng, limit)
    return [
        NearbyElder(e, _distance(lat, lng, e.latitude, e.longitude)) for e in found if e.latitude is not None
    ]
