"""The registry's workflows: a worker leaves (离职); a dispatch worker and its person stay one."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yiyang.areas.models import Area
from yiyang.core import audit
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.core.workflow import locked
from yiyang.services.models import Worker
from yiyang.workforce.choices import EmployerKind, Post, WorkerStatus
from yiyang.workforce.models import CareWorker


@transaction.atomic
def careworker_leave(*, worker: CareWorker, left_on: datetime.date, reason: str, actor: Any) -> CareWorker:
    """离职: the post ends on ``left_on``; no subsidy is paid for a month whose last day is on or after it,
    and the dispatch profile stops taking orders. Recording the same exit twice changes nothing."""
    require(actor, "leave", worker)
    locked(worker)
    if worker.status == WorkerStatus.LEFT:
        if worker.left_on == left_on and worker.exit_reason == reason:
            return worker
        raise ValidationError(_("%(name)s 已于 %(day)s 离职") % {"name": worker.name, "day": worker.left_on})
    if left_on < worker.post_since:
        raise ValidationError({"left_on": _("离职日期不能早于从事养老护理工作起始日期")})
    before = audit.snapshot(worker)
    worker.status, worker.left_on, worker.exit_reason = WorkerStatus.LEFT, left_on, reason
    worker.save(update_fields=["status", "left_on", "exit_reason", "updated_at"])
    Worker.objects.filter(care_worker=worker).update(is_active=False)
    audit.record_change(
        actor=actor, obj=worker, action=AuditEntry.Action.WORKFLOW, verb="careworker.leave",
        before=before, after=audit.snapshot(worker),
    )  # fmt: skip
    return worker


def sync_service_worker(worker: Worker) -> None:
    """A dispatch worker saved by services: its person in the registry is made (once) or kept in step
    (name, phone, in post). Called from a ``post_save`` receiver; never loops (plain ``update``)."""
    if worker.care_worker_id is None:
        provider = worker.provider
        area = provider.area or Area.objects.order_by("level", "path").first()
        if area is None:
            return
        person = CareWorker(
            name=worker.name,
            phone_enc=worker.phone_enc,
            phone_masked=worker.phone_masked,
            employer_kind=EmployerKind.PROVIDER,
            provider=provider,
            area=area,
            post=Post.HOME_AIDE,
            post_since=worker.created_at.date(),
        )
        if not worker.is_active:
            person.status, person.left_on = WorkerStatus.LEFT, worker.updated_at.date()
        person.save()
        Worker.objects.filter(pk=worker.pk).update(care_worker=person)
        worker.care_worker = person
        return
    CareWorker.objects.filter(pk=worker.care_worker_id).exclude(
        name=worker.name, phone_enc=worker.phone_enc
    ).update(name=worker.name, phone_enc=worker.phone_enc, phone_masked=worker.phone_masked)
