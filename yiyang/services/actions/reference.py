"""Reference data edited through workflows: entitlements, service agreements, workers, provider members."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yiyang.areas.models import Area
from yiyang.core import audit
from yiyang.core.dated import overlaps_q
from yiyang.core.models import AuditEntry, Membership
from yiyang.core.scoping import grant_membership, memberships, require, revoke_membership
from yiyang.people.models import Elder
from yiyang.services.actions.common import _require
from yiyang.services.models import (
    AgreementItem,
    Entitlement,
    Provider,
    ServiceAgreement,
    ServiceItem,
    Worker,
    WorkerQualification,
)

# -- entitlements -------------------------------------------------------------------------------------


def entitlement_save(*, entitlement: Entitlement, actor: Any) -> Entitlement:
    """One entitlement per elder at a time: overlapping periods are refused (settlement relies on it)."""
    creating = entitlement.pk is None
    _require(actor, f"services.{'add' if creating else 'change'}_entitlement")
    if (
        actor is not None
        and not Elder.objects.for_user(actor, "view").filter(pk=entitlement.elder_id).exists()
    ):
        raise PermissionDenied
    overlap = Entitlement.objects.filter(elder_id=entitlement.elder_id).exclude(pk=entitlement.pk)
    overlap = overlap.filter(overlaps_q(entitlement.valid_from, entitlement.valid_to))
    if overlap.exists():
        raise ValidationError(_("与已有服务额度的有效期重叠"))
    with transaction.atomic():
        before = None if creating else audit.snapshot(Entitlement.objects.get(pk=entitlement.pk))
        entitlement.save()
        audit.record_change(
            actor=actor,
            obj=entitlement,
            action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
            verb=f"entitlement.{'create' if creating else 'update'}",
            before=before,
            after=audit.snapshot(entitlement),
        )
    return entitlement


# -- reference data edited from the provider's pages ----------------------------------------------------


def _agreement_state(agreement: ServiceAgreement) -> audit.Snapshot:
    """The agreement with its areas and agreed prices, so one audit row shows what was signed."""
    state = audit.snapshot(agreement)
    state["areas"] = sorted(agreement.areas.values_list("code", flat=True))
    state["items"] = {code: str(price) for code, price in agreement.items.values_list("item__code", "price")}
    return state


def agreement_overlaps(
    *, provider: Provider, item: ServiceItem, valid_from: datetime.date, valid_to: datetime.date | None,
    exclude_pk: int | None = None,
) -> ServiceAgreement | None:  # fmt: skip
    """Another agreement of the provider pricing the same item on some of the same days.

    Settlement takes the one agreed price in force on the service date; two would price a visit twice.
    """
    qs = ServiceAgreement.objects.filter(provider=provider, items__item__code=item.code)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.filter(overlaps_q(valid_from, valid_to)).first()


def agreement_save(
    *,
    agreement: ServiceAgreement,
    areas: Iterable[Area],
    items: Iterable[tuple[ServiceItem, Decimal]],
    actor: Any,
) -> ServiceAgreement:
    """签订/变更服务协议: the agreement, the areas it covers and its agreed prices, in one audit row."""
    creating = agreement.pk is None
    _require(actor, f"services.{'add' if creating else 'change'}_serviceagreement")
    if agreement.valid_to and agreement.valid_to < agreement.valid_from:
        raise ValidationError({"valid_to": _("到期日期不能早于生效日期")})
    priced = list(items)
    if not priced:
        raise ValidationError(_("协议至少包含一个服务项目"))
    for item, price in priced:
        if price < 0:
            raise ValidationError(_("%(item)s：协议价不能为负数") % {"item": item.name})
        clash = agreement_overlaps(
            provider=agreement.provider, item=item, valid_from=agreement.valid_from,
            valid_to=agreement.valid_to, exclude_pk=agreement.pk,
        )  # fmt: skip
        if clash is not None:
            raise ValidationError(
                _("%(item)s 已在协议 %(number)s 中定价，有效期重叠")
                % {"item": item.name, "number": clash.number}
            )
    with transaction.atomic():
        before = None if creating else _agreement_state(ServiceAgreement.objects.get(pk=agreement.pk))
        agreement.save()
        agreement.areas.set(list(areas))
        prices = {item.pk: price for item, price in priced}
        agreement.items.exclude(item_id__in=prices).delete()
        for line in agreement.items.filter(item_id__in=prices):
            if line.price != prices[line.item_id]:
                line.price = prices.pop(line.item_id)
                line.save(update_fields=["price"])
            else:
                prices.pop(line.item_id)
        AgreementItem.objects.bulk_create(
            [AgreementItem(agreement=agreement, item_id=pk, price=price) for pk, price in prices.items()]
        )
        audit.record_change(
            actor=actor,
            obj=agreement,
            action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
            verb=f"serviceagreement.{'create' if creating else 'update'}",
            before=before,
            after=_agreement_state(agreement),
        )
    return agreement


def _worker_state(worker: Worker) -> audit.Snapshot:
    state = audit.snapshot(worker)
    state["qualifications"] = sorted(
        f"{q.category}|{q.certificate}|{q.valid_to or ''}" for q in worker.qualifications.all()
    )
    return state


def worker_save(
    *,
    worker: Worker,
    phone: str | None,
    qualifications: Iterable[dict[str, Any]],
    actor: Any,
) -> Worker:
    """登记/变更助老员 with their qualifications. Provider staff keep their own organisation's workers.

    ``phone`` None leaves the stored number alone ("" clears it); it is stored encrypted and masked.
    """
    creating = worker.pk is None
    action = "add" if creating else "change"
    require(actor, action, worker)  # as stored: a provider's staff keep their own workers
    if (
        worker.user_id is not None
        and not memberships(worker.provider).filter(user_id=worker.user_id).exists()
    ):
        raise ValidationError({"user": _("登录账号须是该服务商的工作人员（先在服务商页面添加人员）")})
    with transaction.atomic():
        before = None if creating else _worker_state(Worker.objects.get(pk=worker.pk))
        if phone is not None:
            worker.set_phone(phone)
        worker.save()
        require(actor, action, worker)  # and as saved: never handed to another provider
        worker.qualifications.all().delete()
        WorkerQualification.objects.bulk_create(
            [
                WorkerQualification(
                    worker=worker,
                    category=q["category"],
                    certificate=q.get("certificate") or "",
                    valid_to=q.get("valid_to"),
                )
                for q in qualifications
            ]
        )
        audit.record_change(
            actor=actor,
            obj=worker,
            action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
            verb=f"worker.{'create' if creating else 'update'}",
            before=before,
            after=_worker_state(worker),
        )
    return worker


def provider_member_add(*, provider: Provider, user: Any, actor: Any) -> Membership:
    """添加服务商人员: the account then sees (only) this organisation's orders and workers."""
    _require(actor, "services.change_provider")
    if not user.has_perm("services.join_provider"):
        raise ValidationError({"user": _("只能添加角色为“服务商人员”的账号")})
    if memberships(provider).filter(user=user).exists():
        raise ValidationError(
            {"user": _("%(user)s 已是 %(provider)s 的工作人员") % {"user": user, "provider": provider}}
        )
    with transaction.atomic():
        membership, _created = grant_membership(user, provider)
        audit.record_change(
            actor=actor,
            obj=membership,
            action=AuditEntry.Action.CREATE,
            verb="membership.create",
            after=audit.snapshot(membership),
            message=f"{user} 加入 {provider}",
        )
    return membership


def provider_member_remove(*, provider: Provider, membership: Membership, actor: Any) -> None:
    _require(actor, "services.change_provider")
    with transaction.atomic():
        # A worker's login must stay a member of the worker's provider (worker_save checks it).
        Worker.objects.filter(user_id=membership.user_id, provider=provider).update(user=None)
        audit.record_change(
            actor=actor,
            obj=membership,
            action=AuditEntry.Action.DELETE,
            verb="membership.delete",
            before=audit.snapshot(membership),
            message=f"{membership.user} 离开 {provider}",
        )
        revoke_membership(membership)
