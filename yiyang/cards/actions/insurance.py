"""银龄安康: the year's government-paid enrolment list of an area, and the insurer's claim decisions."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.areas.models import Area
from yiyang.cards import rules
from yiyang.cards.choices import ClaimStatus, EnrolmentSource, InsuredGroup, Payer
from yiyang.cards.models import Claim, Enrolment
from yiyang.core import audit
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.core.workflow import locked
from yiyang.people.choices import ElderStatus
from yiyang.people.stats import birth_cutoff

#: everyone in the registry from this age is counted in the elder population the coverage is of
ELDER_AGE = 60


def _cast(kind: str) -> str:
    return f"::{kind}" if connection.vendor == "postgresql" else ""


def _certified(category: str) -> str:
    return (
        "EXISTS (SELECT 1 FROM people_certification pc WHERE pc.elder_id = e.id AND pc.category = '"
        + category
        + "'"
        " AND pc.valid_from <= %(day)s AND (pc.valid_to IS NULL OR pc.valid_to >= %(day)s))"
    )


def enrolment_generate(*, year: int, area: Area, actor: Any, on: datetime.date | None = None) -> int:
    """Put every elder of ``area`` whom the government insures this year on the year's list: one
    ``INSERT … SELECT``. 特困 and 低保 are the certifications in force on ``on`` (default today,
    within the year), 高龄 the age on 1 January. Elders already on the year's list (generated,
    imported or voluntary) are left as they are, so a second run adds only newcomers."""
    rule = rules.insurance_rule_for(year)
    if rule is None:
        raise ValidationError(_("%(year)s 年没有生效的银龄安康参保规则") % {"year": year})
    require(actor, "add", Enrolment(area_path=area.path))
    day = on or min(max(timezone.localdate(), rules.year_start(year)), datetime.date(year, 12, 31))
    terms = rules.terms_of_insurance_rule(rule)
    cases = []
    if terms.tekun_paid:
        cases.append(f"WHEN {_certified('tekun')} THEN '{InsuredGroup.TEKUN}'")
    if terms.dibao_paid:
        cases.append(f"WHEN {_certified('dibao')} THEN '{InsuredGroup.DIBAO}'")
    if terms.paid_from_age is not None:
        cases.append(f"WHEN e.birth_date <= %(aged)s THEN '{InsuredGroup.AGED}'")
    if not cases:
        return 0
    group = "CASE " + " ".join(cases) + " ELSE NULL END"
    params: dict[str, Any] = {
        "now": timezone.now(), "year": year, "path": f"{area.path}%", "living": ElderStatus.LIVING,
        "elder": birth_cutoff(rules.year_start(year), ELDER_AGE), "day": day,
        "aged": birth_cutoff(rules.year_start(year), terms.paid_from_age or 0), "payer": Payer.GOVERNMENT,
        "premium": rule.premium, "source": EnrolmentSource.GENERATED,
    }  # fmt: skip
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            'INSERT INTO cards_enrolment (created_at, updated_at, year, elder_id, area_path, payer, "group",'
            " premium, policy_number, enrolled_on, source, elder_living, import_batch_id)"
            f" SELECT %(now)s{_cast('timestamptz')}, %(now)s{_cast('timestamptz')}, %(year)s, s.id, s.area_path,"
            f" %(payer)s, s.grp, %(premium)s{_cast('numeric')}, '', %(day)s{_cast('date')}, %(source)s, true, NULL"
            f" FROM (SELECT e.id, e.area_path, {group} AS grp FROM people_elder e"
            " WHERE e.area_path LIKE %(path)s AND e.status = %(living)s AND e.birth_date <= %(elder)s"
            " AND NOT EXISTS (SELECT 1 FROM cards_enrolment x WHERE x.elder_id = e.id AND x.year = %(year)s)) s"
            " WHERE s.grp IS NOT NULL",
            params,
        )
        added = cur.rowcount
        audit.record_bulk(
            actor=actor, object_type="cards.enrolment", verb="enrolment.generate", area_path=area.path,
            message=f"{area.name} {year} 年银龄安康政府代缴名单新增 {added} 人", after={"year": year, "added": added},
        )  # fmt: skip
    return added


def claim_decide(*, claim: Claim, status: str, paid: Decimal | None, actor: Any,
                 on: datetime.date | None = None) -> Claim:  # fmt: skip
    """Record the insurer's decision on a reported claim: paid (with the amount) or rejected."""
    if status not in (ClaimStatus.PAID, ClaimStatus.REJECTED):
        raise ValidationError(_("请选择赔付或拒赔"))
    if status == ClaimStatus.PAID and (paid is None or paid <= 0):
        raise ValidationError({"paid": _("赔付须填写赔付金额")})
    require(actor, "change", claim)
    seen = claim.status
    with transaction.atomic():
        claim = locked(claim)
        if claim.status != ClaimStatus.REPORTED or seen != ClaimStatus.REPORTED:
            raise ValidationError(_("该理赔已结案"))
        if status == ClaimStatus.PAID and paid is not None and paid > claim.claimed:
            raise ValidationError({"paid": _("赔付金额不能超过申请金额")})
        before = audit.snapshot(claim)
        claim.status = status
        claim.paid = paid if status == ClaimStatus.PAID else Decimal("0")
        claim.decided_on = on or timezone.localdate()
        claim.save(update_fields=["status", "paid", "decided_on", "updated_at"])
        audit.record_change(actor=actor, obj=claim, action=AuditEntry.Action.UPDATE, verb="claim.decide",
                            before=before, after=audit.snapshot(claim))  # fmt: skip
    return claim
