"""Help requests: matched by skill, availability and distance; offered, declined, accepted; served."""

from __future__ import annotations

import datetime
import math

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.core.testing import World
from yiyang.people.tests.factories import ElderFactory
from yiyang.volunteers import matching
from yiyang.volunteers.actions import requests, services
from yiyang.volunteers.models import HelpRequest, TimeAccount
from yiyang.volunteers.tests.factories import home, make_volunteer


def _monday() -> datetime.date:
    today = timezone.localdate()
    return today + datetime.timedelta(days=(7 - today.weekday()) % 7)


def test_matching_by_skill_availability_and_distance(world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1)
    lat, lng = home(elder)
    near = make_volunteer(world.areas.community_a1, skills=("health",), days=("1",), slots=("am",),
                          latitude=lat + 0.001, longitude=lng)  # fmt: skip
    far = make_volunteer(world.areas.community_a2, skills=("health", "legal"), days=("1", "2"), slots=("am", "pm"),
                         latitude=lat + 0.05, longitude=lng)  # fmt: skip
    make_volunteer(
        world.areas.community_a1, skills=("legal",), days=("1",), slots=("am",), latitude=lat, longitude=lng
    )
    make_volunteer(
        world.areas.community_a1, skills=("health",), days=("2",), slots=("am",), latitude=lat, longitude=lng
    )
    make_volunteer(
        world.areas.community_a1, skills=("health",), days=("1",), slots=("pm",), latitude=lat, longitude=lng
    )
    make_volunteer(world.areas.community_a1, skills=("health",), days=("1",), slots=("am",), status="left")
    request = requests.request_create(
        elder=elder, skill="health", wanted_on=_monday(), wanted_slot="am", actor=world.dave
    )
    found = matching.candidates(request, world.bob)
    assert [c.volunteer for c in found] == [near, far]
    assert found[0].distance_m is not None and 100 < found[0].distance_m < 120
    # dave sees only his community's volunteers: the far one is in another community
    assert [c.volunteer for c in matching.candidates(request, world.dave)] == [near]


def test_offer_decline_offer_accept_and_serve(client: Client, world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1)
    lat, lng = home(elder)
    first = make_volunteer(world.areas.community_a1, skills=("health",), latitude=lat, longitude=lng)
    second = make_volunteer(world.areas.community_a1, skills=("health",), latitude=lat + 0.002, longitude=lng)
    request = requests.request_create(elder=elder, skill="health", wanted_on=_monday(), actor=world.erin,
                                      channel="hotline")  # fmt: skip
    requests.request_offer(request=request, volunteer=first, actor=world.erin)
    requests.request_decline(request=request, actor=world.dave, reason="出差")
    assert request.status == "open" and request.declined == [first.pk]
    assert [c.volunteer for c in matching.candidates(request, world.bob)] == [second]
    with pytest.raises(ValidationError, match="已婉拒"):
        requests.request_offer(request=request, volunteer=first, actor=world.erin)
    requests.request_offer(request=request, volunteer=second, actor=world.erin)
    requests.request_accept(request=request, actor=world.dave)
    with pytest.raises(ValidationError, match="还没有由该志愿者接单"):
        services.service_check_in(volunteer=first, elder=elder, skill="health", latitude=lat, longitude=lng,
                                  actor=world.dave, help_request=request)  # fmt: skip

    client.force_login(world.dave)
    page = client.get(reverse("volunteers:servicerecord_add"), {"request": request.pk}).content.decode()
    assert elder.id_number not in page  # the request names the elder: no ID number in the page
    response = client.post(reverse("volunteers:servicerecord_add"), {"help_request": request.pk, "skill": "health",
                                                                      "latitude": lat, "longitude": lng})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    record = request.services.get()
    record.checked_in_at -= datetime.timedelta(minutes=60)
    record.save()
    services.service_check_out(record=record, latitude=lat, longitude=lng, actor=world.dave)
    services.service_sign_off(record=record, method="family", signed_by="女儿", actor=world.dave)
    request.refresh_from_db()
    assert request.status == "done"
    assert TimeAccount.objects.get(volunteer=second).balance_minutes == 60


def test_the_request_pages(client: Client, world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1)
    home(elder)
    volunteer = make_volunteer(world.areas.community_a1, skills=("escort",), latitude=elder.latitude,
                               longitude=elder.longitude)  # fmt: skip
    client.force_login(world.erin)
    response = client.post(reverse("volunteers:helprequest_add"), {
        "elder": elder.id_number, "skill": "escort", "description": "周一去医院复查", "wanted_on": _monday().isoformat(),
        "wanted_slot": "am", "channel": "hotline"})  # fmt: skip
    assert response.status_code == 302
    request = HelpRequest.objects.get()
    detail = reverse("volunteers:helprequest_detail", args=[request.pk])
    assert volunteer.name in client.get(detail).content.decode()
    verb = lambda v: reverse("volunteers:helprequest_verb", args=[request.pk, v])  # noqa: E731
    assert client.post(verb("offer"), {"volunteer": volunteer.pk}).status_code == 302
    assert client.post(verb("accept")).status_code == 302
    request.refresh_from_db()
    assert (request.status, request.volunteer) == ("accepted", volunteer)
    bad = client.post(reverse("volunteers:helprequest_add"), {"elder": "123", "skill": "escort"})
    assert bad.status_code == 400 and HelpRequest.objects.count() == 1


def test_matching_returns_the_true_nearest_not_any_in_the_square(world: World) -> None:
    """Nearest first by the database, ten at most; a volunteer just outside the first square (1.2 km
    north) is nearer than one in its corner (1.4 km): the square widens before answering."""
    elder = ElderFactory.create(area=world.areas.community_a1)
    lat, lng = home(elder)
    shrink = math.cos(math.radians(lat))
    corner = make_volunteer(world.areas.community_a1, skills=("health",), latitude=lat + 0.009,
                            longitude=lng + 0.009 / shrink)  # fmt: skip
    north = make_volunteer(world.areas.community_a1, skills=("health",), latitude=lat + 0.011, longitude=lng)
    request = requests.request_create(elder=elder, skill="health", wanted_on=_monday(), actor=world.dave)
    assert [c.volunteer for c in matching.candidates(request, world.bob, limit=1)] == [north]
    assert [c.volunteer for c in matching.candidates(request, world.bob, limit=2)] == [north, corner]
    # twelve more at 100 m, 200 m … written in a shuffled order: the ten nearest, nearest first
    steps = [7, 2, 11, 4, 1, 9, 12, 3, 6, 10, 5, 8]
    by_step = {
        n: make_volunteer(
            world.areas.community_a1, skills=("health",), latitude=lat + n * 0.0009, longitude=lng
        )
        for n in steps
    }
    found = matching.candidates(request, world.bob)
    assert [c.volunteer for c in found] == [by_step[n] for n in range(1, 11)]
    distances = [c.distance_m or 0 for c in found]
    assert distances == sorted(distances) and 90 < distances[0] < 110
    unplaced = make_volunteer(world.areas.community_a1, skills=("health",), latitude=None, longitude=None)
    assert unplaced not in [c.volunteer for c in matching.candidates(request, world.bob, limit=10)]
    assert [c.volunteer for c in matching.candidates(request, world.bob, limit=20)][-1] == unplaced
