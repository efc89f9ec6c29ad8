"""Activities: sign-up within capacity, attendance by scanning a ticket's code, volunteers credited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.core import audit
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.people.models import Elder
from yiyang.volunteers.actions.bank import account_for_volunteer, earn
from yiyang.volunteers.models import Activity, Participation, TimeMovement, Volunteer


def _created(row: Participation, actor: Any, verb: str) -> None:
    audit.record_change(actor=actor, obj=row, action=AuditEntry.Action.CREATE, verb=f"participation.{verb}",
                        after=audit.snapshot(row))  # fmt: skip


def activity_sign_up(
    *, activity: Activity, elder: Elder, actor: Any, by: str = "社区代报名"
) -> Participation:
    """报名 within the capacity; the same elder twice is refused."""
    require(actor, "change", activity)
    with transaction.atomic():
        Activity.objects.select_for_update().filter(
            pk=activity.pk
        ).get()  # one sign-up at a time per activity
        if Participation.objects.filter(activity=activity, elder=elder).exists():
            raise ValidationError(_("%(elder)s 已报名") % {"elder": elder.name})
        taken = Participation.objects.filter(activity=activity, elder__isnull=False).count()
        if taken >= activity.capacity:
            raise ValidationError(_("名额已满（%(n)s 人）") % {"n": activity.capacity})
        row = Participation.objects.create(activity=activity, elder=elder, signed_up_by=by,
                                           recorded_by=actor if getattr(actor, "is_authenticated", False) else None)  # fmt: skip
        _created(row, actor, "sign_up")
    return row


def activity_add_staff(*, activity: Activity, volunteer: Volunteer, actor: Any) -> Participation:
    require(actor, "change", activity)
    with transaction.atomic():
        row, made = Participation.objects.get_or_create(activity=activity, volunteer=volunteer,
                                                        defaults={"signed_up_by": "志愿者"})  # fmt: skip
        if made:
            _created(row, actor, "staff")
    return row


def participation_attend(*, code: str, actor: Any) -> tuple[Participation, bool]:
    """The ticket's code scanned at the door: attended (once). Returns the row and whether it is new."""
    row = Participation.objects.select_related("activity").filter(code=code).first()
    if row is None:
        raise ValidationError(_("签到码无效"))
    require(actor, "attend", row.activity)
    today = timezone.localdate()
    if (
        not timezone.localtime(row.activity.starts_at).date()
        <= today
        <= timezone.localtime(row.activity.ends_at).date()
    ):
        raise ValidationError(_("签到码只在活动当天有效"))
    with transaction.atomic():
        row = Participation.objects.select_for_update().get(pk=row.pk)
        if row.attended_at is not None:
            return row, False  # scanned twice: attended once
        before = audit.snapshot(row)
        row.attended_at = timezone.now()
        row.save(update_fields=["attended_at"])
        audit.record_change(actor=actor, obj=row, action=AuditEntry.Action.WORKFLOW, verb="participation.attend",
                            before=before, after=audit.snapshot(row))  # fmt: skip
    return row, True


def activity_credit_staff(*, activity: Activity, actor: Any) -> list[TimeMovement]:
    """After the activity, each volunteer who was there earns its hours (once, whatever the repeats)."""
    require(actor, "change", activity)
    if timezone.now() < activity.ends_at:
        raise ValidationError(_("活动结束后才能计入志愿时长"))
    made: list[TimeMovement] = []
    staff = Participation.objects.filter(
        activity=activity, volunteer__isnull=False, attended_at__isnull=False
    )
    for row in staff.select_related("volunteer"):
        assert row.volunteer is not None
        made += earn(account=account_for_volunteer(row.volunteer), minutes=activity.minutes, source_key=row.source_key,
                     memo=f"{activity.name}志愿服务", actor=actor)  # fmt: skip
    return made
