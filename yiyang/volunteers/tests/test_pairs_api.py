"""Neighbour mutual-aid pairs through the API (pair, end, nearby elders), and the pair form proposing
the elders nearest to the volunteer's home: scoped, nearest first, never one already paired."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.core.models import AuditEntry
from yiyang.core.testing import World
from yiyang.people.tests.factories import ElderFactory
from yiyang.volunteers import matching
from yiyang.volunteers.actions import pairs
from yiyang.volunteers.models import MutualAidPair
from yiyang.volunteers.tests.factories import make_volunteer

LAT, LNG = 32.0661, 121.0732


def _elder(area: Any, north_m: float, **extra: Any) -> Any:
    """A living elder ``north_m`` metres north of (LAT, LNG)."""
    return ElderFactory.create(area=area, latitude=LAT + north_m / 111_195, longitude=LNG, **extra)


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_nearby_elders_nearest_first_scoped_and_not_paired_twice(world: World) -> None:
    volunteer = make_volunteer(world.areas.community_a1, latitude=LAT, longitude=LNG)
    far = _elder(world.areas.community_a1, 900)
    near = _elder(world.areas.community_a1, 150)
    middle = _elder(world.areas.community_a2, 400)  # the same street, another community
    _elder(world.areas.community_b1, 50)  # nearest of all, but in street B
    gone = _elder(world.areas.community_a1, 100)
    gone.status = "deceased"
    gone.save()
    assert [p.elder for p in matching.nearby_elders(volunteer, world.bob)] == [near, middle, far]
    proposals = matching.nearby_elders(volunteer, world.dave)  # dave: community A1 only
    assert [p.elder for p in proposals] == [near, far]
    assert 140 < (proposals[0].distance_m or 0) < 160
    pairs.pair_create(volunteer=volunteer, elder=near, skill="companionship", every_days=7, actor=world.dave)
    assert [p.elder for p in matching.nearby_elders(volunteer, world.dave)] == [far]
    assert [p.elder for p in matching.nearby_elders(volunteer, world.dave, limit=1)] == [far]
    volunteer.latitude = None
    assert matching.nearby_elders(volunteer, world.dave) == []  # no home position: nothing to propose


def test_the_pair_form_proposes_nearby_elders_and_pairs_the_one_ticked(client: Client, world: World) -> None:
    volunteer = make_volunteer(world.areas.community_a1, latitude=LAT, longitude=LNG)
    near = _elder(world.areas.community_a1, 150)
    far = _elder(world.areas.community_a1, 900)
    outside = _elder(world.areas.community_b1, 50)
    client.force_login(world.dave)
    url = reverse("volunteers:mutualaidpair_add")
    page = client.get(url).content.decode()
    assert 'id="pair-proposals"' in page and 'hx-get=""' in page  # choosing the volunteer reloads them
    page = client.get(url, {"volunteer": volunteer.pk}).content.decode()
    assert page.index(near.id_number_masked) < page.index(far.id_number_masked)
    assert outside.name not in page and near.id_number not in page
    body = {"volunteer": volunteer.pk, "skill": "companionship", "every_days": "7",
            "started_on": timezone.localdate().isoformat(), "note": ""}  # fmt: skip
    missing = client.post(url, body)
    assert missing.status_code == 200 and "请选择附近的老人" in missing.content.decode()
    foreign = client.post(url, {**body, "nearby_elder": outside.pk})  # not among the proposals
    assert foreign.status_code == 200 and not MutualAidPair.objects.exists()
    assert client.post(url, {**body, "nearby_elder": near.pk}).status_code == 302
    pair = MutualAidPair.objects.get()
    assert (pair.volunteer, pair.elder) == (volunteer, near) and 140 < (pair.distance_m or 0) < 160
    # the ID number typed still works, and wins over a proposal ticked
    third = _elder(world.areas.community_a1, 500)
    response = client.post(url, {**body, "nearby_elder": third.pk, "elder_id_number": far.id_number})
    assert response.status_code == 302
    assert MutualAidPair.objects.filter(volunteer=volunteer, elder=far).exists()
    assert not MutualAidPair.objects.filter(elder=third).exists()


def test_pair_through_the_api_end_it_and_ask_for_nearby_elders(client: Client, world: World) -> None:
    volunteer = make_volunteer(world.areas.community_a1, latitude=LAT, longitude=LNG)
    near = _elder(world.areas.community_a1, 150)
    outside = _elder(world.areas.community_b1, 50)
    client.force_login(world.dave)
    nearby = client.get(reverse("mutualaidpair-nearby-elders"), {"volunteer": volunteer.pk})
    assert nearby.status_code == 200
    assert [(e["elder"], e["id_number_masked"]) for e in nearby.json()] == [(near.pk, near.id_number_masked)]
    assert client.get(reverse("mutualaidpair-nearby-elders"), {"volunteer": "x"}).status_code == 400
    assert client.get(reverse("mutualaidpair-nearby-elders")).status_code == 400

    url = reverse("mutualaidpair-list")
    refused = _post(client, url, {"volunteer": volunteer.pk, "elder": outside.pk})
    assert refused.status_code == 400 and "elder" in refused.json()
    assert not MutualAidPair.objects.exists()
    assert (
        _post(client, url, {"volunteer": volunteer.pk, "elder": near.pk, "every_days": 0}).status_code == 400
    )
    made = _post(
        client, url, {"volunteer": volunteer.pk, "elder": near.pk, "every_days": 14, "note": "每两周"}
    )
    assert made.status_code == 201, made.content
    pair = MutualAidPair.objects.get(pk=made.json()["id"])
    assert (pair.volunteer, pair.elder, pair.every_days, pair.status) == (volunteer, near, 14, "active")
    assert AuditEntry.objects.filter(verb="mutualaidpair.create", object_id=str(pair.pk)).exists()
    twice = _post(client, url, {"volunteer": volunteer.pk, "elder": near.pk})
    assert twice.status_code == 400 and not MutualAidPair.objects.exclude(pk=pair.pk).exists()

    end = reverse("mutualaidpair-end", args=[pair.pk])
    assert _post(client, end, {"reason": "cash"}).status_code == 400
    ended = _post(client, end, {"reason": "agreed", "note": "搬家"})
    assert ended.status_code == 200 and ended.json()["status"] == "ended"

    # carol (street B) sees neither the pair nor the volunteer; frank's role has no pairs at all
    client.force_login(world.carol)
    assert client.get(reverse("mutualaidpair-detail", args=[pair.pk])).status_code == 404
    assert _post(client, end, {"reason": "agreed"}).status_code == 404
    nearby = client.get(reverse("mutualaidpair-nearby-elders"), {"volunteer": volunteer.pk})
    assert nearby.status_code in (400, 403)
    client.force_login(world.frank)
    assert _post(client, url, {"volunteer": volunteer.pk, "elder": near.pk}).status_code == 403
