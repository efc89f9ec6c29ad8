"""Training workflows: enrol a worker, record attendance and the exam, finish the class (发证)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yiyang.core import audit
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.core.workflow import locked
from yiyang.workforce.choices import ClassStatus, WorkerStatus
from yiyang.workforce.models import CareWorker, Certificate, Trainee, TrainingClass


@transaction.atomic
def trainee_enrol(*, training_class: TrainingClass, worker: CareWorker, actor: Any) -> Trainee:
    """报名: once per class (a second enrolment returns the first)."""
    require(actor, "change", training_class)
    require(actor, "view", worker)
    locked(training_class)
    if training_class.status == ClassStatus.FINISHED:
        raise ValidationError(_("培训班已结业，不能再报名"))
    if worker.status != WorkerStatus.ACTIVE:
        raise ValidationError(_("%(name)s 已离职") % {"name": worker.name})
    trainee, created = Trainee.objects.get_or_create(training_class=training_class, worker=worker)
    if created:
        audit.record_change(actor=actor, obj=trainee, action=AuditEntry.Action.CREATE, verb="trainee.enrol",
                            after=audit.snapshot(trainee))  # fmt: skip
    return trainee


@transaction.atomic
def trainee_record(*, trainee: Trainee, days_attended: int, exam_score: int | None, actor: Any) -> Trainee:
    """出勤与考核: the days attended (not more than the class's) and the exam score (0–100); the first
    record moves a planned class to 培训中."""
    require(actor, "change", trainee.training_class)
    locked(trainee)
    c = trainee.training_class
    if c.status == ClassStatus.FINISHED:
        raise ValidationError(_("培训班已结业，成绩不能再修改"))
    if days_attended > c.days:
        raise ValidationError({"days_attended": _("出勤天数不能超过培训天数 %(days)s") % {"days": c.days}})
    if exam_score is not None and not 0 <= exam_score <= 100:
        raise ValidationError({"exam_score": _("考核成绩应在 0–100 之间")})
    before = audit.snapshot(trainee)
    trainee.days_attended, trainee.exam_score = days_attended, exam_score
    trainee.save(update_fields=["days_attended", "exam_score"])
    # Attendance recorded: the class is under way (培训中), no longer only planned.
    TrainingClass.objects.filter(pk=c.pk, status=ClassStatus.PLANNED).update(status=ClassStatus.RUNNING)
    audit.record_change(actor=actor, obj=trainee, action=AuditEntry.Action.UPDATE, verb="trainee.record",
                        before=before, after=audit.snapshot(trainee))  # fmt: skip
    return trainee


@transaction.atomic
def class_finish(*, training_class: TrainingClass, actor: Any) -> int:
    """结业发证: every trainee who passed (80 % attendance, the pass mark) gets a certificate of the
    class's level from its issuer, dated the last day of the class; returns how many were issued.
    Finishing twice issues nothing more."""
    require(actor, "finish", training_class)
    locked(training_class)  # planned or under way: either finishes; finished twice issues nothing
    if training_class.status == ClassStatus.FINISHED:
        return 0
    trainees = list(
        Trainee.objects.filter(training_class=training_class, certificate__isnull=True)
        .select_related("worker", "training_class")
        .order_by("pk")
    )
    passed = [t for t in trainees if t.passed]
    issued = Certificate.objects.bulk_create(
        [
            Certificate(
                worker=t.worker,
                level=training_class.level,
                issuer=training_class.issuer,
                number=f"PX{training_class.pk:05d}-{i:04d}",
                valid_from=training_class.ends_on,
                training_class=training_class,
            )
            for i, t in enumerate(passed, start=1)
        ]
    )
    if issued and issued[0].pk is None:  # backends that do not return keys
        by_number = dict(
            Certificate.objects.filter(training_class=training_class).values_list("number", "pk")
        )
        for c in issued:
            c.pk = by_number[c.number]
    for t, c in zip(passed, issued, strict=True):
        t.certificate = c
    Trainee.objects.bulk_update(passed, ["certificate"])
    before = audit.snapshot(training_class)
    training_class.status = ClassStatus.FINISHED
    training_class.save(update_fields=["status", "updated_at"])
    audit.record_change(
        actor=actor, obj=training_class, action=AuditEntry.Action.WORKFLOW, verb="trainingclass.finish",
        before=before, after=audit.snapshot(training_class),
        message=f"结业 {len(trainees)} 人，发证 {len(issued)} 人",
    )  # fmt: skip
    return len(issued)
