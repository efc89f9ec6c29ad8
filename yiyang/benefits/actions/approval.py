"""Roll approval: the eligibility re-check, street review (one street or every street at once) and
district approval, which runs the re-check itself and keeps its result even when it refuses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.areas.models import Area
from yiyang.benefits import rolls
from yiyang.benefits.actions.generation import STREET_AMOUNTS, _editable, _roll_streets
from yiyang.benefits.choices import RollStatus
from yiyang.benefits.models import Budget, PaymentRoll, RollLine, RollReview
from yiyang.core import audit
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import allowed, require
from yiyang.core.workflow import locked

# -- the re-check -----------------------------------------------------------------------------------------


def _recheck(roll: PaymentRoll, actor: Any) -> tuple[int, int]:
    """Flag the lines today's registry no longer supports; the summary and an audit row are saved.
    Returns (lines flagged, elders eligible here who are in no roll of the month)."""
    flagged, missing = rolls.recheck_lines(roll)
    roll.rechecked_at = timezone.now()
    # Saved with the roll (records stay Chinese, core.i18n).
    roll.recheck_summary = (
        f"标记 {flagged} 条；另有 {missing} 人符合条件但不在本月花名册中" if missing else f"标记 {flagged} 条"
    )
    roll.save(update_fields=["rechecked_at", "recheck_summary"])
    audit.record_change(
        actor=actor,
        obj=roll,
        action=AuditEntry.Action.WORKFLOW,
        verb="paymentroll.recheck",
        after={"flagged": flagged, "missing": missing},
        message=roll.recheck_summary,
    )
    return flagged, missing


@transaction.atomic
def payment_roll_recheck(*, roll: PaymentRoll, actor: Any) -> PaymentRoll:
    """复核资格: re-run eligibility against today's registry and flag lines it no longer supports.
    Approval runs it too; a street runs it before signing off its part."""
    if actor is not None and not (allowed(actor, "review", roll) or allowed(actor, "approve", roll)):
        raise PermissionDenied
    locked(roll)
    _editable(roll)
    _recheck(roll, actor)
    return roll


# -- street review ------------------------------------------------------------------------------------------


def _open_flags(roll: PaymentRoll, street_path: str = "") -> int:
    lines = roll.lines.filter(flagged=True, excluded=False)
    return lines.filter(area_path__startswith=street_path).count() if street_path else lines.count()


def _sign(roll: PaymentRoll, street: Area, actor: Any, note: str) -> None:
    RollReview.objects.update_or_create(
        roll=roll,
        street=street,
        defaults={"reviewed_by": actor, "reviewed_at": timezone.now(), "note": note[:200]},
    )


def _all_streets_signed(roll: PaymentRoll) -> None:
    done = set(roll.reviews.values_list("street__path", flat=True))
    if done >= set(_roll_streets(roll)):
        roll.status = RollStatus.STREET_REVIEWED
        roll.save(update_fields=["status"])


@transaction.atomic
def payment_roll_review(*, roll: PaymentRoll, street: Area, actor: Any, note: str = "") -> PaymentRoll:
    """街道审核: the street signs off its part; when every street has, the roll is street-reviewed."""
    require(actor, "review", roll)
    require(actor, "view", street)  # a street reviews its own part
    locked(roll)
    if roll.status != RollStatus.DRAFT:
        raise ValidationError(_("只有草稿花名册需要街道审核"))
    if street.path not in _roll_streets(roll):
        raise ValidationError(_("本花名册没有该街道的发放对象"))
    if _open_flags(roll, street.path):
        raise ValidationError(_("该街道仍有复核标记的明细，请先剔除或重新生成"))
    _sign(roll, street, actor, note)
    _all_streets_signed(roll)
    audit.record_change(
        actor=actor,
        obj=roll,
        action=AuditEntry.Action.WORKFLOW,
        verb="paymentroll.street_review",
        after={"street": street.name, "status": roll.status},
        message=note,
    )
    return roll


@dataclass
class StreetReviewResult:
    """What one batch review did: the streets signed now, and those held back by open flags."""

    roll: PaymentRoll
    reviewed: list[Area] = field(default_factory=list)
    held: list[tuple[Area, int]] = field(default_factory=list)


@transaction.atomic
def payment_roll_review_streets(
    *, roll: PaymentRoll, actor: Any, streets: Sequence[Area] | None = None, note: str = ""
) -> StreetReviewResult:
    """批量审核: sign off every street of the roll the actor may review (or the ``streets`` named)
    that has not signed yet, in one action. A street with open re-check flags is held back and
    named; the others are signed. Nothing to sign at all is an error that says why."""
    require(actor, "review", roll)
    locked(roll)
    if roll.status != RollStatus.DRAFT:
        raise ValidationError(_("只有草稿花名册需要街道审核"))
    paths = _roll_streets(roll)
    reachable = Area.objects.filter(path__in=paths)
    if actor is not None:
        reachable = Area.objects.for_user(actor, "view").filter(path__in=paths)
    if streets is not None:
        wanted = {s.path for s in streets}
        if not wanted <= set(paths):
            raise ValidationError(_("本花名册没有该街道的发放对象"))
        if not wanted <= set(reachable.values_list("path", flat=True)):
            raise PermissionDenied
        reachable = reachable.filter(path__in=wanted)
    signed = set(roll.reviews.values_list("street__path", flat=True))
    result = StreetReviewResult(roll=roll)
    for street in reachable.exclude(path__in=signed).order_by("path"):
        flags = _open_flags(roll, street.path)
        if flags:
            result.held.append((street, flags))
            continue
        _sign(roll, street, actor, note)
        result.reviewed.append(street)
    if not result.reviewed:
        if result.held:
            raise ValidationError(
                _("以下街道仍有复核标记的明细，请先剔除或重新生成：%(streets)s")
                % {"streets": _("、").join(s.name for s, _n in result.held)}
            )
        raise ValidationError(_("没有待您审核的街道"))
    _all_streets_signed(roll)
    audit.record_change(
        actor=actor,
        obj=roll,
        action=AuditEntry.Action.WORKFLOW,
        verb="paymentroll.street_review",
        after={
            "streets": [s.name for s in result.reviewed],
            "held": [s.name for s, _n in result.held],
            "status": roll.status,
        },
        message=note or f"批量审核 {len(result.reviewed)} 个街道",
    )
    return result


# -- approval -------------------------------------------------------------------------------------------------


def budget_status(roll: PaymentRoll) -> list[dict[str, Any]]:
    """Budget, approved spending this year and this roll's amount, per budgeted street (or district).

    Read from each roll's own amounts by street, kept with its totals whenever its lines change
    (an approved roll's never change again): a dozen small rows, not a year of lines.
    """
    year = roll.month.year
    budgets = [
        budget
        for budget in Budget.objects.filter(programme=roll.programme, year=year).select_related("area")
        if budget.area_path.startswith(roll.area_path) or roll.area_path.startswith(budget.area_path)
    ]
    if not budgets:
        return []
    approved = PaymentRoll.objects.filter(
        programme=roll.programme, month__year=year, status__in=rolls.LOCKED
    ).exclude(pk=roll.pk)
    spent_by_street: dict[str, Decimal] = {}
    for other in approved:
        for street, amount in _street_amounts(other).items():
            spent_by_street[street] = spent_by_street.get(street, Decimal(0)) + amount
    this_by_street = _street_amounts(roll)
    out = []
    for budget in budgets:
        spent = sum((a for s, a in spent_by_street.items() if s.startswith(budget.area_path)), Decimal(0))
        this = sum((a for s, a in this_by_street.items() if s.startswith(budget.area_path)), Decimal(0))
        out.append(
            {
                "budget": budget,
                "area": budget.area,
                "amount": budget.amount,
                "spent": spent,
                "this": this,
                "after": spent + this,
                "over": spent + this > budget.amount,
                "remaining": budget.amount - spent - this,
            }
        )
    return out


def _street_amounts(roll: PaymentRoll) -> dict[str, Decimal]:
    """What the roll pays in each street (a roll from before the amounts were kept: its lines, once)."""
    kept = roll.counts.get(STREET_AMOUNTS)
    if kept is None:
        rows = (
            RollLine.objects.filter(roll=roll, month=roll.month)
            .annotate(street=Substr("area_path", 1, 9))
            .values("street")
            .annotate(s=Sum("amount"))
        )
        return {row["street"]: row["s"] or Decimal(0) for row in rows}
    return {street: Decimal(amount) for street, amount in kept.items()}


class BudgetExceeded(ValidationError):
    pass


def payment_roll_approve(*, roll: PaymentRoll, actor: Any, confirm_over_budget: bool = False) -> PaymentRoll:
    """区级审批. Needs every street's review and — if the roll would take a street past its budget —
    an explicit confirmation. The eligibility re-check runs here, as part of approval: lines it
    flags stop the approval, and its result stays on the roll (flags and summary) for the page to
    show even though the approval is refused."""
    refusal = _approve(roll=roll, actor=actor, confirm_over_budget=confirm_over_budget)
    if refusal is not None:
        raise refusal  # after the transaction: the re-check's flags and summary are kept
    return roll


@transaction.atomic
def _approve(*, roll: PaymentRoll, actor: Any, confirm_over_budget: bool) -> ValidationError | None:
    require(actor, "approve", roll)
    locked(roll)
    if roll.is_locked:
        raise ValidationError(_("花名册已审批，不能重复审批"))
    if roll.status != RollStatus.STREET_REVIEWED and _roll_streets(roll):  # an empty roll has no street
        raise ValidationError(_("须各街道审核后才能审批"))
    _recheck(roll, actor)
    open_flags = _open_flags(roll)
    if open_flags:
        return ValidationError(
            _("复核资格：有 %(count)s 条明细与当前登记信息不符（已标记），请剔除或重新生成后再审批")
            % {"count": open_flags}
        )
    over = [b for b in budget_status(roll) if b["over"]]
    if over and not confirm_over_budget:
        # Translators: separator between items of a list ("A、B、C").
        names = _("、").join(
            _("%(area)s（超出 %(amount)s 元）") % {"area": b["area"].name, "amount": f"{-b['remaining']:.2f}"}
            for b in over
        )
        return BudgetExceeded(_("审批后将超出预算：%(names)s。确认后仍可审批。") % {"names": names})
    roll.status, roll.approved_by, roll.approved_at = RollStatus.APPROVED, actor, timezone.now()
    roll.save(update_fields=["status", "approved_by", "approved_at"])
    audit.record_change(
        actor=actor,
        obj=roll,
        action=AuditEntry.Action.WORKFLOW,
        verb="paymentroll.approve",
        after={"status": roll.status, "total": str(roll.total_amount), "over_budget": bool(over)},
        message="超预算审批" if over else "",
    )
    return None


@transaction.atomic
def payment_roll_publish(*, roll: PaymentRoll, actor: Any) -> PaymentRoll:
    require(actor, "publish", roll)
    locked(roll)
    if roll.status != RollStatus.APPROVED:
        raise ValidationError(_("只有已审批的花名册可以公示"))
    roll.status, roll.published_at = RollStatus.PUBLISHED, timezone.now()
    roll.save(update_fields=["status", "published_at"])
    audit.record_change(
        actor=actor,
        obj=roll,
        action=AuditEntry.Action.WORKFLOW,
        verb="paymentroll.publish",
        after={"status": roll.status},
    )
    return roll
