"""The volunteer registry as workers use it: register, validate, edit unchanged, teams and leaders."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from yiyang.accounts.roles import Role
from yiyang.core.models import AuditEntry
from yiyang.core.testing import World, make_user, new_id_number
from yiyang.people.tests.factories import ElderFactory
from yiyang.volunteers import actions
from yiyang.volunteers.models import Volunteer
from yiyang.volunteers.tests.factories import make_team, make_volunteer
from yiyang.volunteers.tests.formdata import form_data


def _post_data(world: World, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "id_number": new_id_number(age=30, sex="F"), "name": "李医生", "phone_input": "13912340000",
        "kind": "medical", "skill_set": ["health", "companionship"], "day_set": ["6", "7"], "slot_set": ["am"],
        "area": world.areas.community_a1.pk, "status": "active", "joined_on": "2026-03-01",
    }  # fmt: skip
    data.update(extra)
    return data


def test_a_community_worker_registers_a_volunteer(client: Client, world: World) -> None:
    client.force_login(world.dave)
    response = client.post(reverse("volunteers:volunteer_add"), _post_data(world))
    assert response.status_code == 302, response.content.decode()[:2000]
    volunteer = Volunteer.objects.get(name="李医生")
    assert volunteer.sex == "F" and volunteer.age == 30
    assert volunteer.skill_list() == ["companionship", "health"]
    assert volunteer.phone == "13912340000" and volunteer.phone_masked == "139****0000"
    assert volunteer.id_number_masked.count("*") == 8
    entry = AuditEntry.objects.get(verb="volunteer.create")
    assert "13912340000" not in str(entry.after) and volunteer.id_number not in str(entry.after)


@pytest.mark.parametrize(
    ("id_number", "message"),
    [("32061219900101123", "18位"), ("320612199001011234", "校验"), ("", "必填")],
)
def test_a_bad_id_number_is_refused_with_a_reason(
    client: Client, world: World, id_number: str, message: str
) -> None:
    client.force_login(world.dave)
    response = client.post(reverse("volunteers:volunteer_add"), _post_data(world, id_number=id_number))
    assert response.status_code == 200
    assert Volunteer.objects.count() == 0
    errors = response.context["form"].errors["id_number"]
    assert errors, errors


def test_one_person_is_registered_once(client: Client, world: World) -> None:
    client.force_login(world.dave)
    data = _post_data(world)
    assert client.post(reverse("volunteers:volunteer_add"), data).status_code == 302
    again = client.post(reverse("volunteers:volunteer_add"), {**data, "name": "李医生二"})
    assert again.status_code == 200
    assert "已登记为志愿者" in again.content.decode()
    assert Volunteer.objects.count() == 1


def test_an_elder_who_volunteers_joins_the_talent_pool(client: Client, world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1, age=66)
    client.force_login(world.dave)
    data = _post_data(world, id_number=elder.id_number, name=elder.name, former_profession="退休教师",
                      willingness="teach")  # fmt: skip
    assert client.post(reverse("volunteers:volunteer_add"), data).status_code == 302
    volunteer = Volunteer.objects.get()
    assert volunteer.elder == elder and volunteer.in_talent_pool
    listed = client.get(reverse("volunteers:volunteer_list"), {"talent_pool": "true"})
    assert volunteer.id_number_masked in listed.content.decode()
    younger = make_volunteer(world.areas.community_a1, age=30)
    assert younger.id_number_masked not in listed.content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_edit_form_posted_unchanged_changes_nothing(client: Client, world: World, language: str) -> None:
    team = make_team(world.areas.community_a1)
    volunteer = make_volunteer(world.areas.community_a1, phone="13900001111", team=team, note="周末可来")
    client.cookies["django_language"] = language
    client.force_login(world.dave)
    url = reverse("volunteers:volunteer_edit", args=[volunteer.pk])
    before = {f.attname: getattr(volunteer, f.attname) for f in Volunteer._meta.concrete_fields}
    data = form_data(client.get(url).content.decode())
    assert data["id_number"] == "" and data["phone_input"] == ""  # never put into the page
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    volunteer.refresh_from_db()
    after = {f.attname: getattr(volunteer, f.attname) for f in Volunteer._meta.concrete_fields}
    changed = {k for k in before if before[k] != after[k]} - {"updated_at"}
    assert not changed, changed
    assert not AuditEntry.objects.filter(verb="volunteer.update").exists()
    team_url = reverse("volunteers:volunteerteam_edit", args=[team.pk])
    assert client.post(team_url, form_data(client.get(team_url).content.decode())).status_code == 302
    assert not AuditEntry.objects.filter(verb="volunteerteam.update").exists()


def test_a_team_leader_sees_the_team_and_its_volunteers_only(client: Client, world: World) -> None:
    ours = make_team(world.areas.other_community, name="崇川医疗队")
    theirs = make_team(world.areas.other_community, name="崇川法律队")
    member = make_volunteer(world.areas.other_community, team=ours)
    stranger = make_volunteer(world.areas.other_community, team=theirs)
    leader = make_user("leader", Role.VOLUNTEER_LEADER)
    actions.team_leader_add(team=ours, user=leader, actor=None)
    client.force_login(leader)
    teams = client.get(reverse("volunteers:volunteerteam_list")).content.decode()
    assert "崇川医疗队" in teams and "崇川法律队" not in teams
    people = client.get(reverse("volunteers:volunteer_list")).content.decode()
    assert member.id_number_masked in people and stranger.id_number_masked not in people
    assert client.get(reverse("volunteers:volunteer_detail", args=[stranger.pk])).status_code == 404
    assert client.get(reverse("people:elder_list")).status_code == 403


def test_only_leader_accounts_lead_a_team(client: Client, world: World) -> None:
    team = make_team(world.areas.community_a1)
    with pytest.raises(ValidationError):
        actions.team_leader_add(team=team, user=world.frank, actor=world.dave)
    leader = make_user("leader2", Role.VOLUNTEER_LEADER)
    client.force_login(world.dave)
    url = reverse("volunteers:volunteerteam_leader_add", args=[team.pk])
    assert client.post(url, {"user": leader.pk}).status_code == 302
    assert client.post(url, {"user": leader.pk}).status_code == 200  # already a leader: said so
    assert AuditEntry.objects.filter(verb="volunteerteam.leader_add").count() == 1
    # carol (street B) may not touch a team of street A
    client.force_login(world.carol)
    assert client.post(url, {"user": leader.pk}).status_code == 404


def test_more_volunteers_than_a_page_are_all_reachable(client: Client, world: World) -> None:
    for _ in range(55):
        make_volunteer(world.areas.community_a2)
    client.force_login(world.bob)
    first = client.get(reverse("volunteers:volunteer_list"))
    second = client.get(reverse("volunteers:volunteer_list"), {"page": 2})
    assert first.context["table"].page.paginator.count == 55
    names = {r.record.pk for r in first.context["table"].page.object_list}
    names |= {r.record.pk for r in second.context["table"].page.object_list}
    assert names == set(Volunteer.objects.values_list("pk", flat=True))
