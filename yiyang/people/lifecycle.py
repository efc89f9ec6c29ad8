"""Status changes other modules act on (a death or move-away stops payments; a return restarts them).

``people.actions.elder_set_status`` is the one action that changes an elder's status, whichever door
calls it (the elder's page, the edit form, the API, a death or move-out list). It calls every listener
registered here, inside its transaction and after the elder's row is locked and changed; a
listener's error rolls the whole change back. Modules register from their AppConfig.ready, so the
people app never imports them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from yiyang.people.choices import ElderStatus
from yiyang.people.models import Elder


@dataclass(frozen=True)
class StatusChange:
    """One recorded change: what the elder was (``before_*``) and is now, from ``on``."""

    elder: Elder
    before_status: str
    before_date: datetime.date | None
    status: str
    on: datetime.date  # the day of the death or move, or of the return (迁回)
    actor: Any
    note: str
    source: str

    @property
    def stops(self) -> bool:
        return self.status != ElderStatus.LIVING


Listener = Callable[[StatusChange], None]
_listeners: list[Listener] = []


def register(listener: Listener) -> Listener:
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def notify(change: StatusChange) -> None:
    for listener in _listeners:
        listener(change)
