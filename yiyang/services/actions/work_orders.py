"""Intake and dispatch of work orders (工单), and the recurring plans that generate them.

Each action is atomic, checks the actor's permission and scope, and writes an explicit audit row.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.core import audit
from yiyang.core.dated import in_force_q, overlaps_q
from yiyang.core.i18n import records_language
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.core.workflow import locked
from yiyang.people.models import Elder
from yiyang.services.actions.common import _local_day, _record, _require
from yiyang.services.choices import OrderStatus, RequestSource, Urgency
from yiyang.services.models import Provider, RecurringPlan, ResponseRule, ServiceItem, Worker, WorkOrder
from yiyang.services.selectors import providers_covering

DEFAULT_RESPONSE_MINUTES = {Urgency.URGENT: 30, Urgency.NORMAL: 240, Urgency.LOW: 1440}


def response_minutes(urgency: str, day: datetime.date) -> int:
    rule = ResponseRule.objects.filter(in_force_q(day), urgency=urgency).order_by("-valid_from").first()
    return rule.minutes if rule else DEFAULT_RESPONSE_MINUTES.get(Urgency(urgency), 240)


# -- intake -------------------------------------------------------------------------------------------


def work_order_create(
    *,
    elder: Elder,
    item: ServiceItem,
    source: str,
    scheduled_start: datetime.datetime,
    minutes: int | None = None,
    urgency: str = Urgency.NORMAL,
    caller: str = "",
    description: str = "",
    actor: Any,
) -> WorkOrder:
    """受理: take a request in. Duplicates are the caller's decision (the page warns), not refused."""
    _require(actor, "services.add_workorder")
    require(actor, "view", elder)
    day = _local_day(scheduled_start)
    if not item.is_valid_on(day):
        raise ValidationError({"item": _("该服务项目在预约日期不在有效期内")})
    now = timezone.now()
    with transaction.atomic():
        order = WorkOrder(
            number=f"T{secrets.token_hex(6)}",
            elder=elder,
            item=item,
            source=source,
            urgency=urgency,
            caller=caller,
            description=description,
            scheduled_start=scheduled_start,
            scheduled_end=scheduled_start + datetime.timedelta(minutes=minutes or item.planned_minutes),
            plan_date=day,
            response_due=now + datetime.timedelta(minutes=response_minutes(urgency, _local_day(now))),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        order.save()
        order.number = f"GD{timezone.localtime(now):%Y%m%d}{order.pk:06d}"
        order.save(update_fields=["number"])
        audit.record_change(
            actor=actor,
            obj=order,
            action=AuditEntry.Action.CREATE,
            verb="workorder.create",
            after=audit.snapshot(order),
        )
    return order


# -- dispatch -----------------------------------------------------------------------------------------


@transaction.atomic
def work_order_dispatch(*, order: WorkOrder, provider: Provider, actor: Any) -> WorkOrder:
    """派单 to a provider (or reassign to another before the visit starts).

    Two dispatchers acting on one order at once: the second waits for the first and is then refused,
    as the order is no longer in the state they decided on.
    """
    require(actor, "dispatch", order)
    locked(order, "status", "provider_id")
    if order.status not in (
        OrderStatus.NEW,
        OrderStatus.DISPATCHED,
        OrderStatus.ACCEPTED,
        OrderStatus.ASSIGNED,
    ):
        raise ValidationError(_("该工单已开始服务或已结束，不能再派单"))
    if not providers_covering(order.item, order.area_path, order.plan_date).filter(pk=provider.pk).exists():
        raise ValidationError({"provider": _("该服务商没有覆盖此服务项目和老人所在区域的有效协议")})
    before = audit.snapshot(order)
    reassign = order.provider_id is not None and order.provider_id != provider.pk
    order.provider = provider
    order.worker = None
    order.status = OrderStatus.DISPATCHED
    order.dispatched_at = timezone.now()
    order.accepted_at = None
    order.assigned_at = None
    order.reject_reason = ""
    order.save()
    _record(
        actor, order, "workorder.reassign" if reassign else "workorder.dispatch", before, f"派单至{provider}"
    )
    return order


@transaction.atomic
def work_order_accept(*, order: WorkOrder, actor: Any) -> WorkOrder:
    """接单: the provider takes the order on."""
    require(actor, "change", order)
    locked(order, "status", "provider_id")
    if order.status == OrderStatus.ACCEPTED:
        return order
    if order.status != OrderStatus.DISPATCHED:
        raise ValidationError(_("只有待接单的工单可以接单"))
    before = audit.snapshot(order)
    order.status = OrderStatus.ACCEPTED
    order.accepted_at = timezone.now()
    order.save()
    _record(actor, order, "workorder.accept", before, "服务商接单")
    return order


@transaction.atomic
def work_order_reject(*, order: WorkOrder, reason: str, actor: Any) -> WorkOrder:
    """拒单 with a reason: the order goes back to the dispatcher's queue."""
    require(actor, "change", order)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写拒单原因")})
    locked(order, "status", "provider_id")
    if order.status not in (OrderStatus.DISPATCHED, OrderStatus.ACCEPTED, OrderStatus.ASSIGNED):
        raise ValidationError(_("该工单当前不能拒单"))
    before = audit.snapshot(order)
    provider = order.provider
    order.status = OrderStatus.NEW
    order.provider = None
    order.worker = None
    order.reject_reason = reason[:200]
    order.save()
    _record(actor, order, "workorder.reject", before, f"{provider}拒单：{reason}")
    return order


@transaction.atomic
def work_order_assign(*, order: WorkOrder, worker: Worker, actor: Any) -> WorkOrder:
    """派人: a worker of the provider takes the visit. Assigning also accepts a dispatched order."""
    require(actor, "change", order)
    locked(order, "status", "provider_id")
    if order.status not in (OrderStatus.DISPATCHED, OrderStatus.ACCEPTED, OrderStatus.ASSIGNED):
        raise ValidationError(_("请先派单给服务商"))
    if worker.provider_id != order.provider_id:
        raise ValidationError({"worker": _("助老员不属于接单的服务商")})
    if not worker.is_active:
        raise ValidationError({"worker": _("助老员不在岗")})
    qualified = worker.qualifications.filter(category=order.item.category).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=order.plan_date)
    )
    if not qualified.exists():
        raise ValidationError({"worker": _("助老员没有该服务类别的有效资质")})
    before = audit.snapshot(order)
    now = timezone.now()
    order.accepted_at = order.accepted_at or now
    order.worker = worker
    order.status = OrderStatus.ASSIGNED
    order.assigned_at = now
    order.save()
    _record(actor, order, "workorder.assign", before, f"派给助老员{worker.name}")
    return order


@transaction.atomic
def work_order_cancel(*, order: WorkOrder, reason: str, actor: Any) -> WorkOrder:
    """取消: the dispatcher's decision (a provider rejects instead)."""
    require(actor, "dispatch", order)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写取消原因")})
    locked(order, "status", "provider_id")
    if order.status not in (
        OrderStatus.NEW,
        OrderStatus.DISPATCHED,
        OrderStatus.ACCEPTED,
        OrderStatus.ASSIGNED,
    ):
        raise ValidationError(_("已开始服务的工单不能取消"))
    before = audit.snapshot(order)
    order.status = OrderStatus.CANCELLED
    order.save()
    _record(actor, order, "workorder.cancel", before, reason)
    return order


# -- recurring plans ----------------------------------------------------------------------------------


def _plan_note(plan: RecurringPlan) -> str:
    """The generated order's description: saved, so in the records' language."""
    with records_language():
        return f"服务计划：{plan}"


def plans_generate(*, start: datetime.date, days: int = 14, actor: Any = None) -> int:
    """Orders for every active plan and matching weekday in [start, start + days). Idempotent.

    The order number is derived from the plan and the date and (plan, date) is unique, so running
    the job twice (or two workers at once) creates each order once.
    """
    end = start + datetime.timedelta(days=days - 1)
    plans = RecurringPlan.objects.filter(overlaps_q(start, end), is_active=True).select_related(
        "item", "elder"
    )
    now = timezone.now()
    existing = set(
        WorkOrder.objects.filter(plan__isnull=False, plan_date__gte=start, plan_date__lte=end).values_list(
            "plan_id", "plan_date"
        )
    )
    rows: list[WorkOrder] = []
    for plan in plans.iterator(chunk_size=2000):
        weekdays = set(plan.weekday_list())
        for offset in range(days):
            day = start + datetime.timedelta(days=offset)
            if (
                day.isoweekday() not in weekdays
                or day < plan.valid_from
                or (plan.valid_to and day > plan.valid_to)
            ):
                continue
            if (plan.pk, day) in existing:
                continue
            begin = timezone.make_aware(datetime.datetime.combine(day, plan.start_time))
            status = OrderStatus.NEW
            if plan.provider_id:
                status = OrderStatus.ASSIGNED if plan.worker_id else OrderStatus.ACCEPTED
            rows.append(
                WorkOrder(
                    number=f"JH{plan.pk:06d}{day:%Y%m%d}",
                    elder_id=plan.elder_id,
                    item_id=plan.item_id,
                    source=RequestSource.PLAN,
                    urgency=Urgency.LOW,
                    scheduled_start=begin,
                    scheduled_end=begin + datetime.timedelta(minutes=plan.minutes),
                    status=status,
                    provider_id=plan.provider_id,
                    worker_id=plan.worker_id,
                    dispatched_at=now if plan.provider_id else None,
                    accepted_at=now if plan.provider_id else None,
                    assigned_at=now if plan.worker_id else None,
                    response_due=None if plan.provider_id else now + datetime.timedelta(days=1),
                    plan=plan,
                    plan_date=day,
                    area_path=plan.elder.area_path,
                    description=_plan_note(plan),
                )
            )
    with transaction.atomic():
        WorkOrder.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        if rows:
            audit.record_bulk(
                actor=actor,
                object_type="services.workorder",
                verb="workorder.plans_generate",
                area_path="",
                message=f"按服务计划生成 {start:%Y-%m-%d} 起 {days} 天的工单 {len(rows)} 张",
            )
    return len(rows)
