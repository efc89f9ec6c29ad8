"""Training: enrol, attendance and exam, 结业发证 once; the certificate then pays a post subsidy."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from yiyang.core.testing import World
from yiyang.workforce import actions
from yiyang.workforce.choices import CertificateLevel, ClassStatus
from yiyang.workforce.figures import training_progress
from yiyang.workforce.models import Certificate, PostSubsidyLine
from yiyang.workforce.tests.factories import make_class, make_worker

pytestmark = pytest.mark.django_db


def test_a_class_issues_certificates_to_those_who_passed_once(world: World) -> None:
    c = make_class(world.areas.street_a)
    good, absent, failed = (make_worker(world.areas.community_a1) for _ in range(3))
    for w, days, score in ((good, 17, 88), (absent, 10, 90), (failed, 17, 40)):
        t = actions.trainee_enrol(training_class=c, worker=w, actor=world.bob)
        assert actions.trainee_enrol(training_class=c, worker=w, actor=world.bob) == t  # once per class
        actions.trainee_record(trainee=t, days_attended=days, exam_score=score, actor=world.bob)
    c.refresh_from_db()
    assert c.status == ClassStatus.RUNNING  # attendance recorded: under way, no longer planned
    assert actions.class_finish(training_class=c, actor=world.bob) == 1
    assert actions.class_finish(training_class=c, actor=world.bob) == 0
    c.refresh_from_db()
    assert c.status == ClassStatus.FINISHED
    cert = Certificate.objects.get()
    assert (cert.worker, cert.level, cert.valid_from) == (good, CertificateLevel.MIDDLE, c.ends_on)
    actions.roll_generate(area=world.areas.street_a, month=datetime.date(2026, 3, 1), actor=world.bob)
    assert list(PostSubsidyLine.objects.values_list("worker", flat=True)) == [good.pk]


def test_bad_attendance_and_scores_are_refused(world: World) -> None:
    c = make_class(world.areas.street_a, days=5)
    t = actions.trainee_enrol(training_class=c, worker=make_worker(world.areas.community_a1), actor=world.bob)
    with pytest.raises(ValidationError):
        actions.trainee_record(trainee=t, days_attended=6, exam_score=80, actor=world.bob)
    with pytest.raises(ValidationError):
        actions.trainee_record(trainee=t, days_attended=5, exam_score=101, actor=world.bob)


def test_the_year_against_the_plan(world: World) -> None:
    for i in range(2):
        c = make_class(world.areas.street_a if i else world.areas.street_b, ends_on=datetime.date(2026, 4, 1))
        actions.trainee_enrol(training_class=c, worker=make_worker(world.areas.community_a1), actor=None)
        actions.class_finish(training_class=c, actor=None)
    make_class(world.areas.street_a)  # not finished: not counted
    progress = training_progress(world.alice, 2026)
    assert (progress.classes, progress.trainees, progress.min_classes, progress.min_trainees) == (
        2,
        2,
        10,
        500,
    )
    assert training_progress(world.bob, 2026).classes == 1
