"""Monthly subsidies to homes: compute (or recompute while a draft), review, approve; then the bank file."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.areas.models import Area
from yiyang.core import audit
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.core.workflow import locked
from yiyang.institutions import subsidy
from yiyang.institutions.choices import ClaimStatus
from yiyang.institutions.models import SubsidyLine, SubsidyRoll


@transaction.atomic
def subsidy_roll_compute(*, area: Area, month: datetime.date, actor: Any) -> SubsidyRoll:
    """计算: the month's lines from occupancy and the rules in force; a draft is recomputed in place,
    a reviewed or approved roll is never touched."""
    first = month.replace(day=1)
    if first > timezone.localdate().replace(day=1):
        raise ValidationError({"month": _("不能计算未来月份的补贴")})
    probe = SubsidyRoll(area_path=area.path, area_name=area.name, month=first)
    require(actor, "add", probe)
    # The roll is locked as it is read (or created): two computations of one month run one after the
    # other, and the second sees the first's lines.
    roll, created = SubsidyRoll.objects.select_for_update().get_or_create(
        area_path=area.path, month=first, defaults={"area_name": area.name}
    )
    if roll.status != ClaimStatus.DRAFT:
        raise ValidationError(_("%(roll)s 已审核或批准，不能重新计算") % {"roll": roll})
    done = subsidy.compute_lines(roll.pk, area.path, first)
    roll.total = done.total
    roll.computed_at = timezone.now()
    roll.save(update_fields=["total", "computed_at", "updated_at"])
    audit.record_change(
        actor=actor, obj=roll, action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        verb="subsidyroll.compute",
        after={"lines": done.lines, "total": str(roll.total)},
        message=f"计算 {done.lines} 条，合计 {roll.total} 元",
    )  # fmt: skip
    return roll


def _advance(
    roll: SubsidyRoll, actor: Any, action: str, frm: str, to: str, field: str, verb: str
) -> SubsidyRoll:
    require(actor, action, roll)
    locked(roll, "status")
    if roll.status != frm:
        raise ValidationError(
            _("当前状态为“%(status)s”，不能执行此操作") % {"status": roll.get_status_display()}
        )
    before = audit.snapshot(roll)
    roll.status = to
    setattr(roll, field, actor if getattr(actor, "is_authenticated", False) else None)
    roll.save(update_fields=["status", field, "updated_at"])
    audit.record_change(
        actor=actor,
        obj=roll,
        action=AuditEntry.Action.WORKFLOW,
        verb=verb,
        before=before,
        after=audit.snapshot(roll),
    )
    return roll


@transaction.atomic
def subsidy_roll_review(*, roll: SubsidyRoll, actor: Any) -> SubsidyRoll:
    return _advance(
        roll, actor, "review", ClaimStatus.DRAFT, ClaimStatus.REVIEWED, "reviewed_by", "subsidyroll.review"
    )


@transaction.atomic
def subsidy_roll_return(*, roll: SubsidyRoll, actor: Any) -> SubsidyRoll:
    """退回: a reviewed roll goes back to draft (to be recomputed)."""
    return _advance(
        roll, actor, "approve", ClaimStatus.REVIEWED, ClaimStatus.DRAFT, "reviewed_by", "subsidyroll.return"
    )


@transaction.atomic
def subsidy_roll_approve(*, roll: SubsidyRoll, actor: Any) -> SubsidyRoll:
    if actor is not None and roll.reviewed_by_id == getattr(actor, "pk", None):
        raise ValidationError(_("审核人和批准人不能是同一人"))
    return _advance(roll, actor, "approve", ClaimStatus.REVIEWED, ClaimStatus.APPROVED, "approved_by",
                    "subsidyroll.approve")  # fmt: skip


@dataclass(frozen=True)
class Payment:
    name: str
    operator: str
    bank: str
    account: str
    amount: Decimal
    month: datetime.date


def payment_rows(roll: SubsidyRoll) -> list[Payment]:
    """One payment per home: the roll's lines summed (the bank file's rows)."""
    totals = (
        SubsidyLine.objects.filter(roll=roll)
        .values("institution_id", "institution__name", "institution__operator", "institution__bank_name",
                "institution__bank_account")
        .annotate(amount=Sum("amount"))
        .order_by("institution__name")
    )  # fmt: skip
    return [
        Payment(r["institution__name"], r["institution__operator"], r["institution__bank_name"],
                r["institution__bank_account"], r["amount"].quantize(Decimal("0.01")), roll.month)
        for r in totals
    ]  # fmt: skip
