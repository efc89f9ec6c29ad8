"""Approved subsidy lines never disappear by cascade: a worker, her certificate or her employer with
reviewed or approved lines cannot be deleted (a clear refusal), a draft's lines go with them, and the
demo still rebuilds (``demo_all --reset`` empties the workforce before the employers)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.management import call_command, get_commands
from django.db import IntegrityError
from django.db.models import Model

from yiyang.core.management.commands.demo_all import Command as DemoAll
from yiyang.core.testing import World
from yiyang.institutions import demo as institutions_demo
from yiyang.institutions.models import Institution
from yiyang.institutions.tests.factories import make_institution
from yiyang.meals import demo as meals_demo
from yiyang.meals.models import Canteen
from yiyang.meals.tests.factories import make_canteen
from yiyang.services.models import Provider
from yiyang.workforce import actions
from yiyang.workforce.models import CareWorker, Certificate, PostSubsidyLine, PostSubsidyRoll
from yiyang.workforce.models.subsidies import SettledSubsidyError
from yiyang.workforce.tests.factories import make_certificate, make_provider, make_worker

pytestmark = pytest.mark.django_db

NOV = datetime.date(2026, 11, 1)


def _paid(world: World, employer: Model, *, approve: bool = True) -> tuple[CareWorker, PostSubsidyRoll]:
    worker = make_worker(world.areas.community_a1, employer, name="王秀英")
    make_certificate(worker)
    roll = actions.roll_generate(area=world.areas.street_a, month=NOV, actor=world.bob)
    assert roll.line_count == 1
    if approve:
        actions.roll_review(roll=roll, actor=world.bob)
        actions.roll_approve(roll=roll, actor=world.alice)
    return worker, roll


def test_a_worker_with_approved_lines_is_not_deleted(world: World) -> None:
    worker, roll = _paid(world, make_provider())
    with pytest.raises(SettledSubsidyError) as refused:
        worker.delete()
    assert isinstance(refused.value, IntegrityError)
    message = str(refused.value.args[0])
    assert "王秀英" in message and str(roll) in message and "离职" in message
    with pytest.raises(SettledSubsidyError):
        CareWorker.objects.filter(pk=worker.pk).delete()
    with pytest.raises(SettledSubsidyError):
        Certificate.objects.filter(worker=worker).delete()
    assert PostSubsidyLine.objects.filter(worker=worker).count() == 1
    assert CareWorker.objects.filter(pk=worker.pk).exists()


def test_a_reviewed_roll_protects_too_but_a_draft_goes_with_its_worker(world: World) -> None:
    worker, roll = _paid(world, make_provider(), approve=False)
    other = make_worker(world.areas.community_a1)
    make_certificate(other)
    roll = actions.roll_generate(area=world.areas.street_a, month=NOV, actor=world.bob)
    assert roll.line_count == 2
    worker.delete()  # a draft: the roll is regenerated anyway
    assert not PostSubsidyLine.objects.filter(worker_id=worker.pk).exists()
    roll = actions.roll_generate(area=world.areas.street_a, month=NOV, actor=world.bob)
    actions.roll_review(roll=roll, actor=world.bob)
    with pytest.raises(SettledSubsidyError):
        other.delete()


@pytest.mark.parametrize("kind", ["provider", "institution", "canteen"])
def test_an_employer_whose_worker_was_paid_is_not_deleted(world: World, kind: str) -> None:
    def make() -> Model:
        if kind == "provider":
            return make_provider()
        if kind == "institution":
            return make_institution(world.areas.community_a1)
        return make_canteen(world.areas.community_a1)

    employer = make()
    worker, _roll = _paid(world, employer)
    model: Any = type(employer)
    with pytest.raises(SettledSubsidyError, match="用人单位不再经营请停用"):
        model.objects.filter(pk=employer.pk).delete()
    assert model.objects.filter(pk=employer.pk).exists()
    assert PostSubsidyLine.objects.filter(worker=worker).exists()
    # Without paid workers an employer still goes, with its workers.
    spare = make()
    make_worker(world.areas.community_a1, spare)
    spare.delete()
    assert CareWorker.objects.count() == 1


def test_the_demo_rebuild_empties_the_workforce_before_the_employers(world: World) -> None:
    provider = make_provider()
    home = make_institution(world.areas.community_a1)
    canteen = make_canteen(world.areas.community_a2)
    for employer in (provider, home, canteen):
        _paid_worker = make_worker(world.areas.community_a1, employer)
        make_certificate(_paid_worker)
    roll = actions.roll_generate(area=world.areas.street_a, month=NOV, actor=world.bob)
    actions.roll_review(roll=roll, actor=world.bob)
    actions.roll_approve(roll=roll, actor=world.alice)
    with pytest.raises(SettledSubsidyError):
        meals_demo.reset()  # a module's own reset alone is refused: the lines are approved
    out = io.StringIO()
    command = DemoAll(stdout=out)
    command.empty_in_reverse(get_commands())
    assert "demo_workforce" in out.getvalue()
    assert not CareWorker.objects.exists() and not PostSubsidyRoll.objects.exists()
    meals_demo.reset()
    institutions_demo.reset()
    assert not Canteen.objects.exists() and not Institution.objects.exists()
    assert Provider.objects.filter(pk=provider.pk).exists()
    call_command("demo_workforce", stdout=io.StringIO())  # and the module rebuilds after
