"""The demo walks a street's households through every step, and a second run changes nothing."""

from __future__ import annotations

import pytest

from yiyang.adaptation.choices import Status
from yiyang.adaptation.demo import build
from yiyang.adaptation.models import Photo, PlanLine, Project
from yiyang.core.testing import World
from yiyang.people.tests.factories import CertificationFactory, ElderFactory
from yiyang.safety.models import Device

pytestmark = pytest.mark.django_db


def test_the_demo_covers_every_step_and_a_second_run_keeps_every_record(world: World) -> None:
    for n in range(20):
        elder = ElderFactory.create(area=world.areas.community_a1)
        CertificationFactory.create(elder=elder, category=["dibao", "dibian", "sanlao", "tekun"][n % 4])
    first = build()
    assert first.enrolled == 20 and first.paid == 4
    states = set(Project.objects.values_list("status", flat=True))
    assert {
        Status.SURVEYED,
        Status.APPROVED,
        Status.ASSIGNED,
        Status.ACCEPTED,
        Status.PAID,
        Status.OPTED_OUT,
    } <= states
    assert Project.objects.filter(use_check_from__isnull=False, use_checked_on__isnull=True).exists()
    counts = [m.objects.count() for m in (Project, PlanLine, Photo, Device)]
    second = build()
    assert second.enrolled == 0
    assert [m.objects.count() for m in (Project, PlanLine, Photo, Device)] == counts
