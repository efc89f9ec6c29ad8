"""Neighbour mutual-aid pairs (邻里互助结对): pairing, calls credited through the ordinary service
actions (one way into the ledger), overdue calls listed for the community, pairs ending when the
elder dies or moves or the volunteer leaves, and the pages (volume: exact counts past a page)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from yiyang.core.models import AuditEntry
from yiyang.core.testing import World
from yiyang.people.actions import elder_set_status
from yiyang.people.tests.factories import ElderFactory
from yiyang.volunteers.actions import pairs, services
from yiyang.volunteers.models import MutualAidPair, ServiceRecord, TimeAccount, TimeMovement
from yiyang.volunteers.tests.factories import home, make_volunteer
from yiyang.volunteers.tests.formdata import form_data


def _pair(world: World, every_days: int = 7, started: datetime.date | None = None) -> MutualAidPair:
    elder = ElderFactory.create(area=world.areas.community_a1, living_situation="alone")
    lat, lng = home(elder)
    volunteer = make_volunteer(world.areas.community_a1, latitude=lat + 0.001, longitude=lng)
    return pairs.pair_create(volunteer=volunteer, elder=elder, skill="companionship", every_days=every_days,
                             started_on=started, actor=world.dave)  # fmt: skip


def _call(pair: MutualAidPair, actor: object, minutes: int = 60) -> ServiceRecord:
    lat, lng = home(pair.elder)
    start = timezone.now() - datetime.timedelta(minutes=minutes + 1)
    record = services.service_check_in(volunteer=pair.volunteer, elder=pair.elder, skill=pair.skill, latitude=lat,
                                       longitude=lng, actor=actor, at=start, pair=pair)  # fmt: skip
    services.service_check_out(record=record, latitude=lat, longitude=lng, actor=actor,
                               at=start + datetime.timedelta(minutes=minutes, seconds=30))  # fmt: skip
    services.service_sign_off(record=record, method="signature", signed_by=pair.elder.name, actor=actor)
    return record


def test_pair_records_distance_due_day_and_audit(world: World) -> None:
    start = timezone.localdate() - datetime.timedelta(days=3)
    pair = _pair(world, every_days=7, started=start)
    assert pair.distance_m is not None and 100 < pair.distance_m < 120
    assert pair.next_due_on == start + datetime.timedelta(days=7) and pair.days_overdue() == 0
    assert AuditEntry.objects.filter(verb="mutualaidpair.create", object_id=str(pair.pk)).count() == 1
    # the same two people twice: refused with a reason
    with pytest.raises(ValidationError, match="已与这位老人结对"):
        pairs.pair_create(
            volunteer=pair.volunteer, elder=pair.elder, skill="health", every_days=3, actor=world.dave
        )
    with pytest.raises(ValidationError, match="1到90天"):
        pairs.pair_create(volunteer=pair.volunteer, elder=ElderFactory.create(area=world.areas.community_a1),
                          skill="health", every_days=0, actor=world.dave)  # fmt: skip


def test_a_call_is_an_ordinary_verified_service_credited_once(world: World) -> None:
    pair = _pair(world, every_days=7, started=timezone.localdate() - datetime.timedelta(days=10))
    assert pair.days_overdue() == 3
    record = _call(pair, world.dave, minutes=60)
    pair.refresh_from_db()
    called_on = timezone.localdate(record.checked_in_at)  # just after midnight: yesterday, an hour ago
    assert pair.last_visit_on == called_on and pair.days_overdue() == 0
    assert pair.next_due_on == called_on + datetime.timedelta(days=7)
    # the hours went in through the ordinary earning, naming the service (the month-end check's source)
    [movement] = TimeMovement.objects.filter(kind="earn")
    assert movement.source_key == f"service:{record.pk}" and movement.minutes == 60
    assert TimeAccount.objects.get(volunteer=pair.volunteer).balance_minutes == 60
    # a retried sign-off credits nothing more
    services.service_sign_off(record=record, method="signature", signed_by="x", actor=world.dave)
    assert TimeMovement.objects.filter(kind="earn").count() == 1


def test_check_in_must_name_the_pairs_own_people(world: World) -> None:
    pair = _pair(world)
    other = make_volunteer(world.areas.community_a1)
    lat, lng = home(pair.elder)
    with pytest.raises(ValidationError, match="不是这两位"):
        services.service_check_in(volunteer=other, elder=pair.elder, skill="companionship", latitude=lat,
                                  longitude=lng, actor=world.dave, pair=pair)  # fmt: skip
    pairs.pair_end(pair=pair, reason="agreed", actor=world.dave)
    with pytest.raises(ValidationError, match="已解除"):
        services.service_check_in(volunteer=pair.volunteer, elder=pair.elder, skill="companionship", latitude=lat,
                                  longitude=lng, actor=world.dave, pair=pair)  # fmt: skip


def test_death_of_the_elder_ends_the_pair(world: World) -> None:
    pair = _pair(world)
    day = timezone.localdate() - datetime.timedelta(days=1)
    elder_set_status(elder=pair.elder, status="deceased", date=day, note="死亡", actor=world.dave)
    pair.refresh_from_db()
    assert (pair.status, pair.end_reason, pair.ended_on) == ("ended", "elder_left", day)
    assert AuditEntry.objects.filter(verb="mutualaidpair.end", object_id=str(pair.pk)).count() == 1


def test_a_volunteer_who_leaves_ends_their_pairs_on_the_edit_page(client: Client, world: World) -> None:
    pair = _pair(world)
    paused = _pair(world)
    client.force_login(world.dave)
    for volunteer, status in ((pair.volunteer, "left"), (paused.volunteer, "paused")):
        url = reverse("volunteers:volunteer_edit", args=[volunteer.pk])
        data = {**form_data(client.get(url).content.decode()), "status": status}
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
    pair.refresh_from_db()
    assert (pair.status, pair.end_reason) == ("ended", "volunteer_left")
    paused.refresh_from_db()
    assert paused.status == "active"  # a pause keeps the pair


def test_end_twice_ends_once(world: World) -> None:
    pair = _pair(world)
    pairs.pair_end(pair=pair, reason="agreed", actor=world.dave)
    pairs.pair_end(pair=pair, reason="moved", actor=world.dave)
    pair.refresh_from_db()
    assert pair.end_reason == "agreed"
    assert AuditEntry.objects.filter(verb="mutualaidpair.end", object_id=str(pair.pk)).count() == 1
    # a new pair of the same two people may start after the old one ended
    again = pairs.pair_create(volunteer=pair.volunteer, elder=pair.elder, skill="health", every_days=14,
                              actor=world.dave)  # fmt: skip
    assert again.pk != pair.pk


def test_overdue_list_counts_exactly_past_a_page(client: Client, world: World) -> None:
    long_ago = timezone.localdate() - datetime.timedelta(days=30)
    due = [_pair(world, every_days=7, started=long_ago) for _ in range(53)]
    fresh = _pair(world, every_days=7)
    ended = _pair(world, every_days=7, started=long_ago)
    pairs.pair_end(pair=ended, reason="agreed", actor=world.dave)
    client.force_login(world.dave)
    response = client.get(reverse("volunteers:mutualaidpair_list") + "?overdue=true")
    assert response.status_code == 200
    assert response.context["table"].paginator.count == 53
    export = client.get(reverse("volunteers:mutualaidpair_list") + "?overdue=true&export=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    names = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True) if row[1]}
    assert len(names) == 53 and fresh.elder.name not in names and ended.elder.name not in names
    assert {p.elder.name for p in due} == names


def test_pair_pages_add_detail_check_in_link(client: Client, world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1)
    home(elder)
    volunteer = make_volunteer(world.areas.community_a1)
    client.force_login(world.dave)
    url = reverse("volunteers:mutualaidpair_add")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"volunteer": volunteer.pk, "elder_id_number": "123", "skill": "companionship",
                            "every_days": "7", "started_on": timezone.localdate().isoformat()})  # fmt: skip
    assert bad.status_code == 200 and not MutualAidPair.objects.exists()
    response = client.post(url, {"volunteer": volunteer.pk, "elder_id_number": elder.id_number,
                                 "skill": "companionship", "every_days": "7",
                                 "started_on": timezone.localdate().isoformat(), "note": "每周六上午"})  # fmt: skip
    assert response.status_code == 302
    pair = MutualAidPair.objects.get()
    page = client.get(pair.get_absolute_url()).content.decode()
    assert f"?pair={pair.pk}" in page and elder.id_number not in page
    checkin = client.get(reverse("volunteers:servicerecord_add") + f"?pair={pair.pk}").content.decode()
    assert 'id="checkin-pair"' in checkin and 'name="volunteer"' not in checkin
    ended = client.post(reverse("volunteers:mutualaidpair_end", args=[pair.pk]), {"reason": ""})
    assert ended.status_code == 400
    client.post(reverse("volunteers:mutualaidpair_end", args=[pair.pk]), {"reason": "agreed"})
    pair.refresh_from_db()
    assert pair.status == "ended"
