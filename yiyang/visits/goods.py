"""Goods of a condolence campaign, in store and per street; cash paid through the bank file.

``goods_receive`` counts units into the campaign's store; ``goods_allocate`` gives a street units from
it and never more than were received and not yet given; ``goods_deliver`` counts units handed out in
the street, never more than it was given. ``bank_file`` writes the cash condolences of a campaign
whose duplicates are resolved in the format the benefits bank file uses (full ID and account
numbers, which a bank needs; every text cell neutralised against formula injection by
``core.exporting``), and logs the export.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from yiyang.areas.models import Area, AreaLevel
from yiyang.core import audit, crypto
from yiyang.core.exporting import XLSX_TYPE, Sheet, csv_bytes, xlsx_bytes
from yiyang.core.models import AccessLog, AuditEntry
from yiyang.core.scoping import require
from yiyang.core.workflow import locked
from yiyang.visits.choices import CampaignStatus, ContributionStatus, GiftKind
from yiyang.visits.models import Campaign, CampaignGoods, Contribution, Contributor, GoodsAllocation

WORKFLOW = AuditEntry.Action.WORKFLOW


def _quantity(value: Any) -> int:
    try:
        quantity = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"quantity": _("请填写数量")}) from None
    if quantity <= 0 or quantity > 10_000_000:
        raise ValidationError({"quantity": _("数量须为正整数")})
    return quantity


def goods_receive(*, campaign: Campaign, name: str, unit: str, quantity: Any, actor: Any,
                  contributor: Contributor | None = None) -> CampaignGoods:  # fmt: skip
    """物资入库: ``quantity`` more units of ``name`` (a new line of goods the first time)."""
    quantity = _quantity(quantity)
    name = name.strip()[:100]
    if not name:
        raise ValidationError({"name": _("请填写物资名称")})
    require(actor, "add", CampaignGoods(campaign=campaign))
    with transaction.atomic():
        locked(campaign)
        if campaign.status == CampaignStatus.CLOSED:
            raise ValidationError(_("活动已结束"))
        goods, _created = CampaignGoods.objects.get_or_create(
            campaign=campaign,
            name=name,
            defaults={"unit": (unit or "份").strip()[:10], "contributor": contributor},
        )
        locked(goods)
        before = audit.snapshot(goods)
        goods.received += quantity
        goods.save(update_fields=["received"])
        audit.record_change(actor=actor, obj=goods, action=WORKFLOW, verb="goods.receive", before=before,
                            after=audit.snapshot(goods), message=f"入库 {quantity} {goods.unit}")  # fmt: skip
    return goods


def goods_allocate(*, goods: CampaignGoods, area: Area, quantity: Any, actor: Any) -> GoodsAllocation:
    """分配到街道: never more than received and not yet allocated (the goods row is locked)."""
    quantity = _quantity(quantity)
    if actor is not None and not actor.has_perm("visits.add_goodsallocation"):
        raise PermissionDenied(_("您没有此操作的权限"))
    with transaction.atomic():
        locked(goods, "received")
        campaign = Campaign.objects.get(pk=goods.campaign_id)
        if not area.path.startswith(campaign.area_path) or area.level not in (
            AreaLevel.STREET,
            AreaLevel.COMMUNITY,
        ):
            raise ValidationError({"area": _("请选择本活动区域内的街道或社区")})
        given = GoodsAllocation.objects.filter(goods=goods).aggregate(n=Sum("allocated"))["n"] or 0
        if given + quantity > goods.received:
            raise ValidationError({"quantity": _("超出库存：入库 %(received)s，已分配 %(given)s，本次 %(n)s")
                                   % {"received": goods.received, "given": given, "n": quantity}})  # fmt: skip
        row, _created = GoodsAllocation.objects.get_or_create(
            goods=goods, area=area, defaults={"area_path": area.path}
        )
        locked(row)
        before = audit.snapshot(row)
        row.allocated += quantity
        row.save(update_fields=["allocated"])
        audit.record_change(actor=actor, obj=row, action=WORKFLOW, verb="goods.allocate", before=before,
                            after=audit.snapshot(row), message=f"分配 {quantity} {goods.unit}")  # fmt: skip
    return row


def goods_deliver(*, allocation: GoodsAllocation, quantity: Any, actor: Any) -> GoodsAllocation:
    """发放: units handed out in the street, never more than it was given."""
    quantity = _quantity(quantity)
    require(actor, "change", allocation)
    with transaction.atomic():
        locked(allocation, "delivered")
        if allocation.delivered + quantity > allocation.allocated:
            raise ValidationError({"quantity": _("超出分配数量：分配 %(a)s，已发放 %(d)s，本次 %(n)s")
                                   % {"a": allocation.allocated, "d": allocation.delivered, "n": quantity}})  # fmt: skip
        before = audit.snapshot(allocation)
        allocation.delivered += quantity
        allocation.save(update_fields=["delivered"])
        audit.record_change(actor=actor, obj=allocation, action=WORKFLOW, verb="goods.deliver", before=before,
                            after=audit.snapshot(allocation), message=f"发放 {quantity}")  # fmt: skip
    return allocation


# -- cash through the bank -------------------------------------------------------------------------------


def _bank_rows(campaign: Campaign) -> Iterator[list[Any]]:
    from yiyang.benefits.models import ElderBankAccount
    from yiyang.people.models import Elder

    sums = (
        Contribution.objects.filter(campaign=campaign, kind=GiftKind.MONEY)
        .exclude(status=ContributionStatus.CANCELLED).values("elder_id").annotate(amount=Sum("amount"))
        .order_by()
    )  # fmt: skip
    amounts = {row["elder_id"]: row["amount"] for row in sums}
    accounts = {a.elder_id: a for a in ElderBankAccount.objects.filter(elder_id__in=list(amounts))}
    elders = (
        Elder.objects.filter(pk__in=list(amounts))
        .only("name", "id_number_enc", "area_path")
        .order_by("area_path", "id")
    )
    for i, elder in enumerate(elders.iterator(chunk_size=5000), start=1):
        account = accounts.get(elder.pk)
        amount: Decimal = amounts[elder.pk]
        yield [
            i, elder.name, elder.id_number, account.bank_name if account else "",
            account.holder_name if account else "", crypto.decrypt(account.account_enc) if account else "",
            amount, campaign.name, campaign.start_date.replace(day=1), "" if account else "无代发账户，请现金发放并签字",
        ]  # fmt: skip


def bank_file(*, campaign: Campaign, actor: Any, fmt: str = "xlsx") -> tuple[bytes, str, str]:
    """慰问金代发文件: (content, content type, filename), the benefits bank file's columns; logged."""
    from yiyang.benefits.documents import BANK_COLUMNS

    if actor is not None and not actor.has_perm("visits.pay_campaign"):
        raise PermissionDenied(_("您没有此操作的权限"))
    require(actor, "view", campaign)
    if campaign.status == CampaignStatus.COLLECTING:
        raise ValidationError(_("查重完成后才能导出代发文件"))
    stem = f"慰问金代发-{campaign.name}"
    if fmt == "csv":
        content, count = csv_bytes(BANK_COLUMNS, _bank_rows(campaign))
        content_type, filename = "text/csv; charset=utf-8", f"{stem}.csv"
    else:
        content, count = xlsx_bytes([Sheet("代发明细", BANK_COLUMNS, _bank_rows(campaign))])
        content_type, filename = XLSX_TYPE, f"{stem}.xlsx"
    audit.record_access(actor=actor, kind=AccessLog.Kind.EXPORT, object_type="visits.campaign",
                        object_id=str(campaign.pk), area_path=campaign.area_path, fields=["身份证号", "账号"],
                        reason="慰问金银行代发文件", row_count=count)  # fmt: skip
    return content, content_type, filename
