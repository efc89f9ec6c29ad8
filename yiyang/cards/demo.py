"""Demo 优待证 and 银龄安康 in the demo district, safe to run again (a second run keeps every record
and adds none that are already there).

Cards: the communities of the first two streets issued in batches, one card reissued after a loss.
Insurance: this year's and last year's government-paid lists, voluntary enrolments whose share
differs by street (so the coverage page has streets above and below the county's target), and
claims — most paid, some still open.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from yiyang.areas.models import Area, AreaLevel
from yiyang.cards import actions, rules
from yiyang.cards.choices import (
    CardStatus,
    ClaimKind,
    ClaimStatus,
    EnrolmentSource,
    InsuredGroup,
    Payer,
    VoidReason,
)
from yiyang.cards.models import Card, Claim, Enrolment
from yiyang.people.choices import ElderStatus


@dataclass
class DemoResult:
    cards: int
    enrolled: int
    claims: int


def _voluntary(year: int, street: Area, share: int, premium: Decimal) -> None:
    """Voluntary enrolments for about ``share`` % of the street's elders not on the list (by id)."""
    day = datetime.date(year, 1, 15)
    now = timezone.now()
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO cards_enrolment (created_at, updated_at, year, elder_id, area_path, payer, \"group\","
            " premium, policy_number, enrolled_on, source, elder_living, import_batch_id)"
            " SELECT %s, %s, %s, e.id, e.area_path, %s, %s, %s, 'YLAK' || %s || '-' || e.id, %s, %s, true, NULL"
            " FROM people_elder e WHERE e.area_path LIKE %s AND e.status = %s AND (e.id * 37) %% 100 < %s"
            " AND NOT EXISTS (SELECT 1 FROM cards_enrolment x WHERE x.elder_id = e.id AND x.year = %s)",
            [now, now, year, Payer.SELF, InsuredGroup.VOLUNTARY, premium, str(year), day, EnrolmentSource.IMPORTED,
             f"{street.path}%", ElderStatus.LIVING, share, year],
        )  # fmt: skip


def build(*, district_code: str = "320612") -> DemoResult:
    district = Area.objects.filter(code=district_code).first()
    if district is None:
        return DemoResult(0, 0, 0)
    today = timezone.localdate()
    streets = list(
        Area.objects.filter(path__startswith=district.path, level=AreaLevel.STREET).order_by("path")
    )
    with transaction.atomic():
        for street in streets[:2]:
            for community in Area.objects.filter(parent=street, level=AreaLevel.COMMUNITY).order_by("path"):
                actions.card_issue_batch(
                    community=community, actor=None, on=today - datetime.timedelta(days=30)
                )
        if not Card.objects.filter(replaces__isnull=False).exists():
            lost = (
                Card.objects.filter(status=CardStatus.VALID, elder__status=ElderStatus.LIVING)
                .order_by("id")
                .first()
            )
            if lost is not None:
                actions.card_reissue(card=lost, reason=VoidReason.LOST, actor=None)
        for year in (today.year - 1, today.year):
            rule = rules.insurance_rule_for(year)
            if rule is None:
                continue
            actions.enrolment_generate(year=year, area=district, actor=None, on=datetime.date(year, 1, 10))
            for i, street in enumerate(streets):
                _voluntary(year, street, [30, 12, 22, 8, 18][i % 5], rule.premium)
        _claims(today)
    return DemoResult(
        Card.objects.filter(status=CardStatus.VALID).count(),
        Enrolment.objects.filter(year=today.year).count(),
        Claim.objects.count(),
    )


def _claims(today: datetime.date) -> None:
    kinds = [ClaimKind.MEDICAL] * 8 + [ClaimKind.DISABILITY, ClaimKind.DEATH]
    enrolments = Enrolment.objects.filter(year=today.year - 1).order_by("id")[::97][:60]
    for n, enrolment in enumerate(enrolments):
        number = f"LP{enrolment.year}{enrolment.pk:08d}"
        if Claim.objects.filter(number=number).exists():
            continue
        kind = kinds[n % len(kinds)]
        claimed = {ClaimKind.MEDICAL: Decimal("2860.00"), ClaimKind.DISABILITY: Decimal("12000.00"),
                   ClaimKind.DEATH: Decimal("30000.00")}[kind] - Decimal(n * 17)  # fmt: skip
        occurred = datetime.date(enrolment.year, 1 + n % 12, 1 + n % 27)
        decided = n % 6 != 5
        Claim.objects.create(
            enrolment=enrolment, number=number, kind=kind, occurred_on=occurred,
            description="在家中摔倒致骨折" if kind == ClaimKind.MEDICAL else "意外事故",
            claimed=claimed, status=(ClaimStatus.PAID if n % 9 else ClaimStatus.REJECTED) if decided else ClaimStatus.REPORTED,
            paid=(claimed if n % 9 else Decimal("0")) if decided else None,
            decided_on=occurred + datetime.timedelta(days=40) if decided else None,
        )  # fmt: skip
