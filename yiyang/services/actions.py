"""Workflows of the service chain: intake, dispatch, visit verification, exceptions, settlement.

Each action is atomic, checks the actor's permission and scope, and writes an explicit audit row.
Bad input is recorded, not swallowed: a check-in far from home creates the visit *and* an exception.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.accounts.roles import Role
from yiyang.areas.models import Area
from yiyang.core import audit, crypto
from yiyang.core.i18n import records_language, stored
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import permission_name
from yiyang.people.models import Elder
from yiyang.services.choices import (
    ExceptionKind,
    ExceptionStatus,
    OrderStatus,
    RequestSource,
    SettlementStatus,
    SignoffBy,
    SignoffMethod,
    Urgency,
)
from yiyang.services.geo import haversine_m
from yiyang.services.models import (
    AgreementItem,
    Entitlement,
    Provider,
    ProviderMembership,
    RecurringPlan,
    ResponseRule,
    ReturnCall,
    ServiceAgreement,
    ServiceException,
    ServiceItem,
    Settlement,
    SettlementLine,
    Visit,
    VisitPhoto,
    VisitRating,
    Worker,
    WorkerQualification,
    WorkOrder,
)
from yiyang.services.selectors import elder_home, month_bounds, providers_covering

WORKFLOW = AuditEntry.Action.WORKFLOW
DEFAULT_RESPONSE_MINUTES = {Urgency.URGENT: 30, Urgency.NORMAL: 240, Urgency.LOW: 1440}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# -- guards -------------------------------------------------------------------------------------------


def _require(actor: Any, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied


def _in_scope(actor: Any, obj: Any, action: str) -> None:
    """The same door as the pages: out of scope looks like missing."""
    if actor is None:  # system jobs
        return
    manager = type(obj)._default_manager
    if not manager.for_user(actor, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(_("不在您的管辖范围内"))


def _is_provider_staff(actor: Any) -> bool:
    return actor is not None and getattr(actor, "role", "") == Role.PROVIDER_STAFF


def _member_of(actor: Any, provider_id: int | None) -> bool:
    if provider_id is None:
        return False
    return ProviderMembership.objects.filter(user_id=actor.pk, provider_id=provider_id).exists()


def _acting_for_provider(actor: Any, order: WorkOrder) -> None:
    """Provider staff act only on their organisation's orders; office staff may act for a provider."""
    if _is_provider_staff(actor) and not _member_of(actor, order.provider_id):
        raise PermissionDenied(_("不是本单位的工单"))


def _record(actor: Any, obj: Any, verb: str, before: audit.Snapshot | None, message: str = "") -> None:
    audit.record_change(
        actor=actor,
        obj=obj,
        action=WORKFLOW,
        verb=verb,
        before=before,
        after=audit.snapshot(obj),
        message=message,
    )


def response_minutes(urgency: str, day: datetime.date) -> int:
    rule = (
        ResponseRule.objects.filter(urgency=urgency, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from")
        .first()
    )
    return rule.minutes if rule else DEFAULT_RESPONSE_MINUTES.get(Urgency(urgency), 240)


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


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
    if actor is not None and not Elder.objects.for_user(actor, "view").filter(pk=elder.pk).exists():
        raise PermissionDenied(_("不在您的管辖范围内"))
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


def work_order_dispatch(*, order: WorkOrder, provider: Provider, actor: Any) -> WorkOrder:
    """派单 to a provider (or reassign to another before the visit starts)."""
    _require(actor, "services.change_workorder")
    if _is_provider_staff(actor):
        raise PermissionDenied(_("服务商不能派单"))
    _in_scope(actor, order, "change")
    if order.status not in (
        OrderStatus.NEW,
        OrderStatus.DISPATCHED,
        OrderStatus.ACCEPTED,
        OrderStatus.ASSIGNED,
    ):
        raise ValidationError(_("该工单已开始服务或已结束，不能再派单"))
    if not providers_covering(order.item, order.area_path, order.plan_date).filter(pk=provider.pk).exists():
        raise ValidationError({"provider": _("该服务商没有覆盖此服务项目和老人所在区域的有效协议")})
    with transaction.atomic():
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
            actor,
            order,
            "workorder.reassign" if reassign else "workorder.dispatch",
            before,
            f"派单至{provider}",
        )
    return order


def work_order_accept(*, order: WorkOrder, actor: Any) -> WorkOrder:
    """接单: the provider takes the order on."""
    _require(actor, "services.change_workorder")
    _in_scope(actor, order, "change")
    _acting_for_provider(actor, order)
    if order.status == OrderStatus.ACCEPTED:
        return order
    if order.status != OrderStatus.DISPATCHED:
        raise ValidationError(_("只有待接单的工单可以接单"))
    with transaction.atomic():
        before = audit.snapshot(order)
        order.status = OrderStatus.ACCEPTED
        order.accepted_at = timezone.now()
        order.save()
        _record(actor, order, "workorder.accept", before, "服务商接单")
    return order


def work_order_reject(*, order: WorkOrder, reason: str, actor: Any) -> WorkOrder:
    """拒单 with a reason: the order goes back to the dispatcher's queue."""
    _require(actor, "services.change_workorder")
    _in_scope(actor, order, "change")
    _acting_for_provider(actor, order)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写拒单原因")})
    if order.status not in (OrderStatus.DISPATCHED, OrderStatus.ACCEPTED, OrderStatus.ASSIGNED):
        raise ValidationError(_("该工单当前不能拒单"))
    with transaction.atomic():
        before = audit.snapshot(order)
        provider = order.provider
        order.status = OrderStatus.NEW
        order.provider = None
        order.worker = None
        order.reject_reason = reason[:200]
        order.save()
        _record(actor, order, "workorder.reject", before, f"{provider}拒单：{reason}")
    return order


def work_order_assign(*, order: WorkOrder, worker: Worker, actor: Any) -> WorkOrder:
    """派人: a worker of the provider takes the visit. Assigning also accepts a dispatched order."""
    _require(actor, "services.change_workorder")
    _in_scope(actor, order, "change")
    _acting_for_provider(actor, order)
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
    with transaction.atomic():
        before = audit.snapshot(order)
        now = timezone.now()
        order.accepted_at = order.accepted_at or now
        order.worker = worker
        order.status = OrderStatus.ASSIGNED
        order.assigned_at = now
        order.save()
        _record(actor, order, "workorder.assign", before, f"派给助老员{worker.name}")
    return order


def work_order_cancel(*, order: WorkOrder, reason: str, actor: Any) -> WorkOrder:
    _require(actor, "services.change_workorder")
    if _is_provider_staff(actor):
        raise PermissionDenied(_("服务商不能取消工单，请拒单"))
    _in_scope(actor, order, "change")
    if not reason.strip():
        raise ValidationError({"reason": _("请填写取消原因")})
    if order.status not in (
        OrderStatus.NEW,
        OrderStatus.DISPATCHED,
        OrderStatus.ACCEPTED,
        OrderStatus.ASSIGNED,
    ):
        raise ValidationError(_("已开始服务的工单不能取消"))
    with transaction.atomic():
        before = audit.snapshot(order)
        order.status = OrderStatus.CANCELLED
        order.save()
        _record(actor, order, "workorder.cancel", before, reason)
    return order


# -- visits -------------------------------------------------------------------------------------------


def _flag(
    order: WorkOrder, kind: str, detail: str, *, visit: Visit | None = None, actor: Any = None
) -> ServiceException:
    """Record an exception once per order and kind; a second occurrence adds to the detail."""
    exc, created = ServiceException.objects.get_or_create(
        work_order=order,
        kind=kind,
        defaults={
            "visit": visit,
            "provider": order.provider,
            "detail": detail[:300],
            "area_path": order.area_path,
        },
    )
    if not created:
        if visit is not None and exc.visit_id is None:
            exc.visit = visit
        if detail not in exc.detail:
            exc.detail = f"{exc.detail}；{detail}"[:300]
        exc.save()
    audit.record_change(
        actor=actor,
        obj=exc,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        verb="serviceexception.raise",
        after=audit.snapshot(exc),
        message=f"{stored(ExceptionKind(exc.kind).label)}：{detail}",
    )
    return exc


def _distance_check(
    order: WorkOrder, latitude: float | None, longitude: float | None, when: str, visit: Visit, actor: Any
) -> float | None:
    if latitude is None or longitude is None:
        _flag(order, ExceptionKind.NO_LOCATION, f"{when}未获取到位置", visit=visit, actor=actor)
        return None
    home = elder_home(order.elder)
    if home is None:
        _flag(
            order,
            ExceptionKind.NO_LOCATION,
            f"{when}：老人住址无坐标，无法核对位置",
            visit=visit,
            actor=actor,
        )
        return None
    distance = haversine_m(home[0], home[1], latitude, longitude)
    radius = settings.SERVICES_CHECKIN_RADIUS_M
    if distance > radius:
        _flag(
            order,
            ExceptionKind.OUTSIDE_RADIUS,
            f"{when}距老人住址 {distance:.0f} 米（允许 {radius} 米）",
            visit=visit,
            actor=actor,
        )
    return distance


def _worker_for(actor: Any, order: WorkOrder) -> Worker:
    if order.worker is None:
        raise ValidationError(_("工单尚未派给助老员"))
    own = getattr(actor, "service_worker", None) if actor is not None else None
    if own is not None and own.pk != order.worker_id:
        raise PermissionDenied(_("这不是派给您的工单"))
    return order.worker


def visit_check_in(
    *,
    order: WorkOrder,
    latitude: float | None,
    longitude: float | None,
    accuracy: float | None = None,
    at: datetime.datetime | None = None,
    actor: Any,
) -> Visit:
    """签到: opens the visit with the first EVV elements; a repeat returns the same visit."""
    _require(actor, "services.add_visit")
    _in_scope(actor, order, "change")
    _acting_for_provider(actor, order)
    existing = Visit.objects.filter(work_order=order).first()
    if existing is not None:
        return existing
    if order.status != OrderStatus.ASSIGNED:
        raise ValidationError(_("只有已派人的工单可以签到"))
    worker = _worker_for(actor, order)
    at = at or timezone.now()
    with transaction.atomic():
        order = WorkOrder.objects.select_for_update().get(pk=order.pk)
        if hasattr(order, "visit"):
            return order.visit
        assert order.provider is not None
        visit = Visit.objects.create(
            work_order=order,
            elder=order.elder,
            item=order.item,
            provider=order.provider,
            worker=worker,
            area_path=order.area_path,
            service_date=_local_day(at),
            checkin_at=at,
            checkin_latitude=latitude,
            checkin_longitude=longitude,
            checkin_accuracy=accuracy,
        )
        visit.checkin_distance = _distance_check(order, latitude, longitude, "签到", visit, actor)
        visit.save(update_fields=["checkin_distance"])
        grace = datetime.timedelta(minutes=settings.SERVICES_LATE_GRACE_MINUTES)
        if at > order.scheduled_start + grace:
            late = int((at - order.scheduled_start).total_seconds() // 60)
            _flag(order, ExceptionKind.LATE, f"晚于预约时间 {late} 分钟签到", visit=visit, actor=actor)
        before = audit.snapshot(order)
        order.status = OrderStatus.IN_PROGRESS
        order.save()
        audit.record_change(
            actor=actor,
            obj=visit,
            action=AuditEntry.Action.CREATE,
            verb="visit.checkin",
            after=audit.snapshot(visit),
        )
        _record(actor, order, "workorder.start", before, "助老员签到")
    return visit


def visit_check_out(
    *,
    visit: Visit,
    latitude: float | None,
    longitude: float | None,
    note: str = "",
    at: datetime.datetime | None = None,
    actor: Any,
) -> Visit:
    """签退: closes the visit. A repeated check-out changes nothing and creates nothing."""
    _require(actor, "services.change_visit")
    _in_scope(actor, visit, "change")
    order = visit.work_order
    _acting_for_provider(actor, order)
    _worker_for(actor, order)
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        if visit.checkout_at is not None:
            return visit
        at = at or timezone.now()
        if at < visit.checkin_at:
            raise ValidationError(_("签退时间早于签到时间"))
        before = audit.snapshot(visit)
        visit.checkout_at = at
        visit.checkout_latitude = latitude
        visit.checkout_longitude = longitude
        visit.minutes = int((at - visit.checkin_at).total_seconds() // 60)
        visit.note = note[:500] or visit.note
        visit.checkout_distance = _distance_check(order, latitude, longitude, "签退", visit, actor)
        visit.save()
        minimum = visit.item.min_minutes
        if minimum and visit.minutes < minimum:
            _flag(
                order,
                ExceptionKind.TOO_SHORT,
                f"服务 {visit.minutes} 分钟，少于最短 {minimum} 分钟",
                visit=visit,
                actor=actor,
            )
        overlapping = (
            Visit.objects.filter(worker_id=visit.worker_id, checkin_at__lt=at)
            .filter(Q(checkout_at__gt=visit.checkin_at) | Q(checkout_at__isnull=True))
            .exclude(pk=visit.pk)
            .select_related("work_order")
        )
        for other in overlapping:
            _flag(
                order,
                ExceptionKind.OVERLAP,
                f"与工单 {other.work_order.number} 时间重叠",
                visit=visit,
                actor=actor,
            )
        order_before = audit.snapshot(order)
        order.status = OrderStatus.COMPLETED
        order.save()
        audit.record_change(
            actor=actor,
            obj=visit,
            action=AuditEntry.Action.UPDATE,
            verb="visit.checkout",
            before=before,
            after=audit.snapshot(visit),
        )
        _record(actor, order, "workorder.complete", order_before, f"服务 {visit.minutes} 分钟")
    return visit


def visit_signoff_code_issue(*, visit: Visit, actor: Any) -> str:
    """A one-time code for sign-off by phone: the hotline reads it to the elder, the elder tells the worker."""
    _require(actor, "services.change_visit") if _is_provider_staff(actor) else _require(
        actor, "services.change_workorder"
    )
    _in_scope(actor, visit, "view")
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        visit.signoff_code_enc = crypto.encrypt(code)
        visit.signoff_code_expires = timezone.now() + datetime.timedelta(
            minutes=settings.SERVICES_SIGNOFF_CODE_MINUTES
        )
        visit.save(update_fields=["signoff_code_enc", "signoff_code_expires", "updated_at"])
        audit.record_change(
            actor=actor, obj=visit, action=WORKFLOW, verb="visit.code_issue", message="生成签字验证码"
        )
    return code


def visit_signoff_code(visit: Visit) -> str:
    """The pending code in clear, for the hotline screen only."""
    if (
        not visit.signoff_code_enc
        or not visit.signoff_code_expires
        or visit.signoff_code_expires < timezone.now()
    ):
        return ""
    return crypto.decrypt(visit.signoff_code_enc)


def visit_sign_off(
    *,
    visit: Visit,
    method: str,
    signed_by: str = SignoffBy.ELDER,
    signer_name: str = "",
    signature_png: bytes | None = None,
    code: str = "",
    actor: Any,
) -> Visit:
    """服务对象签字认证: a drawn signature (PNG) or the one-time code. Verifies the visit."""
    _require(actor, "services.change_visit")
    _in_scope(actor, visit, "change")
    _acting_for_provider(actor, visit.work_order)
    if visit.verified:
        return visit
    if visit.checkout_at is None:
        raise ValidationError(_("请先签退再请老人签字"))
    if signed_by == SignoffBy.PROXY and not signer_name.strip():
        raise ValidationError({"signer_name": _("代签需填写代签人姓名")})
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        if visit.verified:
            return visit
        before = audit.snapshot(visit)
        if method == SignoffMethod.SIGNATURE:
            if not signature_png or not signature_png.startswith(PNG_MAGIC) or len(signature_png) > 2_000_000:
                raise ValidationError({"signature": _("签名图片无效")})
            visit.signature.save(f"visit-{visit.pk}.png", ContentFile(signature_png), save=False)
        elif method == SignoffMethod.CODE:
            expected = visit_signoff_code(visit)
            if not expected or not secrets.compare_digest(expected, (code or "").strip()):
                raise ValidationError({"code": _("验证码错误或已过期")})
            visit.signoff_code_enc = ""
        else:
            raise ValidationError({"method": _("未知的签字方式")})
        visit.signoff_method = method
        visit.signoff_by = signed_by
        visit.signoff_name = signer_name.strip()[:50]
        visit.signed_at = timezone.now()
        visit.verified = True
        visit.save()
        order = visit.work_order
        order_before = audit.snapshot(order)
        order.status = OrderStatus.VERIFIED
        order.save()
        audit.record_change(
            actor=actor,
            obj=visit,
            action=WORKFLOW,
            verb="visit.signoff",
            before=before,
            after=audit.snapshot(visit),
            message=f"{stored(SignoffBy(visit.signoff_by).label)}{stored(SignoffMethod(visit.signoff_method).label)}",
        )
        _record(actor, order, "workorder.verify", order_before, "服务对象签字认证")
        _sample_return_call(visit, actor)
    return visit


def _sample_return_call(visit: Visit, actor: Any) -> ReturnCall | None:
    """A stable share of verified visits is called back (the same visit is always in or out)."""
    share = settings.SERVICES_RETURN_CALL_PERCENT
    bucket = int(hashlib.sha256(f"visit:{visit.pk}".encode()).hexdigest()[:8], 16) % 100
    if bucket >= share:
        return None
    call, _ = ReturnCall.objects.get_or_create(
        visit=visit,
        defaults={
            "provider": visit.provider,
            "area_path": visit.area_path,
            "due_date": _local_day(timezone.now()) + datetime.timedelta(days=3),
        },
    )
    return call


def visit_add_photo(*, visit: Visit, content: bytes, filename: str = "photo.jpg", actor: Any) -> VisitPhoto:
    """An optional photo; the same picture already used on another visit is an exception."""
    _require(actor, "services.change_visit")
    _in_scope(actor, visit, "change")
    _acting_for_provider(actor, visit.work_order)
    if not content or len(content) > 8_000_000:
        raise ValidationError({"photo": _("照片为空或超过 8 MB")})
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        photo = VisitPhoto.objects.filter(visit=visit, sha256=digest).first()
        if photo is not None:
            return photo
        photo = VisitPhoto(visit=visit, sha256=digest)
        photo.image.save(f"visit-{visit.pk}-{digest[:12]}{_ext(filename)}", ContentFile(content), save=False)
        photo.save()
        reused = (
            VisitPhoto.objects.filter(sha256=digest).exclude(visit=visit).select_related("visit__work_order")
        )
        for other in reused[:3]:
            _flag(
                visit.work_order,
                ExceptionKind.REUSED_PHOTO,
                f"照片与工单 {other.visit.work_order.number} 的照片相同",
                visit=visit,
                actor=actor,
            )
        audit.record_change(
            actor=actor, obj=visit, action=WORKFLOW, verb="visit.photo", message=f"上传照片 {digest[:12]}"
        )
    return photo


def _ext(filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return "." + (ext if ext in {"jpg", "jpeg", "png", "webp", "heic"} else "jpg")


# -- exceptions ---------------------------------------------------------------------------------------


def exception_resolve(
    *, exception: ServiceException, outcome: str, reason: str, actor: Any
) -> ServiceException:
    """Resolve with a reason: confirmed (the visit is not paid) or dismissed (checked, in order)."""
    _require(actor, "services.change_serviceexception")
    _in_scope(actor, exception, "change")
    if outcome not in (ExceptionStatus.CONFIRMED, ExceptionStatus.DISMISSED):
        raise ValidationError({"outcome": _("请选择处理结论")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写处理说明")})
    if exception.status != ExceptionStatus.OPEN:
        raise ValidationError(_("该异常已处理"))
    with transaction.atomic():
        before = audit.snapshot(exception)
        exception.status = outcome
        exception.resolution = reason.strip()[:300]
        exception.resolved_by = actor
        exception.resolved_at = timezone.now()
        exception.save()
        _record(actor, exception, "serviceexception.resolve", before, reason)
    return exception


def detect_missed_visits(*, now: datetime.datetime | None = None, actor: Any = None) -> int:
    """漏服务: orders whose time slot has passed with nobody checked in. Set-based and idempotent."""
    now = now or timezone.now()
    grace = datetime.timedelta(minutes=settings.SERVICES_LATE_GRACE_MINUTES)
    orders = (
        WorkOrder.objects.filter(
            status__in=[OrderStatus.DISPATCHED, OrderStatus.ACCEPTED, OrderStatus.ASSIGNED],
            scheduled_end__lt=now - grace,
            visit__isnull=True,
        )
        .exclude(exceptions__kind=ExceptionKind.MISSED)
        .values_list("pk", "provider_id", "area_path", "scheduled_start")
    )
    rows = [
        ServiceException(
            work_order_id=pk,
            provider_id=provider_id,
            area_path=path,
            kind=ExceptionKind.MISSED,
            detail=f"预约 {timezone.localtime(start):%Y-%m-%d %H:%M} 未签到",
        )
        for pk, provider_id, path, start in orders.iterator()
    ]
    with transaction.atomic():
        ServiceException.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        if rows:
            audit.record_bulk(
                actor=actor,
                object_type="services.serviceexception",
                verb="serviceexception.detect_missed",
                area_path="",
                message=f"发现漏服务 {len(rows)} 单",
            )
    return len(rows)


# -- ratings and return calls -------------------------------------------------------------------------


def visit_rate(*, visit: Visit, score: int, comment: str = "", actor: Any) -> VisitRating:
    _require(actor, "services.add_visitrating")
    _in_scope(actor, visit, "view")
    if not 1 <= int(score) <= 5:
        raise ValidationError({"score": _("评分为 1–5 分")})
    with transaction.atomic():
        rating, created = VisitRating.objects.update_or_create(
            visit=visit,
            defaults={
                "score": int(score),
                "comment": comment[:300],
                "provider": visit.provider,
                "area_path": visit.area_path,
            },
        )
        audit.record_change(
            actor=actor,
            obj=rating,
            action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
            verb="visitrating.save",
            after=audit.snapshot(rating),
        )
    return rating


def return_call_record(
    *,
    call: ReturnCall,
    reached: bool,
    satisfied: bool | None,
    complaint: bool,
    note: str,
    score: int | None = None,
    actor: Any,
) -> ReturnCall:
    """回访 result; a complaint counts against the provider on the scorecard."""
    _require(actor, "services.change_returncall")
    _in_scope(actor, call, "change")
    with transaction.atomic():
        before = audit.snapshot(call)
        call.called_at = timezone.now()
        call.reached = reached
        call.satisfied = satisfied if reached else None
        call.complaint = complaint
        call.note = note[:300]
        call.caller = actor
        call.save()
        _record(actor, call, "returncall.record", before, note)
        if reached and score:
            visit_rate(visit=call.visit, score=score, comment=note, actor=actor)
    return call


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
    plans = (
        RecurringPlan.objects.filter(is_active=True, valid_from__lte=end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .select_related("item", "elder")
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


# -- entitlements -------------------------------------------------------------------------------------


def entitlement_save(*, entitlement: Entitlement, actor: Any) -> Entitlement:
    """One entitlement per elder at a time: overlapping periods are refused (settlement relies on it)."""
    creating = entitlement.pk is None
    _require(actor, f"services.{'add' if creating else 'change'}_entitlement")
    if (
        actor is not None
        and not Elder.objects.for_user(actor, "view").filter(pk=entitlement.elder_id).exists()
    ):
        raise PermissionDenied
    overlap = Entitlement.objects.filter(elder_id=entitlement.elder_id).exclude(pk=entitlement.pk)
    overlap = overlap.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=entitlement.valid_from))
    if entitlement.valid_to:
        overlap = overlap.filter(valid_from__lte=entitlement.valid_to)
    if overlap.exists():
        raise ValidationError(_("与已有服务额度的有效期重叠"))
    with transaction.atomic():
        before = None if creating else audit.snapshot(Entitlement.objects.get(pk=entitlement.pk))
        entitlement.save()
        audit.record_change(
            actor=actor,
            obj=entitlement,
            action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
            verb=f"entitlement.{'create' if creating else 'update'}",
            before=before,
            after=audit.snapshot(entitlement),
        )
    return entitlement


# -- reference data edited from the provider's pages ----------------------------------------------------


def _overlaps(valid_from: datetime.date, valid_to: datetime.date | None) -> Q:
    """Rows (with ``valid_from``/``valid_to``) whose period shares at least one day with this one."""
    q = Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from)
    if valid_to is not None:
        q &= Q(valid_from__lte=valid_to)
    return q


def _agreement_state(agreement: ServiceAgreement) -> audit.Snapshot:
    """The agreement with its areas and agreed prices, so one audit row shows what was signed."""
    state = audit.snapshot(agreement)
    state["areas"] = sorted(agreement.areas.values_list("code", flat=True))
    state["items"] = {code: str(price) for code, price in agreement.items.values_list("item__code", "price")}
    return state


def agreement_overlaps(
    *, provider: Provider, item: ServiceItem, valid_from: datetime.date, valid_to: datetime.date | None,
    exclude_pk: int | None = None,
) -> ServiceAgreement | None:  # fmt: skip
    """Another agreement of the provider pricing the same item on some of the same days.

    Settlement takes the one agreed price in force on the service date; two would price a visit twice.
    """
    qs = ServiceAgreement.objects.filter(provider=provider, items__item__code=item.code)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.filter(_overlaps(valid_from, valid_to)).first()


def agreement_save(
    *,
    agreement: ServiceAgreement,
    areas: Iterable[Area],
    items: Iterable[tuple[ServiceItem, Decimal]],
    actor: Any,
) -> ServiceAgreement:
    """签订/变更服务协议: the agreement, the areas it covers and its agreed prices, in one audit row."""
    creating = agreement.pk is None
    _require(actor, f"services.{'add' if creating else 'change'}_serviceagreement")
    if agreement.valid_to and agreement.valid_to < agreement.valid_from:
        raise ValidationError({"valid_to": _("到期日期不能早于生效日期")})
    priced = list(items)
    if not priced:
        raise ValidationError(_("协议至少包含一个服务项目"))
    for item, price in priced:
        if price < 0:
            raise ValidationError(_("%(item)s：协议价不能为负数") % {"item": item.name})
        clash = agreement_overlaps(
            provider=agreement.provider, item=item, valid_from=agreement.valid_from,
            valid_to=agreement.valid_to, exclude_pk=agreement.pk,
        )  # fmt: skip
        if clash is not None:
            raise ValidationError(
                _("%(item)s 已在协议 %(number)s 中定价，有效期重叠")
                % {"item": item.name, "number": clash.number}
            )
    with transaction.atomic():
        before = None if creating else _agreement_state(ServiceAgreement.objects.get(pk=agreement.pk))
        agreement.save()
        agreement.areas.set(list(areas))
        prices = {item.pk: price for item, price in priced}
        agreement.items.exclude(item_id__in=prices).delete()
        for line in agreement.items.filter(item_id__in=prices):
            if line.price != prices[line.item_id]:
                line.price = prices.pop(line.item_id)
                line.save(update_fields=["price"])
            else:
                prices.pop(line.item_id)
        AgreementItem.objects.bulk_create(
            [AgreementItem(agreement=agreement, item_id=pk, price=price) for pk, price in prices.items()]
        )
        audit.record_change(
            actor=actor,
            obj=agreement,
            action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
            verb=f"serviceagreement.{'create' if creating else 'update'}",
            before=before,
            after=_agreement_state(agreement),
        )
    return agreement


def _worker_state(worker: Worker) -> audit.Snapshot:
    state = audit.snapshot(worker)
    state["qualifications"] = sorted(
        f"{q.category}|{q.certificate}|{q.valid_to or ''}" for q in worker.qualifications.all()
    )
    return state


def worker_save(
    *,
    worker: Worker,
    phone: str | None,
    qualifications: Iterable[dict[str, Any]],
    actor: Any,
) -> Worker:
    """登记/变更助老员 with their qualifications. Provider staff keep their own organisation's workers.

    ``phone`` None leaves the stored number alone ("" clears it); it is stored encrypted and masked.
    """
    creating = worker.pk is None
    _require(actor, f"services.{'add' if creating else 'change'}_worker")
    if _is_provider_staff(actor):
        if not _member_of(actor, worker.provider_id):
            raise PermissionDenied(_("不是本单位的助老员"))
        if not creating and not _member_of(
            actor, Worker.objects.values_list("provider_id", flat=True).get(pk=worker.pk)
        ):
            raise PermissionDenied(_("不是本单位的助老员"))
    if (
        worker.user_id is not None
        and not ProviderMembership.objects.filter(
            user_id=worker.user_id, provider_id=worker.provider_id
        ).exists()
    ):
        raise ValidationError({"user": _("登录账号须是该服务商的工作人员（先在服务商页面添加人员）")})
    with transaction.atomic():
        before = None if creating else _worker_state(Worker.objects.get(pk=worker.pk))
        if phone is not None:
            worker.set_phone(phone)
        worker.save()
        worker.qualifications.all().delete()
        WorkerQualification.objects.bulk_create(
            [
                WorkerQualification(
                    worker=worker,
                    category=q["category"],
                    certificate=q.get("certificate") or "",
                    valid_to=q.get("valid_to"),
                )
                for q in qualifications
            ]
        )
        audit.record_change(
            actor=actor,
            obj=worker,
            action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
            verb=f"worker.{'create' if creating else 'update'}",
            before=before,
            after=_worker_state(worker),
        )
    return worker


def provider_member_add(*, provider: Provider, user: Any, actor: Any) -> ProviderMembership:
    """添加服务商人员: the account then sees (only) this organisation's orders and workers."""
    _require(actor, "services.change_provider")
    if getattr(user, "role", "") != Role.PROVIDER_STAFF:
        raise ValidationError({"user": _("只能添加角色为“服务商人员”的账号")})
    if ProviderMembership.objects.filter(user=user, provider=provider).exists():
        raise ValidationError(
            {"user": _("%(user)s 已是 %(provider)s 的工作人员") % {"user": user, "provider": provider}}
        )
    with transaction.atomic():
        membership = ProviderMembership.objects.create(user=user, provider=provider)
        audit.record_change(
            actor=actor,
            obj=membership,
            action=AuditEntry.Action.CREATE,
            verb="providermembership.create",
            after=audit.snapshot(membership),
            message=f"{user} 加入 {provider}",
        )
    return membership


def provider_member_remove(*, membership: ProviderMembership, actor: Any) -> None:
    _require(actor, "services.change_provider")
    with transaction.atomic():
        # A worker's login must stay a member of the worker's provider (worker_save checks it).
        Worker.objects.filter(user_id=membership.user_id, provider_id=membership.provider_id).update(
            user=None
        )
        audit.record_change(
            actor=actor,
            obj=membership,
            action=AuditEntry.Action.DELETE,
            verb="providermembership.delete",
            before=audit.snapshot(membership),
            message=f"{membership.user} 离开 {membership.provider}",
        )
        membership.delete()


# -- settlement ---------------------------------------------------------------------------------------

_PAID_BY_PROGRAMME = ("government", "low_cost")

# Eligible and not settled yet, as SQL on ``v`` (services_visit) and ``i`` (its item).
_ELIGIBLE = """
    v.verified = %(true)s AND v.service_date >= %(first)s AND v.service_date <= %(last)s
    AND i.payment_mode IN ('government', 'low_cost')
    AND NOT EXISTS (
        SELECT 1 FROM services_serviceexception x
        WHERE x.visit_id = v.id AND x.status IN ('open', 'confirmed')
    )
    AND NOT EXISTS (SELECT 1 FROM services_settlementline l WHERE l.visit_id = v.id)
"""

# The provider-and-street pairs that need a settlement (a hash aggregate, not the ORM's sort+unique).
_PAIRS_SQL = f"""
SELECT v.provider_id, SUBSTR(v.area_path, 1, 9)
FROM services_visit v
JOIN services_serviceitem i ON i.id = v.item_id
WHERE {_ELIGIBLE} {{batch_filter}}
GROUP BY v.provider_id, SUBSTR(v.area_path, 1, 9)
"""

# One INSERT … SELECT writes every new line, so the per-visit work happens inside the database.
#
# ``batch`` is what this run settles: verified visits of the month for programme-paid items, without
# an open or confirmed exception, not settled yet, whose provider-and-street settlement still takes
# lines (draft or returned). The "not settled yet" probe belongs there, below the window's sort, so it
# is finished before the first line is written: placed after the window it probed the table being
# filled, and with that table's statistics still empty PostgreSQL planned a rescan of it per visit
# (quadratic: the 1M-visit benchmark ran for over 20 minutes).
#
# Each line is priced at the agreed price in force on the service date (a provider's agreements for
# one item must not overlap in time, or the duplicate visit breaks the one-line-per-visit constraint
# and nothing is written) and measured against the elder's monthly entitlement: what lines settled
# earlier in the month already took comes first (``settled``), then this batch in service order (a
# window per elder), so a late verification never reopens a quota that was paid out. Settled lines
# count at their full measure: while under the quota each was covered in full, and once the quota is
# reached, counting more changes nothing. The part inside the entitlement is paid by the programme
# less the elder's co-payment; the rest is borne by the elder.
#
# Lines are written in visit order: the unique visit index then grows at its right edge, and the
# visit foreign-key checks at commit walk the visit table in order instead of jumping about it.
# (INSERT … WITH … SELECT rather than WITH … INSERT: Python's sqlite3 reports no row count for the
# latter.)
_LINES_SQL = f"""
INSERT INTO services_settlementline
    (settlement_id, visit_id, elder_id, item_id, quantity, unit_price, gross, elder_share, payable)
WITH batch AS (
    SELECT v.id, v.elder_id, v.item_id, v.checkin_at, v.minutes, v.provider_id, v.service_date,
           i.unit AS unit, i.code AS code, s.id AS settlement_id
    FROM services_visit v
    JOIN services_serviceitem i ON i.id = v.item_id
    JOIN services_settlement s
      ON s.provider_id = v.provider_id AND s.month = %(first)s AND s.area_path = SUBSTR(v.area_path, 1, 9)
     AND s.status IN ('draft', 'returned')
    WHERE {_ELIGIBLE} {{batch_filter}}
), entitled AS (
    SELECT e.elder_id, e.monthly_quota AS quota, e.copay_rate AS copay, e.unit AS ent_unit
    FROM services_entitlement e
    WHERE e.valid_from <= %(last)s AND (e.valid_to IS NULL OR e.valid_to >= %(first)s)
), settled AS (
    SELECT l.elder_id,
           SUM(CASE WHEN en.ent_unit = 'hours' THEN COALESCE(sv.minutes, 0)
                    ELSE CAST(ROUND(l.gross * 100) AS INTEGER) END) AS used
    FROM services_settlementline l
    JOIN services_settlement ls ON ls.id = l.settlement_id AND ls.month = %(first)s
    JOIN entitled en ON en.elder_id = l.elder_id
    JOIN services_visit sv ON sv.id = l.visit_id
    GROUP BY l.elder_id
), agreed AS (
    SELECT a.provider_id, ii.code, ai.price, a.valid_from, a.valid_to
    FROM services_agreementitem ai
    JOIN services_serviceagreement a ON a.id = ai.agreement_id
    JOIN services_serviceitem ii ON ii.id = ai.item_id
), priced AS (
    SELECT b.id, b.elder_id, b.item_id, b.checkin_at, b.settlement_id, b.minutes, ag.price AS price,
           CASE WHEN b.unit = 'hour' THEN ROUND(COALESCE(b.minutes, 0) / 60.0, 2) ELSE 1 END AS quantity
    FROM batch b
    LEFT JOIN agreed ag
      ON ag.provider_id = b.provider_id AND ag.code = b.code
     AND ag.valid_from <= b.service_date AND (ag.valid_to IS NULL OR ag.valid_to >= b.service_date)
), grossed AS (
    SELECT p.*, ROUND(p.quantity * COALESCE(p.price, 0), 2) AS gross FROM priced p
), measured AS (
    -- Consumption in whole minutes or fen: integer running sums are exact and cheap (a visit's
    -- fen fit an INTEGER, and SUM of INTEGER is a BIGINT, so an elder's month cannot overflow).
    SELECT g.*, en.copay,
           CASE WHEN en.ent_unit = 'hours' THEN en.quota * 60 ELSE en.quota * 100 END AS quota_units,
           CASE WHEN en.ent_unit = 'hours' THEN COALESCE(g.minutes, 0)
                ELSE CAST(ROUND(g.gross * 100) AS INTEGER) END AS measure,
           COALESCE(st.used, 0) AS settled_used
    FROM grossed g
    LEFT JOIN entitled en ON en.elder_id = g.elder_id
    LEFT JOIN settled st ON st.elder_id = g.elder_id
), running AS (
    SELECT m.*,
           m.settled_used
             + SUM(m.measure) OVER (PARTITION BY m.elder_id ORDER BY m.checkin_at, m.id ROWS UNBOUNDED PRECEDING)
             - m.measure AS used_before
    FROM measured m
), shares AS (
    SELECT r.*,
           CASE
             WHEN r.quota_units IS NULL OR r.measure <= 0 THEN 0
             WHEN r.used_before >= r.quota_units THEN 0
             WHEN r.used_before + r.measure <= r.quota_units THEN 1
             ELSE (r.quota_units - r.used_before) * 1.0 / r.measure
           END AS covered
    FROM running r
)
SELECT sh.settlement_id, sh.id, sh.elder_id, sh.item_id, sh.quantity, COALESCE(sh.price, 0), sh.gross,
       sh.gross - ROUND(sh.gross * sh.covered * (1 - COALESCE(sh.copay, 1)), 2),
       ROUND(sh.gross * sh.covered * (1 - COALESCE(sh.copay, 1)), 2)
FROM shares sh
ORDER BY sh.id
"""


def _pg_prepare(*tables: str) -> None:
    """PostgreSQL, for this transaction only: fresh statistics for ``tables`` and sorts in memory.

    Settlements created a moment ago and a million lines written minutes ago are invisible to
    autovacuum's statistics; planned against stale ones, every join below becomes a nested loop of
    index probes (the SELECT took 1.6× as long in the million-visit benchmark).
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        if tables:
            cursor.execute(f"ANALYZE {', '.join(tables)}")


def _insert_lines(first: datetime.date, last: datetime.date, batch_filter: str, extra: dict[str, Any]) -> int:
    """Run the one INSERT … SELECT; ``batch_filter`` narrows the batch (SQL on ``v``/``s``, named params)."""
    params: dict[str, Any] = {"true": True, "first": first, "last": last, **extra}
    _pg_prepare("services_settlement")
    with connection.cursor() as cursor:
        cursor.execute(_LINES_SQL.format(batch_filter=batch_filter), params)
        return int(cursor.rowcount)


def _eligible_visits(first: datetime.date, last: datetime.date) -> Any:
    return Visit.objects.filter(
        verified=True,
        service_date__gte=first,
        service_date__lte=last,
        item__payment_mode__in=_PAID_BY_PROGRAMME,
        settlement_line__isnull=True,
    ).exclude(exceptions__status__in=[ExceptionStatus.OPEN, ExceptionStatus.CONFIRMED])


def settlement_generate(
    *, month: datetime.date, provider: Provider | None = None, actor: Any
) -> list[Settlement]:
    """Monthly settlement per provider and street: a few set-based statements, whatever the volume.

    Only verified visits of government-purchased or low-cost items, without an open or confirmed
    exception, not yet settled, go in; a settlement already under review or approved takes no new
    lines. Running it again adds only visits verified since. One audit entry summarises the batch.
    """
    _require(actor, "services.add_settlement")
    first, last = month_bounds(month)
    with transaction.atomic():
        _pg_prepare("services_settlementline")
        batch_filter = ""
        params: dict[str, Any] = {"true": True, "first": first, "last": last}
        if provider is not None:
            batch_filter, params["provider"] = "AND v.provider_id = %(provider)s", provider.pk
        with connection.cursor() as cursor:
            cursor.execute(_PAIRS_SQL.format(batch_filter=batch_filter), params)
            pairs = {(int(p), str(s)) for p, s in cursor.fetchall()}
        streets = {a.path: a for a in Area.objects.filter(path__in={p for _, p in pairs})}
        touched: list[int] = []
        for provider_id, street_path in sorted(pairs):
            street = streets.get(street_path)
            if street is None:
                continue
            settlement, _ = Settlement.objects.get_or_create(
                provider_id=provider_id, street=street, month=first, defaults={"area_path": street_path}
            )
            touched.append(settlement.pk)
        # A second run at the same moment waits here, and its INSERT then sees this run's lines.
        list(Settlement.objects.select_for_update().filter(pk__in=touched).order_by("pk").values_list("pk"))
        inserted = _insert_lines(first, last, batch_filter, params)
        settlements = list(Settlement.objects.filter(pk__in=touched).select_related("provider", "street"))
        _settlement_totals(*settlements)
        audit.record_bulk(
            actor=actor,
            object_type="services.settlement",
            verb="settlement.generate",
            area_path="",
            message=f"生成 {first:%Y-%m} 服务结算：{len(settlements)} 张结算单，新增明细 {inserted} 条",
            after={
                "month": f"{first:%Y-%m}",
                "provider": provider.pk if provider is not None else None,
                "settlements": len(settlements),
                "lines_added": inserted,
                "payable_total": str(sum((s.payable for s in settlements), Decimal("0"))),
            },
        )
    return settlements


def _settlement_totals(*settlements: Settlement) -> None:
    """Counts and sums from the lines: one grouped query for all the settlements, one bulk update."""
    if not settlements:
        return
    sums: dict[int, Any] = {
        row["settlement_id"]: row
        for row in SettlementLine.objects.filter(settlement_id__in=[s.pk for s in settlements])
        .order_by()
        .values("settlement_id")
        .annotate(n=Count("pk"), gross=Sum("gross"), share=Sum("elder_share"), pay=Sum("payable"))
    }
    cent = Decimal("0.01")
    now = timezone.now()
    for settlement in settlements:
        row = sums.get(settlement.pk, {})
        settlement.visit_count = row.get("n") or 0
        settlement.gross_amount = Decimal(row.get("gross") or 0).quantize(cent)
        settlement.elder_share = Decimal(row.get("share") or 0).quantize(cent)
        settlement.payable = Decimal(row.get("pay") or 0).quantize(cent)
        settlement.updated_at = now
    Settlement.objects.bulk_update(
        settlements, ["visit_count", "gross_amount", "elder_share", "payable", "updated_at"]
    )


def settlement_add_visits(*, settlement: Settlement, visits: Iterable[Visit], actor: Any) -> int:
    """Manual inclusion (a late verification): each visit must be verified, unsettled and belong here."""
    _require(actor, "services.add_settlement")
    _in_scope(actor, settlement, "view")
    if settlement.status not in (SettlementStatus.DRAFT, SettlementStatus.RETURNED):
        raise ValidationError(_("结算单已提交审核，不能再加入服务记录"))
    first, last = month_bounds(settlement.month)
    ids = [v.pk for v in visits]
    if not ids:
        return 0
    problems = []
    eligible = set(
        _eligible_visits(first, last)
        .filter(pk__in=ids, provider=settlement.provider)
        .values_list("pk", flat=True)
    )
    for visit in Visit.objects.filter(pk__in=ids).select_related("work_order"):
        if visit.pk in eligible and visit.area_path.startswith(settlement.area_path):
            continue
        if not visit.verified:
            problems.append(_("%(number)s 未核验") % {"number": visit.work_order.number})
        elif SettlementLine.objects.filter(visit=visit).exists():
            problems.append(_("%(number)s 已结算") % {"number": visit.work_order.number})
        else:
            problems.append(_("%(number)s 不属于本结算单") % {"number": visit.work_order.number})
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        Settlement.objects.select_for_update().filter(pk=settlement.pk).exists()
        extra: dict[str, Any] = {f"v{i}": pk for i, pk in enumerate(ids)}
        extra["settlement"] = settlement.pk
        placeholders = ", ".join(f"%(v{i})s" for i in range(len(ids)))
        inserted = _insert_lines(
            first, last, f"AND v.id IN ({placeholders}) AND s.id = %(settlement)s", extra
        )
        _settlement_totals(settlement)
        audit.record_change(
            actor=actor,
            obj=settlement,
            action=WORKFLOW,
            verb="settlement.add_visits",
            message=f"加入 {inserted} 条服务记录",
        )
    return inserted


def settlement_review(*, settlement: Settlement, approve: bool, note: str = "", actor: Any) -> Settlement:
    """街道审核: pass to the district, or return with a reason."""
    _require(actor, "services.review_settlement")
    _in_scope(actor, settlement, "view")
    if settlement.status not in (SettlementStatus.DRAFT, SettlementStatus.RETURNED):
        raise ValidationError(_("该结算单不在待审核状态"))
    if not approve and not note.strip():
        raise ValidationError({"note": _("退回需填写原因")})
    with transaction.atomic():
        before = audit.snapshot(settlement)
        settlement.status = SettlementStatus.REVIEWED if approve else SettlementStatus.RETURNED
        settlement.reviewed_by = actor
        settlement.reviewed_at = timezone.now()
        settlement.note = note[:300]
        settlement.save()
        _record(actor, settlement, "settlement.review" if approve else "settlement.return", before, note)
    return settlement


def settlement_approve(
    *, settlement: Settlement, approve: bool = True, note: str = "", actor: Any
) -> Settlement:
    """区级审批 after the street's review."""
    _require(actor, "services.approve_settlement")
    _in_scope(actor, settlement, "view")
    if settlement.status != SettlementStatus.REVIEWED:
        raise ValidationError(_("街道审核通过后才能审批"))
    if not approve and not note.strip():
        raise ValidationError({"note": _("退回需填写原因")})
    with transaction.atomic():
        before = audit.snapshot(settlement)
        settlement.status = SettlementStatus.APPROVED if approve else SettlementStatus.RETURNED
        settlement.approved_by = actor if approve else None
        settlement.approved_at = timezone.now() if approve else None
        settlement.note = note[:300] or settlement.note
        settlement.save()
        _record(actor, settlement, "settlement.approve" if approve else "settlement.return", before, note)
    return settlement


def has_perm(actor: Any, model: type[Any], action: str) -> bool:
    return bool(actor.has_perm(permission_name(model, action)))
