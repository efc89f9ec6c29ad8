"""Bank accounts, qualification checks (资格认证) and suspensions (暂停发放)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.areas.models import Area
from yiyang.benefits import rolls
from yiyang.benefits.choices import (
    LIFE_EVENT_REASONS,
    SuspensionReason,
)
from yiyang.benefits.dates import add_months, first_of, month_display
from yiyang.benefits.models import (
    ElderBankAccount,
    PaymentRoll,
    Programme,
    QualificationCheck,
    RollLine,
    Suspension,
)
from yiyang.core import audit, sql
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.core.workflow import locked
from yiyang.people.models import Elder

QUALIFICATION_MONTHS = 12


# -- bank accounts ------------------------------------------------------------------------------------------


@transaction.atomic
def bank_account_save(
    *, elder: Elder, bank_name: str, holder_name: str, number: str, actor: Any
) -> ElderBankAccount:
    account = ElderBankAccount.objects.filter(elder=elder).first()
    require(actor, "change" if account else "add", account or ElderBankAccount(elder=elder))
    number = number.replace(" ", "")
    # On an existing account an empty number keeps the stored one (the form never shows it in clear).
    keep = not number and account is not None
    if not keep and (not number.isdigit() or not 12 <= len(number) <= 30):
        raise ValidationError({"number": _("账号应为 12–30 位数字")})
    creating = account is None
    before = None if account is None else audit.snapshot(account)
    account = account or ElderBankAccount(elder=elder)
    account.bank_name, account.holder_name = bank_name.strip(), holder_name.strip()
    if not keep:
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
            total += sql.rowcount(cur)
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
    if suspension.reason in LIFE_EVENT_REASONS:
        raise ValidationError(_("死亡或迁出停发随老年人状态变化：迁回请在老年人页面登记迁回"))
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
