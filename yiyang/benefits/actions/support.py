"""特困人员集中供养: a stay in a home for centralised support switches the elder's 特困 support from
dispersed (at home) to centralised from the admission day, and back from the discharge day.

These are the only doors to ``CentralisedSupport``. The home's admission and discharge actions call
them inside their own transaction, after checking their own permission (a home's staff may admit,
but not edit allowances), so they check no permission themselves: they check the state on the
elder's locked row, write the dated fact once (however often they are called for the same stay) and
audit it under the elder, so it shows on the elder's timeline. The roll reads the fact as it reads
suspensions (``rolls.conditions_sql``): which programme pays a month follows by itself.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yiyang.benefits.dates import add_months, first_of, month_cn
from yiyang.benefits.models import CentralisedSupport
from yiyang.core import audit
from yiyang.core.dated import in_force_q
from yiyang.core.models import AuditEntry
from yiyang.people.choices import SUPPORTED_CATEGORIES
from yiyang.people.models import Certification, Elder


def is_supported(elder: Elder, on: datetime.date) -> bool:
    """Does ``elder`` hold a 特困 (or 五保) certification in force on ``on``?"""
    return Certification.objects.filter(
        in_force_q(on), elder=elder, category__in=SUPPORTED_CATEGORIES
    ).exists()


def first_month(day: datetime.date) -> datetime.date:
    """The first month paid under a support that starts (or ends) on ``day``: a month belongs to the
    support in force on its first day."""
    return first_of(day) if day.day == 1 else add_months(day, 1)


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def centralised_support_start(
    *, elder: Elder, on: datetime.date, place: str, source: str, actor: Any
) -> CentralisedSupport:
    """集中供养 from ``on`` in ``place``: refused unless the elder is 特困/五保 on that day or already
    in centralised support elsewhere. The same ``source`` twice returns the first record."""
    Elder.objects.select_for_update().filter(pk=elder.pk).get()  # one change of one elder at a time
    existing = CentralisedSupport.objects.filter(source=source).first()
    if existing is not None:
        return existing
    if not is_supported(elder, on):
        raise ValidationError(
            _("%(name)s 在 %(day)s 没有有效的特困（五保）认定，不能登记集中供养")
            % {"name": elder.name, "day": f"{on:%Y-%m-%d}"}
        )
    other = CentralisedSupport.objects.filter(elder=elder, end_date__isnull=True).first()
    if other is not None:
        raise ValidationError(
            _("%(name)s 已在 %(place)s 集中供养（%(day)s 起），请先结束") % {
                "name": elder.name, "place": other.place, "day": f"{other.start_date:%Y-%m-%d}"}
        )  # fmt: skip
    support = CentralisedSupport.objects.create(
        elder=elder, place=place[:100], start_date=on, source=source, created_by=_actor(actor)
    )
    month = first_month(on)
    audit.record_change(
        actor=actor, obj=support, action=AuditEntry.Action.CREATE, verb="centralisedsupport.start",
        after=audit.snapshot(support),
        message=f"{on:%Y-%m-%d}入住{place}集中供养：{month_cn(month)}起停发分散供养金、发放集中供养金",
    )  # fmt: skip
    return support


@transaction.atomic
def centralised_support_end(
    *, source: str, on: datetime.date, reason: str, actor: Any
) -> CentralisedSupport | None:
    """End the centralised support opened by ``source`` on ``on`` (the discharge day); nothing if it
    never opened one. Called again with the same day it changes nothing; another day corrects it."""
    support = CentralisedSupport.objects.filter(source=source).select_related("elder").first()
    if support is None:
        return None
    Elder.objects.select_for_update().filter(pk=support.elder_id).get()
    support.refresh_from_db()
    if support.end_date == on:
        return support
    on = max(on, support.start_date)
    before = audit.snapshot(support)
    support.end_date, support.end_reason = on, reason[:100]
    support.save(update_fields=["end_date", "end_reason", "updated_at"])
    month = first_month(on)
    audit.record_change(
        actor=actor, obj=support, action=AuditEntry.Action.WORKFLOW, verb="centralisedsupport.end",
        before=before, after=audit.snapshot(support),
        message=f"{on:%Y-%m-%d}离开{support.place}（{reason}）：集中供养结束，{month_cn(month)}起不再发放集中供养金",
    )  # fmt: skip
    return support
