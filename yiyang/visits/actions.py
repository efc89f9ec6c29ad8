"""Visit workflows: generating a month's tasks, recording a visit (once), retries and escalation.

Each action checks the actor through the one door, decides on the locked row and writes its audit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.areas.models import Area
from yiyang.core import audit
from yiyang.core.i18n import stored
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import allowed, require
from yiyang.core.workflow import locked
from yiyang.people.models import Elder
from yiyang.visits import generation
from yiyang.visits.choices import Need, Seen, SignedBy, TaskKind, TaskStatus
from yiyang.visits.models import VisitRecord, VisitTask
from yiyang.visits.tiers import parse_month

WORKFLOW = AuditEntry.Action.WORKFLOW
RETRY_AFTER_DAYS = 2


# -- generation -------------------------------------------------------------------------------------------


def tasks_generate(*, area: Area, month: str, actor: Any) -> generation.Generated:
    """生成走访任务 for ``month`` (``2026-12``) and every elder under ``area``; safe to run twice."""
    try:
        year, number = parse_month(month)
    except ValueError:
        raise ValidationError({"month": _("请填写月份，例如 2026-12")}) from None
    if actor is not None and not actor.has_perm("visits.generate_visitrule"):
        raise PermissionDenied(_("您没有此操作的权限"))
    require(actor, "add", VisitTask(area_path=area.path))
    with transaction.atomic():
        result = generation.generate(area.path, year, number)
        audit.record_bulk(
            actor=actor,
            object_type="visits.visittask",
            verb="visittask.generate",
            area_path=area.path,
            message=f"{area.name} {year}-{number:02d} 生成走访任务 {result.total} 条（定期 {result.routine}，事件 {result.event}）",
            after={"month": f"{year}-{number:02d}", "routine": result.routine, "event": result.event},
        )
    return result


# -- recording a visit ------------------------------------------------------------------------------------


@dataclass
class VisitInput:
    """What the phone sends about one visit (the form, or a queued visit sent after the network returns)."""

    client_key: str
    seen: str
    checked_in_at: datetime.datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    health: str = ""
    living: str = ""
    mood: str = ""
    hazards: str = ""
    need: str = ""
    need_detail: str = ""
    service_item_id: int | None = None
    note: str = ""
    signed_by: str = SignedBy.NONE
    signer_name: str = ""
    photo: bytes | None = None
    photo_name: str = "photo.jpg"
    errors: dict[str, str] = field(default_factory=dict)


def _check(data: VisitInput) -> None:
    errors: dict[str, list[str]] = {}
    key = data.client_key.strip()
    if not key or len(key) > 64:
        errors["client_key"] = [_("缺少提交编号")]
    if data.seen not in Seen.values:
        errors["seen"] = [_("请选择见到了谁")]
    if data.seen != Seen.NOBODY:
        if data.signed_by not in SignedBy.values:
            errors["signed_by"] = [_("请选择签字人")]
        elif data.signed_by != SignedBy.NONE and not data.signer_name.strip():
            errors["signer_name"] = [_("请填写签字人姓名")]
    if data.need and data.need not in Need.values:
        errors["need"] = [_("发现需求无效")]
    if data.need in (Need.SERVICE, Need.URGENT) and not data.need_detail.strip():
        errors["need_detail"] = [_("请说明发现的需求或危险")]
    for name in ("latitude", "longitude"):
        value = getattr(data, name)
        limit = 90 if name == "latitude" else 180
        if value is not None and not -limit <= value <= limit:
            errors[name] = [_("位置无效")]
    if errors:
        raise ValidationError(errors)


def visit_record(*, task: VisitTask, data: VisitInput, actor: Any) -> tuple[VisitRecord, bool]:
    """走访登记: store the visit once (by ``client_key``) and close the task.

    Returns the record and whether it was new: the same visit sent again — the phone lost the answer,
    or its offline queue replays — finds the stored record and changes nothing. Nobody at home opens
    a retry task; a need becomes a service work order, an urgent danger an alarm on the hotline board.
    """
    _check(data)
    key = data.client_key.strip()
    existing = VisitRecord.objects.filter(client_key=key).first()
    if existing is not None:
        if existing.task_id != task.pk:
            raise ValidationError({"client_key": _("提交编号已被另一次走访使用")})
        return existing, False
    if actor is not None and not actor.has_perm("visits.perform_visittask"):
        raise PermissionDenied(_("您没有此操作的权限"))
    require(actor, "view", task)
    try:
        with transaction.atomic():
            locked(task)
            if task.status != TaskStatus.OPEN:
                raise ValidationError(
                    _("该走访任务已处理（%(status)s）") % {"status": task.get_status_display()}
                )
            record = _store(task, data, key, actor)
    except IntegrityError:
        # The same key stored a moment ago by a parallel request: that one is the visit.
        stored_record = VisitRecord.objects.filter(client_key=key).first()
        if stored_record is None:
            raise
        return stored_record, False
    _follow_up(record, data, actor)
    return record, True


def _store(task: VisitTask, data: VisitInput, key: str, actor: Any) -> VisitRecord:
    now = timezone.now()
    record = VisitRecord(
        task=task, elder_id=task.elder_id, area_path=task.area_path, client_key=key,
        worker=actor if getattr(actor, "is_authenticated", False) else None,
        checked_in_at=data.checked_in_at or now, latitude=data.latitude, longitude=data.longitude,
        seen=data.seen, health=data.health, living=data.living, mood=data.mood, hazards=data.hazards[:200],
        need=data.need, need_detail=data.need_detail[:200], note=data.note[:300],
        signed_by=data.signed_by if data.seen != Seen.NOBODY else SignedBy.NONE,
        signer_name=data.signer_name[:50], recorded_at=now,
    )  # fmt: skip
    if data.photo:
        record.photo.save(data.photo_name or "photo.jpg", ContentFile(data.photo), save=False)
    record.save()
    before = audit.snapshot(task)
    task.status = TaskStatus.NOBODY_HOME if data.seen == Seen.NOBODY else TaskStatus.DONE
    task.completed_at = now
    task.save(update_fields=["status", "completed_at", "updated_at"])
    audit.record_change(
        actor=actor, obj=record, action=AuditEntry.Action.CREATE, verb="visitrecord.create",
        after=audit.snapshot(record),
    )  # fmt: skip
    audit.record_change(
        actor=actor, obj=task, action=WORKFLOW, verb="visittask.visit", before=before,
        after=audit.snapshot(task),
    )  # fmt: skip
    if data.seen == Seen.NOBODY:
        _retry(task, actor, now)
    return record


def _retry(task: VisitTask, actor: Any, now: datetime.datetime) -> VisitTask:
    """未遇: another attempt in a couple of days, for the same worker."""
    base = task.period_key.split("-R")[0] if task.kind == TaskKind.RETRY else task.period_key
    day = timezone.localtime(now).date()
    retry = VisitTask.objects.create(
        elder_id=task.elder_id, rule_id=task.rule_id, area_path=task.area_path, kind=TaskKind.RETRY,
        period_key=f"{base}-R{task.attempt + 1}", window_start=day,
        due_date=max(task.due_date, day + datetime.timedelta(days=RETRY_AFTER_DAYS)),
        assignee_id=task.assignee_id, reason=stored(_("上次走访未遇，再次走访"))[:200],
        attempt=task.attempt + 1, retry_of=task,
    )  # fmt: skip
    audit.record_change(
        actor=actor, obj=retry, action=AuditEntry.Action.CREATE, verb="visittask.retry",
        after=audit.snapshot(retry),
    )  # fmt: skip
    return retry


def _follow_up(record: VisitRecord, data: VisitInput, actor: Any) -> None:
    """Needs found become work in the modules that do it: a work order, or an alarm for urgent danger."""
    if record.need == Need.URGENT:
        from yiyang.safety.choices import AlarmKind, Severity
        from yiyang.safety.rules import raise_or_fold

        with transaction.atomic():
            alarm, _new = raise_or_fold(
                elder_id=record.elder_id, kind=AlarmKind.SOS, now=timezone.now(), severity=Severity.URGENT,
                detail=f"走访发现紧急危险：{record.need_detail}",
            )  # fmt: skip
            VisitRecord.objects.filter(pk=record.pk).update(alarm_id=alarm.pk)
            record.alarm_id = alarm.pk
    elif record.need == Need.SERVICE:
        order = _work_order(record, data, actor)
        if order is not None:
            VisitRecord.objects.filter(pk=record.pk).update(work_order_id=order.pk)
            record.work_order_id = order.pk


def _work_order(record: VisitRecord, data: VisitInput, actor: Any) -> Any:
    from yiyang.services.actions.work_orders import work_order_create
    from yiyang.services.choices import RequestSource
    from yiyang.services.models import ServiceItem

    if actor is not None and not actor.has_perm("services.add_workorder"):
        return None  # the need stays on the record for the community to take in
    day = timezone.localdate()
    items = ServiceItem.objects.all()
    item = items.filter(pk=data.service_item_id).first() if data.service_item_id else None
    if item is None or not item.is_valid_on(day):
        item = next((i for i in items.order_by("category", "code") if i.is_valid_on(day)), None)
    if item is None:
        return None
    elder = Elder.objects.get(pk=record.elder_id)
    start = timezone.now() + datetime.timedelta(days=1)
    return work_order_create(
        elder=elder, item=item, source=RequestSource.DESK, scheduled_start=start, caller="走访发现",
        description=f"走访发现需求：{record.need_detail}", actor=actor,
    )  # fmt: skip


# -- the worker's day -------------------------------------------------------------------------------------


def my_open_tasks(actor: Any, day: datetime.date | None = None) -> Any:
    """The open tasks assigned to ``actor`` whose window has started (overdue ones included)."""
    day = day or timezone.localdate()
    return VisitTask.objects.for_user(actor, "view").filter(
        assignee=actor, status=TaskStatus.OPEN, window_start__lte=day
    )


DAY_SIZE = 30
"""Doors on one day's list: more than a worker walks in a day, few enough to route and cache on a phone."""

# What the phone shows of a task and its elder: the list is read in full on every refresh.
_DAY_FIELDS = ("id", "kind", "reason", "attempt", "due_date", "elder__name", "elder__address",
               "elder__latitude", "elder__longitude")  # fmt: skip


@dataclass
class Day:
    """A worker's day: the most urgent open tasks (``tasks``), how many are open and overdue in all, and
    the cursor of the next batch (None when this is the last)."""

    tasks: list[VisitTask]
    open: int
    overdue: int
    next: str | None


def _cursor(task: VisitTask) -> str:
    return f"{task.due_date.isoformat()}.{task.pk}"


def parse_cursor(text: str | None) -> tuple[datetime.date, int] | None:
    """``2026-12-31.123`` → (due date, id) of the last task already shown; None when absent or bad."""
    if not text:
        return None
    day, _sep, pk = text.partition(".")
    try:
        return datetime.date.fromisoformat(day), int(pk)
    except ValueError:
        return None


def my_day(actor: Any, day: datetime.date | None = None, *, after: str | None = None,
           size: int | None = None) -> Day:  # fmt: skip
    """今日走访: the ``size`` most urgent of the worker's open tasks (earliest due first), after ``after``.

    However many tasks a worker holds — a month's visits for a whole community are thousands — one
    read takes ``size`` + 1 rows down the partial index of open tasks by (assignee, due date, id),
    and the totals are counted from that index alone; the next batch continues from the cursor.
    """
    day = day or timezone.localdate()
    size = size or DAY_SIZE
    mine = my_open_tasks(actor, day)
    page = mine.order_by("due_date", "id")
    last = parse_cursor(after)
    if last is not None:
        # (due, id) > the cursor, with the due date alone as a bound that the index can seek to
        page = page.filter(Q(due_date__gt=last[0]) | Q(id__gt=last[1]), due_date__gte=last[0])
    # The batch's tasks first, then their elders: on PostgreSQL the open tasks lie in a partition per
    # period, and the planner — counting the worker's area and the worker as independent — expected a
    # few dozen rows and joined all of a community's thousands with their elders before sorting.
    batch = VisitTask.objects.filter(pk__in=page.values("pk")[: size + 1]).order_by("due_date", "id")
    rows = list(batch.select_related("elder").only(*_DAY_FIELDS))
    totals = mine.aggregate(open=Count("id"), overdue=Count("id", filter=Q(due_date__lt=day)))
    more = len(rows) > size
    rows = rows[:size]
    return Day(rows, totals["open"], totals["overdue"], _cursor(rows[-1]) if more else None)


def may_perform(actor: Any, task: VisitTask) -> bool:
    return bool(actor.has_perm("visits.perform_visittask")) and allowed(actor, "view", task)


# -- escalation -------------------------------------------------------------------------------------------


def escalate_overdue(*, today: datetime.date | None = None, actor: Any = None) -> int:
    """上报街道: overdue tasks past their rule's grace days are flagged for the street, in one UPDATE."""
    today = today or timezone.localdate()
    now = timezone.now()
    from yiyang.visits.models import VisitRule

    count = 0
    with transaction.atomic():
        for rule in VisitRule.objects.all():
            limit = today - datetime.timedelta(days=rule.escalate_after_days)
            count += VisitTask.objects.filter(
                rule=rule, status=TaskStatus.OPEN, escalated_at__isnull=True, due_date__lt=limit
            ).update(escalated_at=now)
        count += VisitTask.objects.filter(
            rule__isnull=True, status=TaskStatus.OPEN, escalated_at__isnull=True,
            due_date__lt=today - datetime.timedelta(days=3),
        ).update(escalated_at=now)  # fmt: skip
        if count:
            audit.record_bulk(
                actor=actor, object_type="visits.visittask", verb="visittask.escalate", area_path="",
                message=f"逾期走访任务 {count} 条上报街道督办", after={"count": count, "day": today.isoformat()},
            )  # fmt: skip
    return count
