"""Settlement workflow: generate the month's settlements, add late visits, review and approve."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.areas.models import Area
from yiyang.core import audit
from yiyang.core.scoping import require, scope_sql_named
from yiyang.core.workflow import locked
from yiyang.services.actions.common import WORKFLOW, _record
from yiyang.services.choices import SettlementStatus
from yiyang.services.models import Provider, Settlement, SettlementLine, Visit
from yiyang.services.selectors import month_bounds
from yiyang.services.settlement import PAIRS_SQL, eligible_visits, insert_lines, prepare


def settlement_generate(
    *, month: datetime.date, provider: Provider | None = None, actor: Any
) -> list[Settlement]:
    """Monthly settlement per provider and street: a few set-based statements, whatever the volume.

    Only verified visits of government-purchased or low-cost items, without an open or confirmed
    exception, not yet settled, go in; a settlement already under review or approved takes no new
    lines. Running it again adds only visits verified since. One audit entry summarises the batch.
    """
    require(actor, "add", Settlement)
    first, last = month_bounds(month)
    with transaction.atomic():
        prepare("services_settlementline")
        batch_filter = ""
        params: dict[str, Any] = {"true": True, "first": first, "last": last}
        if provider is not None:
            batch_filter, params["provider"] = "AND v.provider_id = %(provider)s", provider.pk
        if actor is not None:
            # Only the visits the actor may see: one district's administrator never settles another's.
            condition, scope_params = scope_sql_named(actor, Visit, "v")
            batch_filter += f" AND {condition}"
            params.update(scope_params)
        with connection.cursor() as cursor:
            cursor.execute(PAIRS_SQL.format(batch_filter=batch_filter), params)
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
        inserted = insert_lines(first, last, batch_filter, params)
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
    require(actor, "add", settlement)
    if settlement.status not in (SettlementStatus.DRAFT, SettlementStatus.RETURNED):
        raise ValidationError(_("结算单已提交审核，不能再加入服务记录"))
    first, last = month_bounds(settlement.month)
    ids = [v.pk for v in visits]
    if not ids:
        return 0
    problems = []
    eligible = set(
        eligible_visits(first, last)
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
        locked(settlement, "status")
        extra: dict[str, Any] = {f"v{i}": pk for i, pk in enumerate(ids)}
        extra["settlement"] = settlement.pk
        placeholders = ", ".join(f"%(v{i})s" for i in range(len(ids)))
        inserted = insert_lines(first, last, f"AND v.id IN ({placeholders}) AND s.id = %(settlement)s", extra)
        _settlement_totals(settlement)
        audit.record_change(
            actor=actor,
            obj=settlement,
            action=WORKFLOW,
            verb="settlement.add_visits",
            message=f"加入 {inserted} 条服务记录",
        )
    return inserted


@transaction.atomic
def settlement_review(*, settlement: Settlement, approve: bool, note: str = "", actor: Any) -> Settlement:
    """街道审核: pass to the district, or return with a reason."""
    require(actor, "review", settlement)
    if not approve and not note.strip():
        raise ValidationError({"note": _("退回需填写原因")})
    locked(settlement, "status")
    if settlement.status not in (SettlementStatus.DRAFT, SettlementStatus.RETURNED):
        raise ValidationError(_("该结算单不在待审核状态"))
    before = audit.snapshot(settlement)
    settlement.status = SettlementStatus.REVIEWED if approve else SettlementStatus.RETURNED
    settlement.reviewed_by = actor
    settlement.reviewed_at = timezone.now()
    settlement.note = note[:300]
    settlement.save()
    _record(actor, settlement, "settlement.review" if approve else "settlement.return", before, note)
    return settlement


@transaction.atomic
def settlement_approve(
    *, settlement: Settlement, approve: bool = True, note: str = "", actor: Any
) -> Settlement:
    """区级审批 after the street's review."""
    require(actor, "approve", settlement)
    if not approve and not note.strip():
        raise ValidationError({"note": _("退回需填写原因")})
    locked(settlement, "status")
    if settlement.status != SettlementStatus.REVIEWED:
        raise ValidationError(_("街道审核通过后才能审批"))
    before = audit.snapshot(settlement)
    settlement.status = SettlementStatus.APPROVED if approve else SettlementStatus.RETURNED
    settlement.approved_by = actor if approve else None
    settlement.approved_at = timezone.now() if approve else None
    settlement.note = note[:300] or settlement.note
    settlement.save()
    _record(actor, settlement, "settlement.approve" if approve else "settlement.return", before, note)
    return settlement
