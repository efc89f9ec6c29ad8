"""Buttons other modules add to the elder's page ("新增评估", "受理服务", …).

Like the timeline, modules register here from their AppConfig.ready; the people app never imports
them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from yiyang.people.models import Elder


@dataclass(frozen=True)
class ElderAction:
    label: str | Promise  # a lazy translation, translated when the page is shown
    url: Callable[[Elder], str]
    permission: str
    icon: str = "plus-lg"


_actions: list[ElderAction] = []


def register_action(action: ElderAction) -> ElderAction:
    _actions.append(action)
    return action


def actions_for(elder: Elder, user: Any) -> list[tuple[ElderAction, str]]:
    return [(a, a.url(elder)) for a in _actions if user.has_perm(a.permission)]
