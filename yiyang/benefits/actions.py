"""Writes for allowances: each action is atomic, checks permission and scope, and audits itself."""

from __future__ import annotations

import datetime
import time
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.areas.models import Area, AreaLevel
from yiyang.benefits import rolls
from yiyang.benefits.choices import (
    AdjustmentKind,
    ChangeType,
    LifeEventKind,
    MatchStatus,
    RecoveryStatus,
    RollStatus,
    SuspensionReason,
)
from yiyang.benefits.dates import add_months, first_of, month_cn, month_display
from yiyang.benefits.models import (
    ArrearsMonth,
    Budget,
    ElderBankAccount,
    LifeEventBatch,
    LifeEventRow,
    PaymentRoll,
    Programme,
    QualificationCheck,
    RateRule,
    Recovery,
    RollLine,
    RollReview,
    Suspension,
)
from yiyang.core import audit
from yiyang.core.i18n import records_language, stored
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import allowed, require
from yiyang.core.workflow import locked
from yiyang.people import actions as people_actions
from yiyang.people.models import Elder

QUALIFICATION_MONTHS = 12


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
        after={"lines": roll.line_count, "total": str(roll.total_amount), **roll.counts},
        message=f"生成 {result.inserted} 人，补发 {result.arrears_lines} 人，停发 {result.stopped} 人",
    )
    return roll


def _refresh_totals(roll: PaymentRoll, tally: list[tuple[Any, ...]] | None = None) -> None:
    """Counts by change type, totals and the streets concerned, in one pass over the roll's lines
    (or from ``tally``, the same figures counted by the statement that wrote them)."""
    by_type: dict[str, int] = {}
    streets: set[str] = set()
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
    }
    roll.save(update_fields=["line_count", "total_amount", "counts"])


def _editable(roll: PaymentRoll) -> None:
    if roll.is_locked:
        raise ValidationError(_("花名册已审批，不能再修改；更正请在以后月份的花名册中增加调整"))


@transaction.atomic
def payment_roll_recheck(*, roll: PaymentRoll, actor: Any) -> PaymentRoll:
    """审批前复核: re-run eligibility against today's registry and flag lines it no longer supports."""
    if actor is not None and not (allowed(actor, "review", roll) or allowed(actor, "approve", roll)):
        raise PermissionDenied
    _editable(roll)
    flagged, missing = rolls.recheck_lines(roll)
    roll.rechecked_at = timezone.now()
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
    return roll


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


@transaction.atomic
def payment_roll_review(*, roll: PaymentRoll, street: Area, actor: Any, note: str = "") -> PaymentRoll:
    """街道审核: the street signs off its part; when every street has, the roll is street-reviewed."""
    require(actor, "review", roll)
    require(actor, "view", street)  # a street reviews its own part
    locked(roll)
    if roll.status != RollStatus.DRAFT:
        raise ValidationError(_("只有草稿花名册需要街道审核"))
    streets = _roll_streets(roll)
    if street.path not in streets:
        raise ValidationError(_("本花名册没有该街道的发放对象"))
    if roll.lines.filter(area_path__startswith=street.path, flagged=True, excluded=False).exists():
        raise ValidationError(_("该街道仍有复核标记的明细，请先剔除或重新生成"))
    RollReview.objects.update_or_create(
        roll=roll,
        street=street,
        defaults={"reviewed_by": actor, "reviewed_at": timezone.now(), "note": note[:200]},
    )
    done = set(roll.reviews.values_list("street__path", flat=True))
    if done >= set(streets):
        roll.status = RollStatus.STREET_REVIEWED
        roll.save(update_fields=["status"])
    audit.record_change(
        actor=actor,
        obj=roll,
        action=AuditEntry.Action.WORKFLOW,
        verb="paymentroll.street_review",
        after={"street": street.name, "status": roll.status},
        message=note,
    )
    return roll


def budget_status(roll: PaymentRoll) -> list[dict[str, Any]]:
    """Budget, approved spending this year and this roll's amount, per budgeted street (or district)."""
    year = roll.month.year
    out = []
    for budget in Budget.objects.filter(programme=roll.programme, year=year).select_related("area"):
        if not (budget.area_path.startswith(roll.area_path) or roll.area_path.startswith(budget.area_path)):
            continue
        lines = RollLine.objects.filter(
            programme=roll.programme, month__year=year, area_path__startswith=budget.area_path
        )
        spent = lines.filter(roll__status__in=rolls.LOCKED).aggregate(s=Sum("amount"))["s"] or Decimal(0)
        this = lines.filter(roll=roll).aggregate(s=Sum("amount"))["s"] or Decimal(0)
        if roll.is_locked:
            spent -= this
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


class BudgetExceeded(ValidationError):
    pass


@transaction.atomic
def payment_roll_approve(*, roll: PaymentRoll, actor: Any, confirm_over_budget: bool = False) -> PaymentRoll:
    """区级审批. Needs every street's review, a re-check after generation with no open flags, and —
    if the roll would take a street past its budget — an explicit confirmation."""
    require(actor, "approve", roll)
    locked(roll)
    if roll.is_locked:
        raise ValidationError(_("花名册已审批，不能重复审批"))
    if roll.status != RollStatus.STREET_REVIEWED and _roll_streets(roll):  # an empty roll has no street
        raise ValidationError(_("须各街道审核后才能审批"))
    if roll.rechecked_at is None or (roll.generated_at and roll.rechecked_at < roll.generated_at):
        raise ValidationError(_("审批前须先复核资格"))
    open_flags = roll.lines.filter(flagged=True, excluded=False).count()
    if open_flags:
        raise ValidationError(_("有 %(count)s 条复核标记未处理") % {"count": open_flags})
    over = [b for b in budget_status(roll) if b["over"]]
    if over and not confirm_over_budget:
        # Translators: separator between items of a list ("A、B、C").
        names = _("、").join(
            _("%(area)s（超出 %(amount)s 元）") % {"area": b["area"].name, "amount": f"{-b['remaining']:.2f}"}
            for b in over
        )
        raise BudgetExceeded(_("审批后将超出预算：%(names)s。确认后仍可审批。") % {"names": names})
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
    return roll


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


# -- bank accounts ------------------------------------------------------------------------------------------


@transaction.atomic
def bank_account_save(
    *, elder: Elder, bank_name: str, holder_name: str, number: str, actor: Any
) -> ElderBankAccount:
    account = ElderBankAccount.objects.filter(elder=elder).first()
    require(actor, "change" if account else "add", account or ElderBankAccount(elder=elder))
    number = number.replace(" ", "")
    if not number.isdigit() or not 12 <= len(number) <= 30:
        raise ValidationError({"number": _("账号应为 12–30 位数字")})
    creating = account is None
    before = None if account is None else audit.snapshot(account)
    account = account or ElderBankAccount(elder=elder)
    account.bank_name, account.holder_name = bank_name.strip(), holder_name.strip()
    account.set_account(number)
    account.save()
    audit.record_change(
        actor=actor,
        obj=account,
        action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
        verb="bankaccount.create" if creating else "bankaccount.update",
        before=before,
        after=audit.snapshot(account),
    )
    return account


# -- qualification checks and suspensions -----------------------------------------------------------------


def _add_months_day(day: datetime.date, months: int) -> datetime.date:
    first = add_months(day, months)
    import calendar

    return first.replace(day=min(day.day, calendar.monthrange(first.year, first.month)[1]))


@transaction.atomic
def qualification_certify(
    *, elder: Elder, certified_on: datetime.date, channel: str, actor: Any, note: str = ""
) -> QualificationCheck:
    """资格认证: valid for a year; lifts a suspension for a lapsed check from the current month
    (the next roll pays the suspended months back)."""
    require(actor, "add", QualificationCheck(elder=elder))
    if certified_on > timezone.localdate():
        raise ValidationError({"certified_on": _("认证日期不能晚于今天")})
    if elder.status != "living":
        raise ValidationError(_("该老人已登记死亡或迁出，不能认证"))
    check = QualificationCheck.objects.create(
        elder=elder,
        certified_on=certified_on,
        channel=channel,
        valid_to=_add_months_day(certified_on, QUALIFICATION_MONTHS) - datetime.timedelta(days=1),
        certified_by=actor,
        note=note,
    )
    audit.record_change(
        actor=actor,
        obj=check,
        action=AuditEntry.Action.CREATE,
        verb="qualification.certify",
        after=audit.snapshot(check),
    )
    resume = first_of(certified_on)
    for suspension in Suspension.objects.filter(
        elder=elder, reason=SuspensionReason.QUALIFICATION, resumed_month__isnull=True
    ):
        before = audit.snapshot(suspension)
        suspension.resumed_month = max(resume, suspension.from_month)
        suspension.save(update_fields=["resumed_month", "updated_at"])
        audit.record_change(
            actor=actor,
            obj=suspension,
            action=AuditEntry.Action.WORKFLOW,
            verb="suspension.resume",
            before=before,
            after=audit.snapshot(suspension),
            message="资格认证后恢复发放",
        )
    return check


def qualification_suspend_overdue(*, area: Area, on: datetime.date, actor: Any) -> int:
    """逾期未认证 → 暂停: set-based, for elders in ``area`` whose latest check expired before ``on``
    and who have no open suspension for it; payment stops from the month after the expiry.
    Elders never certified are listed as due, not suspended."""
    qc, susp, elder = (
        QualificationCheck._meta.db_table,
        Suspension._meta.db_table,
        Elder._meta.db_table,
    )
    now = timezone.now()
    with connection.cursor() as cur:
        # Month after expiry, computed in Python per distinct expiry month: few distinct values.
        cur.execute(
            f"""
            SELECT DISTINCT q.vu FROM (SELECT elder_id, MAX(valid_to) AS vu FROM {qc} GROUP BY elder_id) q
            JOIN {elder} e ON e.id = q.elder_id
            WHERE q.vu < %s AND e.area_path LIKE %s AND e.status = 'living'
              AND NOT EXISTS (SELECT 1 FROM {susp} s WHERE s.elder_id = e.id AND s.reason = 'qualification'
                  AND s.resumed_month IS NULL)
            """,
            [on, area.path + "%"],
        )
        expiries = [row[0] for row in cur.fetchall()]
        total = 0
        actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        for vu in expiries:
            vu_date = vu if isinstance(vu, datetime.date) else datetime.date.fromisoformat(str(vu))
            cur.execute(
                f"""
                INSERT INTO {susp} (created_at, updated_at, elder_id, programme_id, reason, from_month,
                    resumed_month, pays_arrears, notice, created_by_id)
                SELECT %s, %s, e.id, NULL, 'qualification', %s, NULL, {rolls.true()}, '', %s
                FROM (SELECT elder_id, MAX(valid_to) AS vu FROM {qc} GROUP BY elder_id) q
                JOIN {elder} e ON e.id = q.elder_id
                WHERE q.vu = %s AND e.area_path LIKE %s AND e.status = 'living'
                  AND NOT EXISTS (SELECT 1 FROM {susp} s WHERE s.elder_id = e.id AND s.reason = 'qualification'
                      AND s.resumed_month IS NULL)
                """,
                [now, now, add_months(vu_date, 1), actor_id, vu, area.path + "%"],
            )
            total += cur.rowcount
    if total:
        audit.record_bulk(
            actor=actor,
            object_type="benefits.suspension",
            verb="suspension.qualification_overdue",
            area_path=area.path,
            message=f"逾期未资格认证，暂停发放 {total} 人",
            after={"count": total, "on": on.isoformat()},
        )
    return total


def _locked_month(elder: Elder, programme: Programme | None, from_month: datetime.date) -> PaymentRoll | None:
    """The latest approved roll from ``from_month`` on that paid this elder (for the programme)."""
    lines = RollLine.objects.filter(
        elder=elder, month__gte=from_month, roll__status__in=rolls.LOCKED, amount__gt=0
    )
    if programme is not None:
        lines = lines.filter(programme=programme)
    line = lines.select_related("roll").order_by("-month").first()
    return line.roll if line else None


@transaction.atomic
def suspension_create(
    *,
    elder: Elder,
    programme: Programme | None,
    from_month: datetime.date,
    pays_arrears: bool,
    notice: str,
    actor: Any,
) -> Suspension:
    """人工暂停: stop paying ``elder`` (one programme, or all with ``programme=None``) from a month.

    ``notice`` is the reason, printed on the notice to the elder. A month already paid by an
    approved roll cannot be suspended after the fact: its money is recovered by a deduction.
    """
    require(actor, "add", Suspension(elder=elder))
    notice = notice.strip()
    if not notice:
        raise ValidationError({"notice": _("请填写暂停原因")})
    if elder.status != "living":
        raise ValidationError(_("该老人已登记死亡或迁出，发放已自动停止"))
    from_month = first_of(from_month)
    paid = _locked_month(elder, programme, from_month)
    if paid is not None:
        raise ValidationError(
            {
                "from_month": _(
                    "%(month)s花名册已审批并已发放，暂停只能从%(next)s起；已发月份请通过扣减调整更正"
                )
                % {"month": month_display(paid.month), "next": month_display(add_months(paid.month, 1))}
            }
        )
    overlapping = Suspension.objects.filter(elder=elder, resumed_month__isnull=True).filter(
        Q(programme__isnull=True) | Q(programme=programme) if programme else Q()
    )
    if overlapping.exists():
        raise ValidationError(_("该老人已有暂停中的记录（覆盖该项目），请先恢复或在原记录上处理"))
    suspension = Suspension.objects.create(
        elder=elder,
        programme=programme,
        reason=SuspensionReason.MANUAL,
        from_month=from_month,
        pays_arrears=pays_arrears,
        notice=notice,
        created_by=actor,
    )
    audit.record_change(
        actor=actor,
        obj=suspension,
        action=AuditEntry.Action.CREATE,
        verb="suspension.create",
        after=audit.snapshot(suspension),
        message=notice,
    )
    return suspension


@transaction.atomic
def suspension_resume(
    *, suspension: Suspension, month: datetime.date, actor: Any, note: str = ""
) -> Suspension:
    """恢复发放 from ``month`` (a manual suspension; a lapsed check is lifted by certifying)."""
    require(actor, "change", suspension)
    locked(suspension)
    if suspension.resumed_month is not None:
        raise ValidationError(_("该暂停已恢复"))
    if suspension.reason != SuspensionReason.MANUAL:
        raise ValidationError(_("逾期未认证的暂停在资格认证后自动恢复，请办理资格认证"))
    month = first_of(month)
    if month < suspension.from_month:
        raise ValidationError({"month": _("恢复月份不能早于暂停起始月")})
    before = audit.snapshot(suspension)
    suspension.resumed_month = month
    suspension.save(update_fields=["resumed_month", "updated_at"])
    audit.record_change(
        actor=actor,
        obj=suspension,
        action=AuditEntry.Action.WORKFLOW,
        verb="suspension.resume",
        before=before,
        after=audit.snapshot(suspension),
        message=note.strip(),
    )
    return suspension


# -- life events and recovery --------------------------------------------------------------------------------


@transaction.atomic
def life_event_row_decide(
    *, row: LifeEventRow, confirm: bool, actor: Any, elder: Elder | None = None
) -> LifeEventRow:
    """确认 / 否决 a proposed match (name + birth date); a confirmed row is applied with the others."""
    require(actor, "change", row.batch)
    locked(row)
    if row.status not in (MatchStatus.PROPOSED, MatchStatus.UNMATCHED, MatchStatus.MATCHED):
        raise ValidationError(_("该行已处理"))
    before = audit.snapshot(row)
    if confirm:
        target = elder or row.elder
        if target is None:
            raise ValidationError(_("请选择对应的老人"))
        require(actor, "view", target)
        row.elder, row.status = target, MatchStatus.CONFIRMED
    else:
        row.status = MatchStatus.REJECTED
    row.decided_by = actor
    row.save(update_fields=["elder", "status", "decided_by"])
    audit.record_change(
        actor=actor,
        obj=row,
        action=AuditEntry.Action.WORKFLOW,
        verb="lifeevent.confirm" if confirm else "lifeevent.reject",
        before=before,
        after=audit.snapshot(row),
    )
    return row


@transaction.atomic
def life_event_batch_apply(*, batch: LifeEventBatch, actor: Any) -> dict[str, int]:
    """Register the deaths / move-outs of matched (by ID) and confirmed rows, and fill the recovery
    ledger with what was paid for months after the stop month. Proposed rows wait for a person."""
    require(actor, "change", batch)
    locked(batch)  # a second apply waits here, then finds the rows already applied
    applied = recoveries = skipped = 0
    rows = list(
        batch.rows.filter(status__in=[MatchStatus.MATCHED, MatchStatus.CONFIRMED]).select_related("elder")
    )
    mine = set(
        Elder.objects.for_user(actor, "change")
        .filter(pk__in={r.elder_id for r in rows})
        .values_list("pk", flat=True)
        if actor is not None
        else {r.elder_id for r in rows}
    )
    for row in rows:
        elder = row.elder
        if elder is None or row.event_date is None:
            skipped += 1
            continue
        if elder.pk not in mine:
            skipped += 1
            continue
        if elder.status != batch.kind or elder.status_date != row.event_date:
            people_actions.elder_set_status(
                elder=elder,
                status=batch.kind,
                date=row.event_date,
                note=f"{stored(LifeEventKind(batch.kind).label)}（{batch.source}）第{row.row_number}行",
                actor=actor,
            )
        row.status = MatchStatus.APPLIED
        row.decided_by = row.decided_by or actor
        row.save(update_fields=["status", "decided_by"])
        recoveries += len(
            recovery_compute(elder=elder, stop_month=add_months(row.event_date, 1), actor=actor, row=row)
        )
        applied += 1
    batch.counts = {**batch.counts, "applied": batch.counts.get("applied", 0) + applied}
    batch.save(update_fields=["counts", "updated_at"])
    audit.record_change(
        actor=actor,
        obj=batch,
        action=AuditEntry.Action.WORKFLOW,
        verb="lifeevent.apply",
        after={"applied": applied, "recoveries": recoveries, "skipped": skipped},
        message=f"处理 {applied} 人，生成追回 {recoveries} 笔",
    )
    return {"applied": applied, "recoveries": recoveries, "skipped": skipped}


def overpayments(elder: Elder, stop_month: datetime.date) -> dict[int, tuple[Decimal, list[datetime.date]]]:
    """Per programme: money paid in approved rolls for months from ``stop_month`` on."""
    out: dict[int, tuple[Decimal, list[datetime.date]]] = {}
    lines = RollLine.objects.filter(
        elder=elder, month__gte=stop_month, roll__status__in=rolls.LOCKED, excluded=False, base_amount__gt=0
    ).exclude(change_type__in=[ChangeType.ADJUSTMENT, ChangeType.STOPPED])
    for programme_id, month, amount in lines.values_list("programme_id", "month", "base_amount"):
        total, months = out.get(programme_id, (Decimal(0), []))
        out[programme_id] = (total + amount, [*months, month])
    arrears = ArrearsMonth.objects.filter(
        elder=elder, month__gte=stop_month, line__roll__status__in=rolls.LOCKED
    )
    for programme_id, month, amount in arrears.values_list("programme_id", "month", "amount"):
        total, months = out.get(programme_id, (Decimal(0), []))
        out[programme_id] = (total + amount, [*months, month])
    return out


def recovery_compute(
    *, elder: Elder, stop_month: datetime.date, actor: Any, row: LifeEventRow | None = None
) -> list[Recovery]:
    made = []
    for programme_id, (owed, months) in overpayments(elder, stop_month).items():
        if owed <= 0:
            continue
        label = "、".join(f"{m.year}年{m.month}月" for m in sorted(months))[:200]
        recovery, created = Recovery.objects.get_or_create(
            elder=elder,
            programme_id=programme_id,
            stop_month=stop_month,
            defaults={"owed": owed, "months": label, "event_row": row, "area_path": elder.area_path},
        )
        if not created:
            continue
        audit.record_change(
            actor=actor,
            obj=recovery,
            action=AuditEntry.Action.CREATE,
            verb="recovery.create",
            after=audit.snapshot(recovery),
            message=f"多发 {label}",
        )
        made.append(recovery)
    return made


def _settle(recovery: Recovery) -> None:
    if recovery.outstanding <= 0:
        recovery.status = RecoveryStatus.SETTLED


@transaction.atomic
def recovery_repay(*, recovery: Recovery, amount: Decimal, actor: Any, note: str = "") -> Recovery:
    require(actor, "change", recovery)
    locked(recovery)
    if amount <= 0 or amount > recovery.outstanding:
        raise ValidationError(
            {"amount": _("金额应大于0且不超过未追回金额 %(amount)s 元") % {"amount": recovery.outstanding}}
        )
    before = audit.snapshot(recovery)
    recovery.repaid += amount
    _settle(recovery)
    recovery.save(update_fields=["repaid", "status", "updated_at"])
    audit.record_change(
        actor=actor,
        obj=recovery,
        action=AuditEntry.Action.WORKFLOW,
        verb="recovery.repay",
        before=before,
        after=audit.snapshot(recovery),
        message=note or f"追回 {amount} 元",
    )
    return recovery


@transaction.atomic
def recovery_request_waiver(*, recovery: Recovery, reason: str, actor: Any) -> Recovery:
    require(actor, "change", recovery)
    locked(recovery)
    if recovery.status != RecoveryStatus.OPEN:
        raise ValidationError(_("只有待追回的记录可以申请核销"))
    if len(reason.strip()) < 2:
        raise ValidationError({"reason": _("请填写核销理由")})
    before = audit.snapshot(recovery)
    recovery.status, recovery.waiver_reason, recovery.waiver_requested_by = (
        RecoveryStatus.WAIVER_REQUESTED,
        reason.strip()[:200],
        actor,
    )
    recovery.save(update_fields=["status", "waiver_reason", "waiver_requested_by", "updated_at"])
    audit.record_change(
        actor=actor,
        obj=recovery,
        action=AuditEntry.Action.WORKFLOW,
        verb="recovery.waiver_request",
        before=before,
        after=audit.snapshot(recovery),
        message=reason,
    )
    return recovery


@transaction.atomic
def recovery_decide_waiver(*, recovery: Recovery, approve: bool, actor: Any) -> Recovery:
    """核销审批 (district administrator): waive what is still outstanding, or send it back."""
    require(actor, "waive", recovery)
    locked(recovery)
    if recovery.status != RecoveryStatus.WAIVER_REQUESTED:
        raise ValidationError(_("没有待审批的核销申请"))
    if approve and recovery.waiver_requested_by_id == actor.pk:
        raise ValidationError(_("核销须由申请人以外的区级管理员审批"))
    before = audit.snapshot(recovery)
    if approve:
        recovery.waived += recovery.outstanding
        recovery.waiver_approved_by = actor
        _settle(recovery)
    else:
        recovery.status = RecoveryStatus.OPEN
    recovery.save(update_fields=["waived", "waiver_approved_by", "status", "updated_at"])
    audit.record_change(
        actor=actor,
        obj=recovery,
        action=AuditEntry.Action.WORKFLOW,
        verb="recovery.waive" if approve else "recovery.waiver_refused",
        before=before,
        after=audit.snapshot(recovery),
    )
    return recovery
