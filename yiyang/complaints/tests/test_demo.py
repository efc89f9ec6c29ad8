from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from yiyang.complaints.choices import Status
from yiyang.complaints.models import Case, CaseEvent
from yiyang.core.testing import World
from yiyang.people.tests.factories import ElderFactory
from yiyang.services.tests import factories as f

pytestmark = pytest.mark.django_db


def test_demo_builds_and_rebuilds_without_doubling(world: World) -> None:
    ElderFactory.create_batch(30, area=world.areas.community_a1)
    ElderFactory.create_batch(30, area=world.areas.community_b1)
    f.provider(items=[f.item()])
    call_command("demo_complaints", stdout=io.StringIO())
    count = Case.objects.count()
    assert count >= 20
    assert Case.objects.filter(status=Status.CLOSED).exists()
    assert not Case.objects.filter(status=Status.CLOSED, reply="").exists()
    assert Case.objects.filter(number__startswith="TS").count() == count
    call_command("demo_complaints", stdout=io.StringIO())
    assert Case.objects.count() == count
    assert CaseEvent.objects.filter(case__isnull=True).count() == 0
