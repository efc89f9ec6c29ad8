from __future__ import annotations

import datetime
import io
import random

import pytest
from django.core.management import call_command
from django.utils import timezone

from yiyang.assessments import demo, scoring
from yiyang.assessments.choices import Status
from yiyang.assessments.models import Assessment
from yiyang.assessments.selectors import latest_confirmed
from yiyang.assessments.tests.factories import elder_in, make_assessment
from yiyang.core.models import AccessLog
from yiyang.core.testing import World
from yiyang.people.models import Elder, ElderStat

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("level", range(5))
def test_demo_cases_score_to_their_target(level: int) -> None:
    rng = random.Random(level)
    for _ in range(50):
        answers, facts = demo.case_for_level(level, rng)
        assert scoring.score_gb42195(answers, facts).final_level == level


def test_load_demo_assessments(world: World) -> None:
    old = [elder_in(world.areas.community_a1, age=95) for _ in range(6)]
    young = [elder_in(world.areas.community_b1, age=62) for _ in range(6)]
    preset = elder_in(world.areas.community_a1, age=80)
    Elder.objects.filter(pk=preset.pk).update(capability_level=3)
    ids = [e.pk for e in [*old, *young, preset]]
    result = demo.load_demo_assessments(ids, timezone.localdate(), seed=1)
    assert result.created == 13 and sum(result.by_level.values()) == 13
    for elder in Elder.objects.filter(pk__in=ids):
        a = latest_confirmed(elder)
        assert a is not None and a.status == Status.CONFIRMED
        assert elder.capability_level == a.final_level
        assert a.total == sum((a.subtotals or {}).values()) == sum(a.answers.values())
    assert Elder.objects.get(pk=preset.pk).capability_level == 3
    assert ElderStat.objects.exists()
    again = demo.load_demo_assessments(ids, timezone.localdate(), seed=1)
    assert again.created == 0 and again.skipped == 13


def test_demo_command_share(world: World) -> None:
    for _ in range(10):
        elder_in(world.areas.community_a1)
    out = io.StringIO()
    call_command("demo_assessments", "--share", "0.3", stdout=out)
    assert Assessment.objects.count() == 3
    assert "已生成能力评估 3 条" in out.getvalue()


def test_assessments_due_command(world: World) -> None:
    today = timezone.localdate()
    late = elder_in(world.areas.community_a1)
    make_assessment(late, assessed_on=today - datetime.timedelta(days=380))
    soon = elder_in(world.areas.community_b1)
    make_assessment(soon, assessed_on=today - datetime.timedelta(days=350))
    fine = elder_in(world.areas.community_a1)
    make_assessment(fine, assessed_on=today)
    out = io.StringIO()
    call_command("assessments_due", "--days", "30", stdout=out)
    text = out.getvalue()
    assert late.name in text and soon.name in text and fine.name not in text
    assert late.id_number_masked in text and late.id_number not in text
    assert "已过期" in text and "金沙街道 东市社区" in text
    out = io.StringIO()
    call_command("assessments_due", "--area", world.areas.street_b.code, "--csv", stdout=out)
    assert soon.name in out.getvalue() and late.name not in out.getvalue()
    out = io.StringIO()
    call_command("assessments_due", "--expired", "--summary", stdout=out)
    assert "1 人" in out.getvalue() and late.name not in out.getvalue()
    assert AccessLog.objects.filter(object_type="assessments.assessment", kind="export").count() == 3
