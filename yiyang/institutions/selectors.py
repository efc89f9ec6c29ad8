"""Reads of institutional care: expiring licences and policies, bed counts of a home."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from yiyang.core.dated import in_force_q
from yiyang.institutions.choices import BedStatus
from yiyang.institutions.models import Bed, BedAssignment, Institution, InsurancePolicy

#: Alerts start this many days before a licence or a policy ends.
ALERT_DAYS = 60


@dataclass(frozen=True)
class Alert:
    institution: Institution
    what: str  # "licence" | "policy" | "uninsured"
    ends: datetime.date | None
    policy: InsurancePolicy | None = None


def expiring(user: Any, today: datetime.date, days: int = ALERT_DAYS) -> list[Alert]:
    """Licences and liability policies ending within ``days`` (or already ended and not renewed), and
    active homes without a policy in force today, for the homes ``user`` may see."""
    horizon = today + datetime.timedelta(days=days)
    homes = Institution.objects.for_user(user).filter(is_active=True)
    alerts: list[Alert] = [
        Alert(home, "licence", home.licence_to)
        for home in homes.filter(licence_to__isnull=False, licence_to__lte=horizon).order_by("licence_to")
    ]
    # A policy ending soon, unless a later policy of the same home already follows it.
    later = InsurancePolicy.objects.filter(
        institution=OuterRef("institution"), valid_to__gt=OuterRef("valid_to")
    )
    policies = (
        InsurancePolicy.objects.for_user(user)
        .filter(
            institution__in=homes, valid_to__lte=horizon, valid_to__gte=today - datetime.timedelta(days=days)
        )
        .exclude(Exists(later))
        .select_related("institution")
        .order_by("valid_to")
    )
    alerts += [Alert(p.institution, "policy", p.valid_to, p) for p in policies]
    insured = InsurancePolicy.objects.filter(in_force_q(today), institution=OuterRef("pk"))
    alerts += [
        Alert(home, "uninsured", None)
        for home in homes.exclude(Exists(insured)).exclude(pk__in=[a.institution.pk for a in alerts])
    ]
    return alerts


def bed_counts(institutions: QuerySet[Institution]) -> dict[int, dict[str, int]]:
    """Beds in use per home and kind: ``{institution_id: {kind: n, "total": n}}``."""
    out: dict[int, dict[str, int]] = {}
    rows = (
        Bed.objects.filter(institution__in=institutions, status=BedStatus.IN_USE)
        .values("institution_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts = out.setdefault(row["institution_id"], {"total": 0})
        counts[row["kind"]] = row["n"]
        counts["total"] += row["n"]
    return out


def policy_in_force(institution: Institution, day: datetime.date) -> InsurancePolicy | None:
    return (
        InsurancePolicy.objects.filter(Q(institution=institution) & in_force_q(day))
        .order_by("-valid_to")
        .first()
    )


@dataclass(frozen=True)
class FloorOccupancy:
    building: str
    floor: int
    beds: int  # beds in use (not under maintenance or retired)
    occupied: int  # of them, held by a resident on the night of the day asked


def occupancy_by_floor(institution: Institution, day: datetime.date) -> list[FloorOccupancy]:
    """Beds in use and occupied on the night of ``day``, per building and floor of a home (one query)."""
    held = BedAssignment.objects.filter(bed=OuterRef("pk"), start__lte=day).filter(
        Q(end__isnull=True) | Q(end__gt=day)
    )
    rows = (
        Bed.objects.filter(institution=institution, status=BedStatus.IN_USE)
        .values("room__floor__building__name", "room__floor__level")
        .annotate(beds=Count("id"), occupied=Count("id", filter=Q(Exists(held))))
        .order_by("room__floor__building__name", "room__floor__level")
    )
    return [
        FloorOccupancy(r["room__floor__building__name"], r["room__floor__level"], r["beds"], r["occupied"])
        for r in rows
    ]
