"""Visits and their verification: check-in and out, sign-off, photos, exceptions, ratings, return calls.

Bad input is recorded, not swallowed: a check-in far from home creates the visit *and* an exception.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.core import audit, crypto
from yiyang.core.i18n import stored
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.services.actions.common import WORKFLOW, _local_day, _record, _require
from yiyang.services.choices import ExceptionKind, ExceptionStatus, OrderStatus, SignoffBy, SignoffMethod
from yiyang.services.geo import haversine_m
from yiyang.services.models import (
    ReturnCall,
    ServiceException,
    Visit,
    VisitPhoto,
    VisitRating,
    Worker,
    WorkOrder,
)
from yiyang.services.selectors import elder_home

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


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
    require(actor, "change", order)
    existing = Visit.objects.filter(work_order=order).first()
    if existing is not None:
        return existing
    at = at or timezone.now()
    with transaction.atomic():
        order = WorkOrder.objects.select_for_update().get(pk=order.pk)
        if hasattr(order, "visit"):
            return order.visit
        if order.status != OrderStatus.ASSIGNED:
            raise ValidationError(_("只有已派人的工单可以签到"))
        worker = _worker_for(actor, order)
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
    require(actor, "change", visit)
    order = visit.work_order
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
    _require(actor, "services.change_workorder")
    require(actor, "view", visit)
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
    require(actor, "change", visit)
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
    require(actor, "change", visit)
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
    require(actor, "change", exception)
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
    require(actor, "view", visit)
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
    require(actor, "change", call)
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
