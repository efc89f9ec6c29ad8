"""Operator commands act as a named user, or as the first active district administrator."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from yiyang.core.management.base import resolve_actor
from yiyang.core.testing import World, make_user


def test_named_user_or_the_first_district_administrator(world: World) -> None:
    assert resolve_actor("bob") == world.bob
    assert resolve_actor("") == world.alice
    world.alice.is_active = False
    world.alice.save()
    later = make_user("zoe", "district_admin", [world.areas.district])
    assert resolve_actor("") == later
    with pytest.raises(CommandError):
        resolve_actor("alice")  # inactive
    with pytest.raises(CommandError):
        resolve_actor("nobody")


def test_no_district_administrator_asks_for_a_name(world: World) -> None:
    type(world.alice).objects.filter(role="district_admin").update(is_active=False)
    with pytest.raises(CommandError, match="--as"):
        resolve_actor("")
