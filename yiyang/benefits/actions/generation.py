"""Rates, roll generation, exclusions and manual adjustments."""

from __future__ import annotations

import datetime
import time
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.areas.models import Area, AreaLevel
from yiyang.benefits import rolls
from yiyang.benefits.actions.eligibility import qualification_suspend_overdue
from yiyang.benefits.choices import (
    AdjustmentKind,
    ChangeType,
    RollStatus,
)
from yiyang.benefits.dates import first_of, month_cn, month_display
from yiyang.benefits.models import (
    ArrearsMonth,
    PaymentRoll,
    Programme,
    RateRule,
    RollLine,
)
from yiyang.core import audit
from yiyang.core.i18n import records_language, stored
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.core.workflow import locked
from yiyang.people.models import Elder

# -- rates ---------------------------------------------------------------------------------------------


@transaction.atomic
def rate_change(
    *, rule: RateRule, amount: Decimal, valid_from: datetime.date, actor: Any, note: str = ""
) -> RateRule:
    """调整标准: close ``rule`` the day before ``valid_from`` and open a new rule from it.

    Months already computed keep their amounts: the new rule may not start in or before a month
    whose roll is approved, and it always starts on the first of a month.
    """
    require(actor, "change", rule)
    if valid_from.day != 1:
        raise ValidationError({"valid_from": _("新标准须自某月1日起生效")})
    if valid_from <= rule.valid_from:
        raise ValidationError({"valid_from": _("生效日期须晚于现行标准的生效日期")})
    if rule.valid_to is not None and rule.valid_to < valid_from:
        raise ValidationError(_("该标准已失效，不能在其后调整"))
    if amount < 0:
        raise ValidationError({"amount": _("金额不能为负数")})
    locked = PaymentRoll.objects.filter(
        programme=rule.programme_id, month__gte=valid_from, status__in=rolls.LOCKED
    ).order_by("-month")
    if locked.exists():
        raise ValidationError(
            _("%(month)s花名册已审批，新标准只能从之后的月份生效（已发月份不可改动）")
            % {"month": month_display(locked[0].month)}
        )
    before = audit.snapshot(rule)
    new = RateRule.objects.create(
        programme=rule.programme,
        age_from=rule.age_from,
        age_to=rule.age_to,
        category=rule.category,
        level=rule.level,
        amount=amount,
        valid_from=valid_from,
        valid_to=rule.valid_to,
        note=note,
    )
    rule.valid_to = valid_from - datetime.timedelta(days=1)
    rule.save(update_fields=["valid_to"])
    audit.record_change(
        actor=actor,
        obj=rule,
        action=AuditEntry.Action.UPDATE,
        verb="raterule.close",
        before=before,
        after=audit.snapshot(rule),
        message=f"自{valid_from:%Y-%m-%d}起调整为 {amount} 元/月",
    )
    audit.record_change(
        actor=actor,
        obj=new,
        action=AuditEntry.Action.CREATE,
        verb="raterule.create",
        after=audit.snapshot(new),
    )
    return new


# -- rolls -----------------------------------------------------------------------------------------------


def _roll_streets(roll: PaymentRoll) -> list[str]:
    return list(roll.counts.get("streets", []))


@transaction.atomic
def payment_roll_generate(
    *, programme: Programme, area: Area, month: datetime.date, actor: Any
) -> PaymentRoll:
    """生成花名册 for a street or the district; a draft roll is regenerated from scratch."""
    require(actor, "add", PaymentRoll(programme=programme, area=area, area_path=area.path, month=month))
    if area.level not in (AreaLevel.DISTRICT, AreaLevel.STREET):
        raise ValidationError({"area": _("花名册按街道或区县生成")})
    if month.day != 1:
        raise ValidationError({"month": _("发放月份须为某月1日")})
    if not programme.active:
        raise ValidationError({"programme": _("该项目已停用")})
    started = time.perf_counter()
    roll = PaymentRoll.objects.select_for_update().filter(programme=programme, area=area, month=month).first()
    regenerating = roll is not None
    if roll is not None:
        if roll.status != RollStatus.DRAFT:
            raise ValidationError(_("花名册已进入审核，不能重新生成；更正请在以后月份的花名册中增加调整"))
        ArrearsMonth.objects.filter(line__roll=roll)._raw_delete(connection.alias)
        # Manual adjustments are a worker's decisions, not computed: they survive regeneration.
        RollLine.objects.filter(roll=roll).exclude(change_type=ChangeType.ADJUSTMENT)._raw_delete(
            connection.alias
        )
        roll.reviews.all().delete()
    else:
        roll = PaymentRoll(programme=programme, area=area, month=month)
    if programme.requires_qualification_check:
        qualification_suspend_overdue(area=area, on=month, actor=actor)
    roll.generated_by, roll.generated_at = actor, timezone.now()
    roll.rechecked_at, roll.recheck_summary = None, ""
    with records_language():  # saved with the roll: the tier names stay Chinese
        roll.rates_used = [
            {
                "rule": r.pk,
                "basis": r.basis_label,
                "amount": str(r.amount),
                "from": r.valid_from.isoformat(),
            }
            for r in rolls.rules_in_force(programme, month)
        ]
    roll.save()
    result = rolls.generate_lines(roll)
    _refresh_totals(roll, result.tally)
    roll.generation_seconds = time.perf_counter() - started
    roll.save(update_fields=["generation_seconds"])
    audit.record_change(
        actor=actor,
        obj=roll,
        action=AuditEntry.Action.WORKFLOW,
        verb="paymentroll.regenerate" if regenerating else "paymentroll.generate",
        after={
            "lines": roll.line_count,
            "total": str(roll.total_amount),
            **{k: v for k, v in roll.counts.items() if k != STREET_AMOUNTS},
        },
        message=f"生成 {result.inserted} 人，补发 {result.arrears_lines} 人，停发 {result.stopped} 人",
    )
    return roll


STREET_AMOUNTS = "street_amounts"


def _refresh_totals(roll: PaymentRoll, tally: list[tuple[Any, ...]] | None = None) -> None:
    """Counts by change type, totals and the streets concerned, in one pass over the roll's lines
    (or from ``tally``, the same figures counted by the statement that wrote them)."""
    by_type: dict[str, int] = {}
    streets: set[str] = set()
    by_street: dict[str, Decimal] = {}
    total = arrears = Decimal("0.00")
    paying = 0
    if tally is None:
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT {rolls.TALLY_COLUMNS} FROM {RollLine._meta.db_table} WHERE roll_id = %s GROUP BY 1, 2",
                [roll.pk],
            )
            tally = cur.fetchall()
    for change_type, street, n, amount, arrears_amount in tally:
        by_type[change_type] = by_type.get(change_type, 0) + int(n)
        streets.add(street)
        by_street[street] = by_street.get(street, Decimal(0)) + Decimal(str(amount or 0))
        if change_type != ChangeType.STOPPED:
            paying += int(n)
            total += Decimal(str(amount or 0))
            arrears += Decimal(str(arrears_amount or 0))
    roll.line_count = paying
    roll.total_amount = total.quantize(Decimal("0.01"))
    roll.counts = {
        **by_type,
        "arrears_total": str(arrears.quantize(Decimal("0.01"))),
        "streets": sorted(streets),
        # what the roll pays in each street: the budgets read it instead of summing a year of lines
        STREET_AMOUNTS: {
            street: str(by_street[street].quantize(Decimal("0.01"))) for street in sorted(streets)
        },
    }
    roll.save(update_fields=["line_count", "total_amount", "counts"])


def _editable(roll: PaymentRoll) -> None:
    if roll.is_locked:
        raise ValidationError(_("花名册已审批，不能再修改；更正请在以后月份的花名册中增加调整"))


@transaction.atomic
def roll_line_exclude(*, line: RollLine, reason: str, actor: Any) -> RollLine:
    """复核剔除: take one line out of a roll under review (its amount becomes 0)."""
    roll = line.roll
    require(actor, "review", roll)
    require(actor, "view", line)  # a street takes out only its own lines
    locked(roll)
    _editable(roll)
    if not reason.strip():
        raise ValidationError(_("请填写剔除原因"))
    before = audit.snapshot(line)
    line.excluded, line.amount, line.reason = True, Decimal("0.00"), f"复核剔除：{reason.strip()}"[:100]
    line.save(update_fields=["excluded", "amount", "reason"])
    ArrearsMonth.objects.filter(line=line).delete()
    _refresh_totals(roll)
    audit.record_change(
        actor=actor,
        obj=line,
        action=AuditEntry.Action.WORKFLOW,
        verb="rollline.exclude",
        before=before,
        after=audit.snapshot(line),
        message=reason,
    )
    return line


def month_paid(*, elder: Elder, programme: Programme, month: datetime.date) -> tuple[Decimal, Decimal]:
    """(paid by approved rolls, net of every adjustment already entered) for one person's month.

    The first counts the month's own paying line and arrears paid for it later; the second adds the
    adjustments that correct that month, in any roll (a draft's adjustment is already promised).
    """
    paid = RollLine.objects.filter(
        elder=elder,
        programme=programme,
        month=month,
        roll__status__in=rolls.LOCKED,
        excluded=False,
        base_amount__gt=0,
    ).exclude(change_type__in=rolls.NOT_PAYING).aggregate(s=Sum("base_amount"))["s"] or Decimal(0)
    paid += ArrearsMonth.objects.filter(
        elder=elder, programme=programme, month=month, line__roll__status__in=rolls.LOCKED
    ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    adjusted = RollLine.objects.filter(
        elder=elder,
        programme=programme,
        change_type=ChangeType.ADJUSTMENT,
        corrects_month=month,
        excluded=False,
    ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return paid, paid + adjusted


@transaction.atomic
def roll_adjustment_add(
    *,
    roll: PaymentRoll,
    elder: Elder,
    kind: str,
    corrects_month: datetime.date,
    amount: Decimal,
    reason: str,
    actor: Any,
) -> RollLine:
    """更正调整: 补发 / 扣减 / 更正 of a month whose roll is approved, entered in a later draft roll.

    An approved roll never changes; what it got wrong is put right here. ``amount`` is what the
    worker types: positive for 补发 and 扣减 (a deduction is stored negative), signed for 更正.
    A month's net payment may not go below zero, a deduction is taken from this roll's payment to
    the same person (a bank cannot debit an account: more than that is a recovery), and 补发 is for
    a month nobody paid.
    """
    require(actor, "change", roll)
    require(actor, "view", elder)
    locked(roll)
    _editable(roll)
    if roll.status != RollStatus.DRAFT:
        raise ValidationError(_("只能在草稿花名册中增加调整"))
    if not elder.area_path.startswith(roll.area_path):
        raise ValidationError(_("该老人不在本花名册的区域内"))
    if kind not in AdjustmentKind.values:
        raise ValidationError({"kind": _("调整类型无效")})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写调整原因")})
    if amount == 0:
        raise ValidationError({"amount": _("调整金额不能为0")})
    if kind != AdjustmentKind.CORRECTION and amount < 0:
        raise ValidationError({"amount": _("补发、扣减金额请填正数")})
    corrects_month = first_of(corrects_month)
    if corrects_month >= roll.month:
        raise ValidationError({"corrects_month": _("只能调整本花名册月份之前的月份")})
    shown = month_display(corrects_month)
    approved = [
        r
        for r in PaymentRoll.objects.filter(
            programme=roll.programme, month=corrects_month, status__in=rolls.LOCKED
        )
        if elder.area_path.startswith(r.area_path)
    ]
    if not approved:
        raise ValidationError(
            {"corrects_month": _("%(month)s没有已审批的花名册，请在该月花名册中处理") % {"month": shown}}
        )
    signed = -amount if kind == AdjustmentKind.DEDUCTION else amount
    paid, net = month_paid(elder=elder, programme=roll.programme, month=corrects_month)
    label = month_cn(corrects_month)
    if kind == AdjustmentKind.ARREARS and net > 0:
        raise ValidationError(
            _("%(month)s已发放 %(net)s 元，不能补发；金额有误请用“更正”") % {"month": shown, "net": net}
        )
    if kind == AdjustmentKind.CORRECTION and paid <= 0:
        raise ValidationError(_("%(month)s未发放，无可更正的金额；漏发请用“补发”") % {"month": shown})
    if net + signed < 0:
        raise ValidationError(_("%(month)s实发 %(net)s 元，扣减后不能为负数") % {"month": shown, "net": net})
    if signed < 0:
        here = RollLine.objects.filter(roll=roll, elder=elder, excluded=False).exclude(
            change_type=ChangeType.STOPPED
        ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
        if here + signed < 0:
            raise ValidationError(
                _("本花名册中该老人可抵扣的金额为 %(here)s 元，不足扣减；超出部分请登记追回台账")
                % {"here": here}
            )
    line = RollLine.objects.create(
        roll=roll,
        programme=roll.programme,
        month=roll.month,
        elder=elder,
        base_amount=Decimal(0),
        amount=signed,
        months_covered=0,
        change_type=ChangeType.ADJUSTMENT,
        adjustment_kind=kind,
        corrects_month=corrects_month,
        reason=f"{stored(AdjustmentKind(kind).label)}{label}：{reason}"[:100],
        fact_birth_date=elder.birth_date,
        fact_categories=elder.categories,
        fact_level=elder.capability_level,
        fact_hukou_local=elder.hukou_local,
        fact_status=elder.status,
        area_path=elder.area_path,
    )
    _refresh_totals(roll)
    audit.record_change(
        actor=actor,
        obj=line,
        action=AuditEntry.Action.CREATE,
        verb="rollline.adjustment",
        after=audit.snapshot(line),
        message=line.reason,
    )
    return line


@transaction.atomic
def roll_adjustment_delete(*, line: RollLine, actor: Any) -> None:
    """撤销调整: only while its roll is a draft (afterwards it is paid and needs its own correction)."""
    roll = line.roll
    require(actor, "change", roll)
    require(actor, "view", line)
    locked(roll)
    _editable(roll)
    if line.change_type != ChangeType.ADJUSTMENT:
        raise ValidationError(_("只能撤销人工调整"))
    before = audit.snapshot(line)
    audit.record_change(
        actor=actor,
        obj=line,
        action=AuditEntry.Action.DELETE,
        verb="rollline.adjustment_delete",
        before=before,
        message=line.reason,
    )
    line.delete()
    _refresh_totals(roll)
