"""优待证 and 银龄安康 on the dashboard, by child area: the share of elders holding a valid card, and
this year's insurance coverage of the elder population (the county sets the target in the rule)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.cards import coverage
from yiyang.cards.choices import CardStatus
from yiyang.core.figures import Figure, Kind, Number, register_figure, share

SECTION = _("优待证与银龄安康")


def card_rate(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    return share(
        coverage.valid_cards(user, area_path, children), coverage.population(user, area_path, children)
    )


def insurance_rate(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    year = timezone.localdate().year
    return share(
        coverage.enrolled(user, year, area_path, children), coverage.population(user, area_path, children)
    )


register_figure(
    Figure(
        key="cards.card_rate",
        label=_("优待证持证率"),
        section=SECTION,
        permission="cards.view_card",
        compute=card_rate,
        kind=Kind.SHARE,
        link=lambda path: f"{reverse('cards:card_list')}?area={path}&status={CardStatus.VALID}",
        order=70,
    )
)
register_figure(
    Figure(
        key="cards.insurance_rate",
        label=_("银龄安康今年参保率"),
        section=SECTION,
        permission="cards.view_enrolment",
        compute=insurance_rate,
        kind=Kind.SHARE,
        link=lambda path: f"{reverse('cards:enrolment_list')}?area={path}&year={timezone.localdate().year}",
        order=71,
    )
)
