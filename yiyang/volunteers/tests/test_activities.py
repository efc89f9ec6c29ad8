"""Activities: sign-up within capacity, attendance by the ticket's code (once), volunteers credited once."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.core.testing import World
from yiyang.people.tests.factories import ElderFactory
from yiyang.volunteers import checks
from yiyang.volunteers.actions import activities
from yiyang.volunteers.models import Activity, Participation, TimeAccount
from yiyang.volunteers.tests.factories import make_volunteer


def make_activity(area: Any, *, capacity: int = 2, hours_ago: int = 3) -> Activity:
    """An activity that began ``hours_ago`` hours ago, but today when it began in the past: the door
    scans only on the activity's day, and just after midnight "three hours ago" is yesterday."""
    start = timezone.now() - datetime.timedelta(hours=hours_ago)
    if hours_ago > 0:
        midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        start = max(start, midnight)
    return Activity.objects.create(name="重阳敬老游园会", kind="chongyang", area=area, place="社区广场",
                                   starts_at=start, ends_at=start + datetime.timedelta(hours=2), capacity=capacity)  # fmt: skip


def end_now(activity: Activity) -> None:
    """The activity is over (it may have begun at midnight a minute ago)."""
    activity.ends_at = min(activity.ends_at, timezone.now())
    Activity.objects.filter(pk=activity.pk).update(ends_at=activity.ends_at)


def test_sign_up_within_capacity_attend_once_and_credit_staff_once(world: World) -> None:
    activity = make_activity(world.areas.community_a1)
    a, b, c = (ElderFactory.create(area=world.areas.community_a1) for _ in range(3))
    ticket = activities.activity_sign_up(activity=activity, elder=a, actor=world.dave)
    with pytest.raises(ValidationError, match="已报名"):
        activities.activity_sign_up(activity=activity, elder=a, actor=world.dave)
    activities.activity_sign_up(activity=activity, elder=b, actor=world.dave, by="老人本人报名")
    with pytest.raises(ValidationError, match="名额已满"):
        activities.activity_sign_up(activity=activity, elder=c, actor=world.dave)
    row, new = activities.participation_attend(code=ticket.code, actor=world.dave)
    assert new and row.attended_at is not None
    assert activities.participation_attend(code=ticket.code, actor=world.dave)[1] is False
    with pytest.raises(ValidationError, match="签到码无效"):
        activities.participation_attend(code="nope", actor=world.dave)

    volunteer = make_volunteer(world.areas.community_a1)
    absent = make_volunteer(world.areas.community_a1)
    staff = activities.activity_add_staff(activity=activity, volunteer=volunteer, actor=world.dave)
    activities.activity_add_staff(activity=activity, volunteer=absent, actor=world.dave)
    activities.participation_attend(code=staff.code, actor=world.dave)
    end_now(activity)
    activities.activity_credit_staff(activity=activity, actor=world.dave)
    activities.activity_credit_staff(activity=activity, actor=world.dave)  # twice: credited once
    assert (
        TimeAccount.objects.get(volunteer=volunteer).balance_minutes == activity.minutes
    )  # 120 but after midnight
    assert not TimeAccount.objects.filter(volunteer=absent).exists()
    check = checks.run_check(month=timezone.localdate(), actor=None)
    assert check.ok, check.problems


def test_no_credit_before_the_end_and_no_scan_on_another_day(world: World) -> None:
    upcoming = make_activity(world.areas.community_a1, hours_ago=-48)
    ticket = activities.activity_sign_up(activity=upcoming, elder=ElderFactory.create(area=world.areas.community_a1),
                                         actor=world.dave)  # fmt: skip
    with pytest.raises(ValidationError, match="活动当天"):
        activities.participation_attend(code=ticket.code, actor=world.dave)
    with pytest.raises(ValidationError, match="活动结束后"):
        activities.activity_credit_staff(activity=upcoming, actor=world.dave)


def test_the_pages_sign_up_ticket_and_scan(client: Client, world: World) -> None:
    activity = make_activity(world.areas.community_a1, capacity=5)
    elder = ElderFactory.create(area=world.areas.community_a1, name="沈兰英")
    client.force_login(world.dave)
    verb = reverse("volunteers:activity_verb", args=[activity.pk, "sign_up"])
    assert client.post(verb, {"elder": elder.id_number, "by": "社区代报名"}).status_code == 302
    row = Participation.objects.get()
    ticket = client.get(reverse("volunteers:participation_ticket", args=[row.pk])).content.decode()
    assert "<svg" in ticket and elder.id_number not in ticket
    attend = reverse("volunteers:participation_attend", args=[row.code])
    assert "确认签到" in client.get(attend).content.decode()
    assert client.post(attend).status_code == 302
    assert client.post(attend).status_code == 302  # scanned twice
    row.refresh_from_db()
    assert row.attended_at is not None
    client.force_login(world.carol)  # another street: the code is out of reach
    assert client.get(attend).status_code == 404
