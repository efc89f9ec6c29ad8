"""The alarm workflow with its timestamps, the service-level figures, audit and the timeline."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yiyang.core.models import AccessLog, AuditEntry
from yiyang.core.testing import World
from yiyang.people.timeline import elder_timeline
from yiyang.safety import actions, selectors
from yiyang.safety.choices import AlarmStatus
from yiyang.safety.ingest import ingest
from yiyang.safety.models import Alarm
from yiyang.safety.tests.factories import make_contact, make_device, make_elder, message

pytestmark = pytest.mark.django_db


def _alarm(world: World, area: str = "community_a1") -> Alarm:
    elder = make_elder(area=world.areas[area])
    device = make_device(elder=elder)
    ingest(message(device.serial, "sos"))
    return Alarm.objects.get(elder=elder)


def test_full_walk_with_timings(world: World) -> None:
    alarm = _alarm(world)
    c2 = make_contact(elder=alarm.elder, priority=2, is_keyholder=True)
    c1 = make_contact(elder=alarm.elder, priority=1)
    t0 = alarm.raised_at
    at = lambda s: t0 + datetime.timedelta(seconds=s)  # noqa: E731
    op = world.erin  # hotline operator
    actions.alarm_acknowledge(alarm=alarm, actor=op, now=at(20))
    actions.alarm_call(alarm=alarm, outcome="no_answer", actor=op, now=at(40))
    actions.alarm_call(alarm=alarm, contact=c1, outcome="no_answer", actor=op, now=at(70))
    actions.alarm_call(alarm=alarm, contact=c2, outcome="reached", actor=op, now=at(95))
    actions.alarm_dispatch(alarm=alarm, target="grid_worker", to="东市网格员", actor=op, now=at(120))
    actions.alarm_arrive(alarm=alarm, actor=world.dave, now=at(900))
    actions.alarm_close(alarm=alarm, outcome="real", notes="老人摔倒，已送医", actor=op, now=at(1500))
    alarm.refresh_from_db()
    assert alarm.status == AlarmStatus.CLOSED and alarm.outcome == "real"
    assert alarm.seconds_between("raised_at", "acknowledged_at") == 20
    assert alarm.seconds_between("raised_at", "contacting_at") == 40
    assert alarm.seconds_between("raised_at", "reached_at") == 95
    assert alarm.elder_reached_at is None
    assert alarm.seconds_between("raised_at", "on_site_at") == 900
    calls = list(alarm.calls.all())
    assert [c.callee_kind for c in calls] == ["elder", "contact", "contact"]
    assert calls[2].is_keyholder and "*" in calls[2].phone_masked
    verbs = list(
        AuditEntry.objects.filter(object_type="safety.alarm", object_id=str(alarm.pk))
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "alarm.raise",
        "alarm.acknowledge",
        "alarm.call",
        "alarm.call",
        "alarm.call",
        "alarm.dispatch",
        "alarm.arrive",
        "alarm.close",
    ]
    assert AuditEntry.objects.filter(
        verb="alarm.close", subject_id=alarm.elder_id, area_path=alarm.elder.area_path
    ).exists()

    today = timezone.localdate()
    rows = selectors.sla_rows(op, today - datetime.timedelta(days=1), today)
    street, total = rows[0], rows[-1]
    assert street.street_name == "金沙街道" and street.alarms == 1 and street.answered_in_time == 1
    assert (street.median_ack, street.median_reach, street.median_arrive) == (20, 95, 900)
    assert total.street_name == "合计" and total.false_rate == 0


def test_steps_out_of_order_are_refused(world: World) -> None:
    alarm = _alarm(world)
    with pytest.raises(ValidationError):
        actions.alarm_dispatch(alarm=alarm, target="120", actor=world.erin)
    with pytest.raises(ValidationError):
        actions.alarm_close(alarm=alarm, outcome="false", notes="误按", actor=world.erin)
    actions.alarm_acknowledge(alarm=alarm, actor=world.erin)
    with pytest.raises(ValidationError):
        actions.alarm_acknowledge(alarm=alarm, actor=world.erin)
    with pytest.raises(ValidationError):
        actions.alarm_arrive(alarm=alarm, actor=world.erin)
    with pytest.raises(ValidationError, match="处置记录"):
        actions.alarm_close(alarm=alarm, outcome="false", notes="", actor=world.erin)
    actions.alarm_close(alarm=alarm, outcome="false", notes="老人误按", actor=world.erin)


def test_permission_and_scope_are_checked(world: World) -> None:
    alarm = _alarm(world)
    with pytest.raises(PermissionDenied):
        actions.alarm_acknowledge(alarm=alarm, actor=world.grace)  # auditor: reads only
    with pytest.raises(PermissionDenied):
        actions.alarm_acknowledge(alarm=alarm, actor=world.carol)  # street B
    actions.alarm_acknowledge(alarm=alarm, actor=world.bob)  # street A


def test_sla_share_and_false_rate(world: World) -> None:
    t = timezone.now()
    cases: list[tuple[int | None, str]] = [(30, "false"), (59, "real"), (75, "false"), (None, "")]
    for ack_after, outcome in cases:
        alarm = _alarm(world)
        if ack_after is not None:
            actions.alarm_acknowledge(
                alarm=alarm, actor=world.erin, now=alarm.raised_at + datetime.timedelta(seconds=ack_after)
            )
            actions.alarm_close(
                alarm=alarm,
                outcome=outcome,
                notes="处理完毕",
                actor=world.erin,
                now=t + datetime.timedelta(minutes=5),
            )
    total = selectors.sla_rows(world.alice, timezone.localdate(), timezone.localdate())[-1]
    assert total.alarms == 4 and total.answered_in_time == 2 and total.answered_share == 0.5
    assert total.closed == 3 and total.false_alarms == 2
    assert not total.meets_target
    assert (
        selectors.sla_rows(world.carol, timezone.localdate(), timezone.localdate()) == []
    )  # street B sees none


def test_contact_reveal_is_logged(world: World) -> None:
    alarm = _alarm(world)
    contact = make_contact(elder=alarm.elder, phone="13700001234")
    assert actions.contact_phone_reveal(contact=contact, reason="告警回拨", actor=world.erin) == "13700001234"
    log = AccessLog.objects.get(kind="reveal", object_type="people.eldercontact")
    assert log.subject_id == alarm.elder_id and log.reason == "告警回拨"
    with pytest.raises(PermissionDenied):
        actions.contact_phone_reveal(contact=contact, reason="好奇", actor=world.grace)


def test_timeline_shows_alarms_and_installs(world: World) -> None:
    alarm = _alarm(world)
    actions.alarm_acknowledge(alarm=alarm, actor=world.erin)
    actions.alarm_close(alarm=alarm, outcome="false", notes="老人误按", actor=world.erin)
    titles = [e.title for e in elder_timeline(alarm.elder, world.alice)]
    assert "告警：紧急呼叫" in titles and "安装一键呼叫" in titles
    detail = next(e.detail for e in elder_timeline(alarm.elder, world.alice) if e.title == "告警：紧急呼叫")
    assert "误报" in detail


def test_checkin_record(world: World) -> None:
    elder = make_elder(area=world.areas.community_a1)
    actions.checkin_record(elder=elder, method="call", actor=world.dave)
    with pytest.raises(ValidationError, match="今天已签到"):
        actions.checkin_record(elder=elder, method="visit", actor=world.dave)
    with pytest.raises(PermissionDenied):
        actions.checkin_record(
            elder=make_elder(area=world.areas.community_b1), method="call", actor=world.dave
        )


def test_demo_installs_devices_and_raises_live_alarms(world: World) -> None:
    from yiyang.safety.demo import run_safety_demo
    from yiyang.safety.models import Device

    alone_old = make_elder(area=world.areas.community_a1, living_situation="alone", age=85)
    for _ in range(4):
        make_elder(area=world.areas.community_b1)
    result = run_safety_demo(homes=3, history_days=10, live=3)
    assert result.homes == 3 and result.devices >= 12 and result.history_alarms > 0
    assert Device.objects.filter(elder=alone_old, kind="fall_detector").exists()  # 80+ alone first
    assert result.live_alarms == 3
    assert Alarm.objects.filter(closed_at__isnull=True).count() == 3
