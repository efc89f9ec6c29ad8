"""Help requests: registered, offered to a matched volunteer, accepted or declined, done when served."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yiyang.core import audit
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.core.workflow import locked
from yiyang.people.models import Elder
from yiyang.volunteers.choices import RequestStatus, VolunteerStatus
from yiyang.volunteers.models import HelpRequest, Volunteer


def _record(request: HelpRequest, actor: Any, verb: str, before: dict[str, Any], message: str = "") -> None:
    audit.record_change(actor=actor, obj=request, action=AuditEntry.Action.WORKFLOW, verb=f"helprequest.{verb}",
                        before=before, after=audit.snapshot(request), message=message)  # fmt: skip


def request_create(
    *, elder: Elder, skill: str, actor: Any, description: str = "", wanted_on: datetime.date | None = None,
    wanted_slot: str = "am", channel: str = "worker",
) -> HelpRequest:  # fmt: skip
    request = HelpRequest(
        elder=elder, skill=skill, description=description, wanted_slot=wanted_slot, channel=channel
    )
    if wanted_on is not None:
        request.wanted_on = wanted_on
    request.area_path = elder.area_path
    require(actor, "add", request)
    with transaction.atomic():
        request.created_by = actor if getattr(actor, "is_authenticated", False) else None
        request.save()
        audit.record_change(actor=actor, obj=request, action=AuditEntry.Action.CREATE, verb="helprequest.create",
                            after=audit.snapshot(request))  # fmt: skip
    return request


def request_offer(*, request: HelpRequest, volunteer: Volunteer, actor: Any) -> HelpRequest:
    """Offer the request to a matched volunteer (the worker phones them)."""
    require(actor, "match", request)
    with transaction.atomic():
        locked(request, "status")
        before = audit.snapshot(request)
        if request.status not in (RequestStatus.OPEN, RequestStatus.OFFERED):
            raise ValidationError(_("该求助已有志愿者接单或已结束"))
        if volunteer.status != VolunteerStatus.ACTIVE:
            raise ValidationError(_("该志愿者不在册"))
        if str(volunteer.pk) in map(str, request.declined):
            raise ValidationError(_("该志愿者已婉拒这次求助"))
        request.volunteer, request.status = volunteer, RequestStatus.OFFERED
        request.save(update_fields=["volunteer", "status"])
        _record(request, actor, "offer", before, message=f"推荐志愿者：{volunteer.name}")
    return request


def request_accept(*, request: HelpRequest, actor: Any) -> HelpRequest:
    require(actor, "change", request)
    with transaction.atomic():
        locked(request, "status", "volunteer_id")
        before = audit.snapshot(request)
        if request.status != RequestStatus.OFFERED:
            raise ValidationError(_("只有待志愿者确认的求助可以接单"))
        request.status = RequestStatus.ACCEPTED
        request.save(update_fields=["status"])
        _record(request, actor, "accept", before)
    return request


def request_decline(*, request: HelpRequest, actor: Any, reason: str = "") -> HelpRequest:
    """The volunteer cannot come: the request is open again and not offered to them a second time."""
    require(actor, "change", request)
    with transaction.atomic():
        locked(request, "status", "volunteer_id")
        before = audit.snapshot(request)
        if request.status not in (RequestStatus.OFFERED, RequestStatus.ACCEPTED) or request.volunteer is None:
            raise ValidationError(_("该求助没有待确认的志愿者"))
        name = request.volunteer.name
        request.declined = [*request.declined, request.volunteer_id]
        request.volunteer, request.status = None, RequestStatus.OPEN
        request.save(update_fields=["declined", "volunteer", "status"])
        _record(request, actor, "decline", before, message=f"{name} 婉拒：{reason}".strip("："))
    return request


def request_cancel(*, request: HelpRequest, actor: Any, reason: str) -> HelpRequest:
    require(actor, "change", request)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写取消原因")})
    with transaction.atomic():
        locked(request, "status")
        before = audit.snapshot(request)
        if request.status == RequestStatus.DONE:
            raise ValidationError(_("已完成的求助不能取消"))
        request.status = RequestStatus.CANCELLED
        request.save(update_fields=["status"])
        _record(request, actor, "cancel", before, message=reason.strip())
    return request
