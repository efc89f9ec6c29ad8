"""维权转介: referring a case to legal aid, a lawyer, mediation or the rights centre, to an outcome."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.complaints.actions.common import record
from yiyang.complaints.choices import EventKind, ReferralKind, ReferralStatus
from yiyang.complaints.models import Case, Referral
from yiyang.core import audit
from yiyang.core.i18n import stored
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.core.workflow import locked


@transaction.atomic
def referral_create(*, case: Case, kind: str, to_name: str, note: str = "", actor: Any) -> Referral:
    require(actor, "view", case)
    referral = Referral(case=case, kind=kind, to_name=to_name.strip()[:100], note=note.strip()[:300],
                        referred_by=actor if getattr(actor, "is_authenticated", False) else None)  # fmt: skip
    require(actor, "add", referral)
    errors = {}
    if kind not in ReferralKind.values:
        errors["kind"] = _("请选择转介类型")
    if not referral.to_name:
        errors["to_name"] = _("请填写承接机构或律师")
    if errors:
        raise ValidationError(errors)
    referral.save()
    audit.record_change(actor=actor, obj=referral, action=AuditEntry.Action.CREATE, verb="referral.create",
                        after=audit.snapshot(referral))  # fmt: skip
    record(
        case,
        EventKind.REFERRAL,
        actor,
        None,
        f"{stored(ReferralKind(kind).label)}：{referral.to_name}",
        audit_row=False,
    )
    return referral


@transaction.atomic
def referral_update(*, referral: Referral, status: str, outcome: str = "", actor: Any) -> Referral:
    """Accepted, concluded (with its outcome) or declined by the organisation referred to."""
    require(actor, "change", referral)
    locked(referral, "status")
    if referral.status in (ReferralStatus.CONCLUDED, ReferralStatus.DECLINED):
        raise ValidationError(_("该转介已结案"))
    if status not in ReferralStatus.values or status == ReferralStatus.REFERRED:
        raise ValidationError({"status": _("请选择转介进展")})
    if status in (ReferralStatus.CONCLUDED, ReferralStatus.DECLINED) and not outcome.strip():
        raise ValidationError({"outcome": _("结案或未受理时请填写结果")})
    before = audit.snapshot(referral)
    referral.status, referral.outcome = status, outcome.strip()[:500] or referral.outcome
    if status in (ReferralStatus.CONCLUDED, ReferralStatus.DECLINED):
        referral.concluded_at = timezone.now()
    referral.save()
    audit.record_change(actor=actor, obj=referral, action=AuditEntry.Action.WORKFLOW, verb=f"referral.{status}",
                        before=before, after=audit.snapshot(referral))  # fmt: skip
    text = f"{referral.to_name}：{stored(ReferralStatus(status).label)}" + (
        f"，{referral.outcome}" if outcome else ""
    )
    record(referral.case, EventKind.REFERRAL, actor, None, text, audit_row=False)
    return referral
