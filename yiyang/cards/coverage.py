"""Coverage by area: the elder population (the registry's statistics cells), the year's living
enrolled, the cards in force — each one grouped query through the one door, for the dashboard, the
coverage page and the benchmark alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from yiyang.cards.choices import CardStatus, Payer
from yiyang.cards.models import Card, Enrolment
from yiyang.core.figures import Number, by_area, count_by_area
from yiyang.people.choices import AgeBracket
from yiyang.people.models import ElderStat


def population(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    """Living elders aged 60 and over per area (``ElderStat``, kept by every write and nightly)."""
    cells = ElderStat.objects.for_user(user).exclude(bracket=AgeBracket.UNDER_60)
    return by_area(cells, "area_path", area_path, children, Sum("total"))


def enrolled(
    user: Any, year: int, area_path: str, children: Sequence[str], payer: str = ""
) -> dict[str, Number | None]:
    rows = Enrolment.objects.for_user(user).filter(year=year, elder_living=True)
    if payer:
        rows = rows.filter(payer=payer)
    return count_by_area(rows, "area_path", area_path, children)


def valid_cards(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    return count_by_area(
        Card.objects.for_user(user).filter(status=CardStatus.VALID), "area_path", area_path, children
    )


@dataclass(frozen=True)
class CoverageRow:
    path: str
    population: int
    enrolled: int
    government: int
    voluntary: int

    @property
    def rate(self) -> float | None:
        return self.enrolled / self.population if self.population else None

    def gap(self, target: Decimal | None) -> int | None:
        """How many more elders must be insured to reach the target (0 when reached)."""
        if target is None:
            return None
        needed = -(-int(self.population * target) // 100)  # ceiling of population × target %
        return max(0, needed - self.enrolled)


def coverage(user: Any, year: int, area_path: str, children: Sequence[str]) -> list[CoverageRow]:
    """The area first, then each child: population, enrolled (living), government-paid, voluntary."""
    whole = population(user, area_path, children)
    rows = Enrolment.objects.for_user(user).filter(year=year, elder_living=True)
    counts = rows.filter(area_path__startswith=area_path)
    width = len(children[0]) if children else len(area_path)
    from django.db.models.functions import Substr

    grouped = (
        counts.annotate(_child=Substr("area_path", 1, width))
        .values("_child")
        .annotate(n=Count("pk"), gov=Count("pk", filter=Q(payer=Payer.GOVERNMENT)))
        .order_by()
    )
    found = {r["_child"]: (r["n"], r["gov"]) for r in grouped}
    total = (sum(v[0] for v in found.values()), sum(v[1] for v in found.values()))
    out = [CoverageRow(area_path, int(whole.get(area_path) or 0), total[0], total[1], total[0] - total[1])]
    for child in children:
        n, gov = found.get(child, (0, 0))
        out.append(CoverageRow(child, int(whole.get(child) or 0), n, gov, n - gov))
    return out
