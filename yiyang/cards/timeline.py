"""优待证 and 银龄安康 on the elder's timeline: cards issued and ended, years insured, claims."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.cards.choices import CardStatus, ClaimStatus
from yiyang.cards.models import Card, Claim, Enrolment
from yiyang.people.models import Elder
from yiyang.people.timeline import TimelineEvent, register


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


@register
def card_events(elder: Elder, user: Any) -> Iterable[TimelineEvent]:
    for card in Card.objects.for_user(user).filter(elder=elder).order_by("-issued_on")[:20]:
        url = reverse("cards:card_detail", args=[card.pk])
        yield TimelineEvent(
            _at(card.issued_on), _("优待证"), _("发放优待证 %(number)s") % {"number": card.number},
            _("有效期至 %(day)s") % {"day": card.valid_to.isoformat()} if card.valid_to else _("长期有效"),
            url=url, tone="success",
        )  # fmt: skip
        if card.status != CardStatus.VALID and card.ended_on:
            reason = card.get_void_reason_display() if card.void_reason else card.get_status_display()
            yield TimelineEvent(
                _at(card.ended_on), _("优待证"), _("优待证 %(number)s 作废") % {"number": card.number},
                reason, url=url, tone="secondary",
            )  # fmt: skip


@register
def insurance_events(elder: Elder, user: Any) -> Iterable[TimelineEvent]:
    for e in Enrolment.objects.for_user(user).filter(elder=elder).order_by("-year")[:10]:
        yield TimelineEvent(
            _at(e.enrolled_on), _("银龄安康"),
            _("%(year)s 年参保（%(group)s）") % {"year": e.year, "group": e.get_group_display()},
            e.get_payer_display(), url=reverse("cards:enrolment_list") + f"?year={e.year}&area={e.area_path}",
        )  # fmt: skip
    for c in Claim.objects.for_user(user).filter(elder=elder).order_by("-occurred_on")[:20]:
        yield TimelineEvent(
            _at(c.occurred_on), _("银龄安康"),
            _("理赔 %(number)s：%(kind)s") % {"number": c.number, "kind": c.get_kind_display()},
            c.get_status_display(), url=reverse("cards:claim_edit", args=[c.pk]),
            tone="success" if c.status == ClaimStatus.PAID else "warning",
        )  # fmt: skip
