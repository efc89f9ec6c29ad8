""" "/" after login lands every role on a page it may see (a fixed dashboard was a 403 for some)."""

from __future__ import annotations

import pytest
from django.test import Client

from yiyang.accounts.roles import Role
from yiyang.core.testing import STANDING_USERS, World, make_user

pytestmark = pytest.mark.django_db


def test_every_role_lands_on_a_page_it_may_see(client: Client, world: World) -> None:
    users = [getattr(world, u.username) for u in STANDING_USERS]
    users += [
        make_user(f"role_{role.value}", role.value)
        for role in Role
        if role.value not in {u.role for u in STANDING_USERS}
    ]
    for user in users:
        client.force_login(user)
        response = client.get("/", follow=True)
        assert response.status_code == 200, (user.username, response.redirect_chain)
        assert response.redirect_chain, user.username  # "/" itself is never a page


def test_those_who_may_see_the_dashboard_land_on_it(client: Client, world: World) -> None:
    client.force_login(world.alice)
    assert client.get("/")["Location"] == "/reports/dashboard/"
    client.force_login(world.frank)  # provider staff: no dashboard, their first menu entry instead
    assert client.get("/")["Location"] != "/reports/dashboard/"


def test_anonymous_goes_to_login(client: Client) -> None:
    assert client.get("/")["Location"].startswith("/accounts/login/")
