"""Care-risk events recorded elsewhere (GB/T 42195 Annex A.2.14 近30天内照护风险事件).

A fall, a choking or a wandering recorded by a care home (or any other module) is a fact the next
capability assessment of that elder must see: the assessor is shown the events of the 30 days before
the assessment date, the sheet starts from their counts, and a saved assessment never counts fewer of
a kind than were recorded (the C.4 rule 3 "two or more risk events in the last 30 days raise one
level" then applies by itself). Modules register a provider from their AppConfig.ready; this module
never imports them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from yiyang.assessments.scoring import RISK_EVENT_MAX, RISK_EVENT_TYPES
from yiyang.people.models import Elder

#: Annex A.2.14 asks for the events of the last 30 days.
WINDOW_DAYS = 30


@dataclass(frozen=True)
class RecordedEvent:
    kind: str  # one of ``scoring.RISK_EVENT_TYPES``
    on: datetime.date
    title: str  # what happened and where, as recorded (e.g. "跌倒 · 颐养中心")


Provider = Callable[[Elder, datetime.date, datetime.date], Iterable[RecordedEvent]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def window(on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The days whose events count for an assessment on ``on``: the 30 days up to and including it."""
    return on - datetime.timedelta(days=WINDOW_DAYS - 1), on


def recorded(elder: Elder, on: datetime.date) -> list[RecordedEvent]:
    """The elder's recorded risk events in the window before an assessment on ``on``, oldest first."""
    start, end = window(on)
    events = [e for provider in _providers for e in provider(elder, start, end)]
    return sorted((e for e in events if e.kind in RISK_EVENT_TYPES), key=lambda e: e.on)


def counts(events: Iterable[RecordedEvent]) -> dict[str, int]:
    """Per A.2.14 type, as the sheet records it (0, 1, 2, 3 = 3次及以上)."""
    out = dict.fromkeys(RISK_EVENT_TYPES, 0)
    for event in events:
        out[event.kind] = min(out[event.kind] + 1, RISK_EVENT_MAX)
    return out


def at_least_recorded(entered: dict[str, int], elder: Elder, on: datetime.date) -> dict[str, int]:
    """The counts an assessment keeps: what the assessor entered, never fewer than were recorded."""
    found = counts(recorded(elder, on))
    return {kind: max(int(entered.get(kind, 0)), found[kind]) for kind in RISK_EVENT_TYPES}
