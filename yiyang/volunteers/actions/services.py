"""A volunteer's service to an elder, verified like a home visit: check-in, check-out, the elder's sign-off.

Hours are credited to the volunteer's account when the elder signs off, once per service, and only
if both positions were within the rule's radius of the elder's home (when the home is located).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.core import audit
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.core.workflow import locked
from yiyang.people.models import Elder
from yiyang.volunteers import rules
from yiyang.volunteers.actions.bank import account_for_volunteer, earn, rule_on
from yiyang.volunteers.actions.pairs import pair_visited
from yiyang.volunteers.choices import PairStatus, RequestStatus, ServiceStatus, SignoffMethod, VolunteerStatus
from yiyang.volunteers.models import HelpRequest, MutualAidPair, ServiceRecord, TimeMovement, Volunteer


def _distance(elder: Elder, latitude: float | None, longitude: float | None) -> float | None:
    if latitude is None or longitude is None:
        raise ValidationError({"latitude": _("没有取得定位：请在手机上允许定位后重试")})
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValidationError({"latitude": _("定位坐标不正确")})
    if elder.latitude is None or elder.longitude is None:
        return None  # the home is not located: recorded, checked by the reviewer
    return rules.distance_m(latitude, longitude, elder.latitude, elder.longitude)


def _near(distance: float | None) -> None:
    radius = rule_on().checkin_radius_m
    if distance is not None and distance > radius:
        raise ValidationError({"latitude": _("当前位置距老人住址 %(d)s 米，超出 %(r)s 米签到范围，请到老人家中再签到")
                               % {"d": round(distance), "r": radius}})  # fmt: skip


def service_check_in(
    *, volunteer: Volunteer, elder: Elder, skill: str, latitude: float | None, longitude: float | None, actor: Any,
    at: datetime.datetime | None = None, note: str = "", help_request: HelpRequest | None = None,
    pair: MutualAidPair | None = None,
) -> ServiceRecord:  # fmt: skip
    record = ServiceRecord(
        volunteer=volunteer, elder=elder, skill=skill, note=note, help_request=help_request, pair=pair
    )
    record.area_path = elder.area_path
    require(actor, "add", record)
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise ValidationError({"volunteer": _("该志愿者不在册，不能签到")})
    distance = _distance(elder, latitude, longitude)
    _near(distance)
    if help_request is not None and (
        help_request.status != RequestStatus.ACCEPTED
        or help_request.volunteer_id != volunteer.pk
        or help_request.elder_id != elder.pk
    ):
        raise ValidationError(_("这次求助还没有由该志愿者接单"))
    if pair is not None and (
        pair.status != PairStatus.ACTIVE or pair.volunteer_id != volunteer.pk or pair.elder_id != elder.pk
    ):
        raise ValidationError(_("这对邻里互助结对已解除，或不是这两位"))
    with transaction.atomic():
        if ServiceRecord.objects.filter(volunteer=volunteer, status=ServiceStatus.IN_PROGRESS).exists():
            raise ValidationError({"volunteer": _("该志愿者还有一次服务没有签退")})
        record.checked_in_at = at or timezone.now()
        record.check_in_latitude, record.check_in_longitude, record.check_in_distance = (
            latitude,
            longitude,
            distance,
        )
        record.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
        record.save()
        if pair is not None:
            pair_visited(pair, timezone.localtime(record.checked_in_at).date())
        audit.record_change(actor=actor, obj=record, action=AuditEntry.Action.CREATE, verb="servicerecord.check_in",
                            after=audit.snapshot(record))  # fmt: skip
    return record


def service_check_out(
    *, record: ServiceRecord, latitude: float | None, longitude: float | None, actor: Any,
    at: datetime.datetime | None = None,
) -> ServiceRecord:  # fmt: skip
    require(actor, "change", record)
    with transaction.atomic():
        locked(record)
        if record.status != ServiceStatus.IN_PROGRESS:
            raise ValidationError(_("该服务已签退"))
        distance = _distance(record.elder, latitude, longitude)
        _near(distance)
        now = at or timezone.now()
        if now <= record.checked_in_at:
            raise ValidationError(_("签退时间必须晚于签到时间"))
        record.checked_out_at = now
        record.check_out_latitude, record.check_out_longitude, record.check_out_distance = (
            latitude,
            longitude,
            distance,
        )
        record.minutes = rules.credited_minutes((now - record.checked_in_at).total_seconds(),
                                                rule_on().max_service_minutes)  # fmt: skip
        record.status = ServiceStatus.CHECKED_OUT
        record.save()
        audit.record_change(actor=actor, obj=record, action=AuditEntry.Action.WORKFLOW,
                            verb="servicerecord.check_out", after=audit.snapshot(record))  # fmt: skip
    return record


def service_sign_off(
    *, record: ServiceRecord, method: str, signed_by: str, actor: Any, rating: int | None = None,
) -> list[TimeMovement]:  # fmt: skip
    """The elder (or family) confirms the service: it is verified and the hours credited, once."""
    require(actor, "change", record)
    if method not in SignoffMethod.values:
        raise ValidationError({"method": _("请选择确认方式")})
    if not (signed_by or "").strip():
        raise ValidationError({"signed_by": _("请填写确认人")})
    if rating is not None and not 1 <= rating <= 5:
        raise ValidationError({"rating": _("满意度为1到5分")})
    with transaction.atomic():
        locked(record)
        if record.status == ServiceStatus.VERIFIED:
            return list(TimeMovement.objects.filter(source_key=record.source_key))  # a retried sign-off
        if record.status != ServiceStatus.CHECKED_OUT:
            raise ValidationError(_("请先签退，再请老人确认"))
        if record.minutes <= 0:
            raise ValidationError(_("服务时长不足1分钟，不能计入时间"))
        record.signoff_method, record.signed_by, record.rating = method, signed_by.strip(), rating
        record.signed_at = timezone.now()
        record.status = ServiceStatus.VERIFIED
        record.save()
        audit.record_change(actor=actor, obj=record, action=AuditEntry.Action.WORKFLOW,
                            verb="servicerecord.sign_off", after=audit.snapshot(record))  # fmt: skip
        if record.help_request_id:
            HelpRequest.objects.filter(pk=record.help_request_id).update(status=RequestStatus.DONE)
        account = account_for_volunteer(record.volunteer)
        return earn(account=account, minutes=record.minutes, source_key=record.source_key, actor=actor,
                    memo=f"为{record.elder.name}提供{record.get_skill_display()}服务")  # fmt: skip
