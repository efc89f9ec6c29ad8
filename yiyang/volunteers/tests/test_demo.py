from __future__ import annotations

import io

from django.core.management import call_command
from django.utils import timezone

from yiyang.core.models import Membership
from yiyang.core.testing import World
from yiyang.people.tests.factories import ElderFactory
from yiyang.volunteers import checks
from yiyang.volunteers.models import TimeMovement, Volunteer, VolunteerTeam


def test_demo_volunteers_builds_the_ledger_and_is_rerunnable(world: World) -> None:
    for _ in range(8):
        elder = ElderFactory.create(area=world.areas.community_a1, age=65)
        elder.latitude, elder.longitude = 32.06, 121.07
        elder.save()
    out = io.StringIO()
    call_command("demo_volunteers", stdout=out)
    assert "志愿者" in out.getvalue()
    volunteers, teams = Volunteer.objects.count(), VolunteerTeam.objects.count()
    assert volunteers > 20 and teams >= 1
    assert Volunteer.objects.filter(elder__isnull=False).exists()
    assert Membership.objects.filter(user__username="leader").count() == 1
    assert TimeMovement.objects.filter(kind="earn").count() > 10
    assert TimeMovement.objects.filter(kind="transfer").count() == 1
    assert checks.run_check(month=timezone.localdate(), actor=None).ok
    call_command("demo_volunteers", stdout=io.StringIO())
    assert (Volunteer.objects.count(), VolunteerTeam.objects.count()) == (volunteers, teams)
    assert TimeMovement.objects.filter(kind="transfer").count() == 1
    assert Membership.objects.filter(user__username="leader").count() == 1
