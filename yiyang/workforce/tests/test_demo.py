"""The workforce demo: every dispatch worker in the registry, carers of homes and canteens, classes that
certified, an approved roll; run again it replaces rather than doubles."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from yiyang.core.testing import World
from yiyang.institutions.tests.factories import make_institution
from yiyang.meals.tests.factories import make_canteen
from yiyang.services.models import Worker
from yiyang.workforce.models import CareWorker, Certificate, PostSubsidyLine, PostSubsidyRoll, TrainingClass
from yiyang.workforce.tests.factories import make_provider

pytestmark = pytest.mark.django_db


def test_demo_workforce_builds_the_registry_and_is_rerunnable(world: World) -> None:
    provider = make_provider()
    provider.area = world.areas.street_a
    provider.save()
    for i in range(5):
        Worker.objects.bulk_create(
            [Worker(provider=provider, name=f"助老员{i}", base_latitude=32.0, base_longitude=121.0)]
        )
    make_institution(world.areas.community_a1)
    make_canteen(world.areas.community_a2)
    out = io.StringIO()
    call_command("demo_workforce", stdout=out)
    assert "养老服务人才" in out.getvalue()
    assert not Worker.objects.filter(care_worker__isnull=True).exists()
    counts = (CareWorker.objects.count(), Certificate.objects.count(), TrainingClass.objects.count())
    assert counts[0] >= 5 + 3 + 1 and counts[1] > 0 and counts[2] >= 1
    assert not CareWorker.objects.filter(id_number_hash="").exists()
    call_command("demo_workforce", stdout=io.StringIO())
    assert (CareWorker.objects.count(), TrainingClass.objects.count()) == (counts[0], counts[2])
    assert not Worker.objects.filter(care_worker__isnull=True).exists()
    assert PostSubsidyRoll.objects.count() == 1
    assert PostSubsidyLine.objects.count() == PostSubsidyRoll.objects.get().line_count
