"""Holiday condolence campaigns (节日慰问): recipients, contributions, the duplicate check, delivery.

Seed 000 complains that departments each bought goods without knowing what the others bought. Here
every department registers what it gives to whom *before* anything is bought; the street sees the
same elder counted twice and resolves it (keeps both or cancels one, audited); purchase and delivery
open only when nothing is left unresolved. A registration that would pass the campaign's budget or a
recipient's standard is refused unless an authorised user gives a reason, which the audit keeps.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.core import audit, crypto
from yiyang.core.idnumber import IdNumberError, parse_id_number
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.core.workflow import locked
from yiyang.people.choices import ElderStatus
from yiyang.people.models import Elder
from yiyang.visits.choices import CampaignStatus, ContributionStatus, GiftKind, RecipientSource
from yiyang.visits.generation import condition_sql
from yiyang.visits.models import ZERO, Campaign, Contribution, Contributor, Recipient

WORKFLOW = AuditEntry.Action.WORKFLOW
ACTIVE = ~Q(status=ContributionStatus.CANCELLED)


# -- recipients ------------------------------------------------------------------------------------------


def recipients_from_rules(*, campaign: Campaign, actor: Any) -> int:
    """Put every living elder of the campaign's area who meets one of its target rules on the list, in
    one ``INSERT … SELECT``; elders already listed are skipped. Returns how many were added."""
    require(actor, "change", campaign)
    rules = list(campaign.target_rules.order_by("rank", "id"))
    if not rules:
        raise ValidationError(_("请先选择慰问对象条件"))
    whens, params = [], []
    for rule in rules:
        sql, rule_params = condition_sql(rule, campaign.start_date)
        whens.append(f"WHEN {sql} THEN %s")
        params += [*rule_params, rule.name[:200]]
    table, elder = Recipient._meta.db_table, Elder._meta.db_table
    reason = "CASE " + " ".join(whens) + " END"
    statement = (
        f"INSERT INTO {table} (campaign_id, elder_id, area_path, source, reason, signer_name) "
        f"SELECT %s, r.id, r.area_path, %s, r.reason, '' FROM (SELECT e.id, e.area_path, {reason} AS reason "
        f"FROM {elder} e WHERE e.status = %s AND e.area_path LIKE %s) r "
        "WHERE r.reason IS NOT NULL ON CONFLICT (campaign_id, elder_id) DO NOTHING"
    )
    with transaction.atomic():
        locked(campaign)
        _expect(campaign, CampaignStatus.COLLECTING)
        with connection.cursor() as cur:
            cur.execute(
                statement,
                [campaign.pk, RecipientSource.RULE, *params, ElderStatus.LIVING, f"{campaign.area_path}%"],
            )
            added = max(cur.rowcount, 0)
        audit.record_change(
            actor=actor, obj=campaign, action=WORKFLOW, verb="campaign.recipients",
            message=f"按条件生成慰问对象 {added} 人",
        )  # fmt: skip
    return added


def elder_by_id_number(text: str) -> Elder:
    try:
        parsed = parse_id_number(text.strip())
    except IdNumberError as exc:
        raise ValidationError({"id_number": _("身份证号无效：%(error)s") % {"error": exc}}) from None
    elder = Elder.objects.filter(id_number_hash=crypto.lookup_hash(parsed.value)).first()
    if elder is None or elder.status != ElderStatus.LIVING:
        raise ValidationError({"id_number": _("未找到该在册老人")})
    return elder


def _recipient(campaign: Campaign, elder: Elder, actor: Any, reason: str) -> Recipient:
    if not elder.area_path.startswith(campaign.area_path):
        raise ValidationError(_("该老人不在本次慰问活动的区域内"))
    recipient, created = Recipient.objects.get_or_create(
        campaign=campaign, elder=elder,
        defaults={"area_path": elder.area_path, "source": RecipientSource.ADDITION, "reason": reason[:200]},
    )  # fmt: skip
    if created:
        audit.record_change(
            actor=actor, obj=recipient, action=AuditEntry.Action.CREATE, verb="recipient.add",
            after=audit.snapshot(recipient),
        )  # fmt: skip
    return recipient


# -- contributions ---------------------------------------------------------------------------------------


@dataclass
class Totals:
    budget: Decimal
    registered: Decimal
    recipients: int
    delivered: int

    @property
    def left(self) -> Decimal:
        return self.budget - self.registered


def totals(campaign: Campaign) -> Totals:
    spent = Contribution.objects.filter(ACTIVE, campaign=campaign).aggregate(v=Sum("amount"))["v"] or ZERO
    recipients = Recipient.objects.filter(campaign=campaign)
    return Totals(
        campaign.budget, spent, recipients.count(), recipients.filter(delivered_at__isnull=False).count()
    )


def contribution_add(
    *, campaign: Campaign, contributor: Contributor, elder: Elder, kind: str, description: str, amount: Decimal,
    actor: Any, override_reason: str = "", reason: str = "",
) -> Contribution:  # fmt: skip
    """慰问登记: what ``contributor`` gives ``elder``; an elder not on the list is added to it.

    Refused past the budget or the recipient's standard unless the actor may override and says why.
    """
    if kind not in GiftKind.values:
        raise ValidationError({"kind": _("请选择慰问形式")})
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("金额须大于 0")})
    if not description.strip():
        raise ValidationError({"description": _("请填写慰问内容")})
    row = Contribution(campaign=campaign, contributor=contributor, elder=elder, area_path=elder.area_path)
    if actor is not None and not (
        actor.has_perm("visits.add_contribution")
        and Contributor.objects.for_user(actor, "view").filter(pk=contributor.pk).exists()
    ):
        raise PermissionDenied(_("您不能代表该单位登记"))
    override_reason = override_reason.strip()
    with transaction.atomic():
        locked(campaign)
        _expect(campaign, CampaignStatus.COLLECTING)
        recipient = _recipient(campaign, elder, actor, reason or f"{contributor.name}增补")
        Recipient.objects.select_for_update().filter(pk=recipient.pk).get()
        current = totals(campaign).registered
        given = (
            Contribution.objects.filter(ACTIVE, recipient=recipient).aggregate(v=Sum("amount"))["v"] or ZERO
        )
        problems = []
        if current + amount > campaign.budget:
            problems.append(_("超出活动预算（已登记 %(spent)s 元，预算 %(budget)s 元）")
                            % {"spent": current, "budget": campaign.budget})  # fmt: skip
        if given + amount > campaign.standard:
            problems.append(_("超出每人标准（该老人已登记 %(given)s 元，标准 %(standard)s 元）")
                            % {"given": given, "standard": campaign.standard})  # fmt: skip
        if problems:
            if not override_reason:
                raise ValidationError({"amount": problems})
            if actor is not None and not actor.has_perm("visits.override_campaign"):
                raise PermissionDenied(_("超预算或超标准须由有权限的人员登记并说明事由"))
        row.recipient = recipient
        row.kind, row.description, row.amount = kind, description.strip()[:100], amount
        row.override_reason = override_reason[:200] if problems else ""
        row.created_by = actor if getattr(actor, "is_authenticated", False) else None
        row.save()
        audit.record_change(
            actor=actor, obj=row, action=AuditEntry.Action.CREATE, verb="contribution.add",
            after=audit.snapshot(row),
            message=("超标准/超预算登记：" + "；".join(str(p) for p in problems) + f"。事由：{override_reason}")
            if problems else "",
        )  # fmt: skip
    return row


# -- the duplicate check ---------------------------------------------------------------------------------


def flagged(campaign: Campaign) -> QuerySet[Any]:
    """Keys of the recipients counted by two or more contributions, one of them not yet resolved: one
    grouped query, whatever the size of the campaign."""
    return (
        Contribution.objects.filter(ACTIVE, campaign=campaign)
        .values("recipient_id")
        .annotate(n=Count("id"), open=Count("id", filter=Q(status=ContributionStatus.REGISTERED)))
        .filter(n__gt=1, open__gt=0)
        .values("recipient_id")
    )


def duplicates(campaign: Campaign, user: Any) -> QuerySet[Recipient]:
    """The flagged recipients within ``user``'s reach (the street sees its own)."""
    return (
        Recipient.objects.for_user(user)
        .filter(campaign=campaign, pk__in=flagged(campaign))
        .select_related("elder__area")
        .order_by("area_path", "id")
    )


def contribution_resolve(*, contribution: Contribution, keep: bool, note: str, actor: Any) -> Contribution:
    """查重处理 by the street: keep this contribution (both are meant) or cancel it (the elder is counted twice)."""
    if actor is not None and not actor.has_perm("visits.resolve_contribution"):
        raise PermissionDenied(_("您没有此操作的权限"))
    require(actor, "view", contribution)
    if not keep and not note.strip():
        raise ValidationError({"note": _("撤销须说明原因")})
    with transaction.atomic():
        locked(contribution, "status")
        campaign = Campaign.objects.get(pk=contribution.campaign_id)
        _expect(campaign, CampaignStatus.COLLECTING)
        if contribution.status == ContributionStatus.CANCELLED:
            raise ValidationError(_("该登记已撤销"))
        before = audit.snapshot(contribution)
        contribution.status = ContributionStatus.KEPT if keep else ContributionStatus.CANCELLED
        contribution.resolution_note = note.strip()[:200]
        contribution.save(update_fields=["status", "resolution_note"])
        audit.record_change(
            actor=actor, obj=contribution, action=WORKFLOW,
            verb="contribution.keep" if keep else "contribution.cancel", before=before,
            after=audit.snapshot(contribution), message=note.strip()[:200],
        )  # fmt: skip
    return contribution


def campaign_open_purchase(*, campaign: Campaign, actor: Any) -> Campaign:
    """查重完成: purchase and delivery open once no duplicate is left unresolved anywhere in the campaign."""
    require(actor, "change", campaign)
    with transaction.atomic():
        locked(campaign, "status")
        _expect(campaign, CampaignStatus.COLLECTING)
        left = Recipient.objects.filter(pk__in=flagged(campaign)).count()
        if left:
            raise ValidationError(_("还有 %(n)s 位老人的重复登记未处理，不能采购发放") % {"n": left})
        before = audit.snapshot(campaign)
        campaign.status = CampaignStatus.PURCHASING
        campaign.save(update_fields=["status", "updated_at"])
        audit.record_change(
            actor=actor, obj=campaign, action=WORKFLOW, verb="campaign.purchase", before=before,
            after=audit.snapshot(campaign),
        )  # fmt: skip
    return campaign


# -- delivery --------------------------------------------------------------------------------------------


def recipient_deliver(
    *, recipient: Recipient, signer_name: str, actor: Any, at: datetime.datetime | None = None
) -> Recipient:
    """发放签收: the recipient (or family) signs for what was brought."""
    require(actor, "change", recipient)
    if not signer_name.strip():
        raise ValidationError({"signer_name": _("请填写签收人姓名")})
    with transaction.atomic():
        locked(recipient, "delivered_at")
        campaign = Campaign.objects.get(pk=recipient.campaign_id)
        _expect(campaign, CampaignStatus.PURCHASING)
        if recipient.delivered_at is not None:
            raise ValidationError(_("已签收"))
        if not Contribution.objects.filter(ACTIVE, recipient=recipient).exists():
            raise ValidationError(_("该老人没有慰问登记，无可发放"))
        before = audit.snapshot(recipient)
        recipient.delivered_at = at or timezone.now()
        recipient.signer_name = signer_name.strip()[:50]
        recipient.delivered_by = actor if getattr(actor, "is_authenticated", False) else None
        recipient.save(update_fields=["delivered_at", "signer_name", "delivered_by"])
        audit.record_change(
            actor=actor, obj=recipient, action=WORKFLOW, verb="recipient.deliver", before=before,
            after=audit.snapshot(recipient),
        )  # fmt: skip
    return recipient


def _expect(campaign: Campaign, status: str) -> None:
    if campaign.status != status:
        raise ValidationError(
            _("活动当前状态为“%(status)s”，不能进行此操作") % {"status": campaign.get_status_display()}
        )
