"""The two axes of the one door, the declarations core interprets, and the three ways to ask it.

Real models serve as specimens: a canteen (an organisation that is its own key), a menu (bound to
an organisation across a relation), work orders sharing their elder with the provider's staff,
scoring rules read from the areas above.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.utils import timezone

from yiyang.assessments.models import ScoringConfig
from yiyang.core import scoping
from yiyang.core.models import Membership
from yiyang.core.scoping import (
    allowed,
    declaration,
    grant_membership,
    memberships,
    organisation_ids,
    require,
    scope_sql,
    scoped_models,
)
from yiyang.core.testing import World, make_user
from yiyang.meals.models import Canteen, Menu
from yiyang.meals.tests.factories import make_canteen
from yiyang.people.models import Elder
from yiyang.services.actions.work_orders import work_order_dispatch
from yiyang.services.choices import OrderStatus
from yiyang.services.models import Provider, WorkOrder
from yiyang.services.tests import factories as f

pytestmark = pytest.mark.django_db


def _menu(canteen: Canteen) -> Menu:
    return Menu.objects.create(
        canteen=canteen, date=timezone.localdate(), slot="lunch", dishes="青菜豆腐", price=Decimal("8")
    )


class TestDeclarations:
    def test_every_scoped_model_declares_a_valid_scope(self) -> None:
        from yiyang.accounts.models import User

        for model in scoped_models():
            if model is User:  # accounts are scoped by all their areas at once (UserQuerySet)
                continue
            declaration(model)  # raises TypeError on a path that leads nowhere

    def test_the_organisation_kind_is_where_the_path_leads(self) -> None:
        assert declaration(Canteen).organisation_model is Canteen
        assert declaration(Menu).organisation_model is Canteen
        assert declaration(WorkOrder).organisation_model is Provider
        assert declaration(Elder).organisation_model is None

    def test_organisation_kinds(self) -> None:
        assert {Canteen, Provider} <= scoping.organisation_models()


class TestOrganisationAxis:
    def test_member_sees_own_organisation_wherever_it_is(self, world: World) -> None:
        mine = make_canteen(world.areas.other_community)
        theirs = make_canteen(world.areas.other_community)
        grant_membership(world.frank, mine)
        assert set(Canteen.objects.for_user(world.frank)) == {mine}
        assert set(Menu.objects.for_user(world.frank)) == set()
        menu = _menu(mine)
        _menu(theirs)
        assert set(Menu.objects.for_user(world.frank)) == {menu}
        # The area axis is untouched: the other district is nobody's here.
        assert not Canteen.objects.for_user(world.alice).exists()

    def test_both_axes_are_or_ed(self, world: World) -> None:
        home = make_canteen(world.areas.community_a1)
        away = make_canteen(world.areas.community_b1)
        worker = make_user("canteen_clerk", "community_worker", [world.areas.community_a1])
        grant_membership(worker, away)
        assert set(Canteen.objects.for_user(worker)) == {home, away}

    def test_membership_does_not_bypass_the_permission(self, world: World) -> None:
        mine = make_canteen(world.areas.community_a1)
        grant_membership(world.frank, mine)
        assert Canteen.objects.for_user(world.frank).exists()
        assert not world.frank.has_perm("meals.change_canteen")
        assert not Canteen.objects.for_user(world.frank, "change").exists()

    def test_grant_and_revoke_take_effect_at_once(self, world: World, django_assert_num_queries: Any) -> None:
        canteen = make_canteen(world.areas.community_a1)
        frank = world.frank
        assert organisation_ids(frank, Canteen) == ()
        membership, created = grant_membership(frank, canteen)
        assert created and not grant_membership(frank, canteen)[1]
        with django_assert_num_queries(1):  # one query, then cached on the user for the request
            assert organisation_ids(frank, Canteen) == (canteen.pk,)
            assert organisation_ids(frank, Provider) == ()
        scoping.revoke_membership(membership)
        assert organisation_ids(frank, Canteen) == ()

    def test_deleting_an_organisation_drops_its_memberships(self, world: World) -> None:
        canteen = make_canteen(world.areas.community_a1)
        grant_membership(world.frank, canteen)
        other = make_canteen(world.areas.community_a1)
        grant_membership(world.frank, other)
        canteen.delete()
        assert list(Membership.objects.values_list("organisation_id", flat=True)) == [other.pk]
        assert [m.user for m in memberships(other)] == [world.frank]


class TestShares:
    def test_provider_staff_see_the_elders_of_open_and_recent_orders(self, world: World) -> None:
        item = f.item()
        mine = f.provider(items=[item])
        staff = f.staff(mine)
        open_order = f.order(world.erin)
        work_order_dispatch(order=open_order, provider=mine, actor=world.erin)
        old = f.order(world.erin, e=f.elder(world.areas.community_b1))
        work_order_dispatch(order=old, provider=mine, actor=world.erin)
        long_ago = timezone.now() - datetime.timedelta(days=91)
        WorkOrder.objects.filter(pk=old.pk).update(status=OrderStatus.CANCELLED, updated_at=long_ago)
        never = f.order(world.erin)
        visible = set(Elder.objects.for_user(staff))
        assert open_order.elder in visible
        assert old.elder not in visible and never.elder not in visible
        # Recently closed still counts.
        WorkOrder.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=89))
        assert old.elder in set(Elder.objects.for_user(staff))


class TestAbove:
    def test_rules_above_are_read_not_changed(self, world: World) -> None:
        district_rule = ScoringConfig.objects.create(
            area=world.areas.district, valid_from=datetime.date(2024, 1, 1)
        )
        other_rule = ScoringConfig.objects.create(
            area=world.areas.other_district, valid_from=datetime.date(2024, 1, 1)
        )
        assert set(ScoringConfig.objects.for_user(world.dave)) == {district_rule}
        assert set(ScoringConfig.objects.for_user(world.bob)) == {district_rule}
        assert other_rule not in set(ScoringConfig.objects.for_user(world.alice))
        assert set(ScoringConfig.objects.for_user(world.alice, "change")) == {district_rule}
        street_rule = ScoringConfig.objects.create(
            area=world.areas.street_b, valid_from=datetime.date(2024, 1, 1)
        )
        # Sideways is not above: street B's rule is not street A's.
        assert street_rule not in set(ScoringConfig.objects.for_user(world.bob))


def _sql_ids(user: Any, model: type[models.Model], action: str = "view") -> set[int]:
    condition, params = scope_sql(user, model, "t", action)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT t.id FROM {table} t WHERE {condition}", params)
        return {row[0] for row in cursor.fetchall()}


def _orm_ids(user: Any, model: type[models.Model], action: str = "view") -> set[int]:
    return set(model._default_manager.for_user(user, action).values_list("pk", flat=True))  # type: ignore[attr-defined]


class TestOneAnswer:
    """scope_sql and require give exactly the answer for_user (the pages) gives."""

    @pytest.fixture
    def rows(self, world: World) -> dict[str, Any]:
        item = f.item()
        mine = f.provider(items=[item])
        staff = f.staff(mine, "sql_staff")
        orders = [f.order(world.erin, e=f.elder(world.areas[a])) for a in ("community_a1", "community_b1")]
        work_order_dispatch(order=orders[0], provider=mine, actor=world.erin)
        canteens = [make_canteen(world.areas[a]) for a in ("community_a1", "community_b1", "other_community")]
        grant_membership(world.frank, canteens[2])
        for c in canteens:
            _menu(c)
        ScoringConfig.objects.create(area=world.areas.district, valid_from=datetime.date(2024, 1, 1))
        ScoringConfig.objects.create(area=world.areas.street_a, valid_from=datetime.date(2024, 1, 1))
        return {"staff": staff, "provider": mine}

    @pytest.mark.parametrize("model", [Elder, WorkOrder, Canteen, Menu, ScoringConfig])
    @pytest.mark.parametrize("action", ["view", "change"])
    def test_scope_sql_matches_for_user(
        self, world: World, rows: dict[str, Any], model: Any, action: str
    ) -> None:
        for user in [*world.users.values(), rows["staff"]]:
            assert _sql_ids(user, model, action) == _orm_ids(user, model, action), (
                user.username,
                model,
                action,
            )

    def test_require_on_saved_rows(self, world: World, rows: dict[str, Any]) -> None:
        for model in (Elder, WorkOrder, Canteen, Menu):
            for user in [*world.users.values(), rows["staff"]]:
                visible = _orm_ids(user, model, "change")
                for obj in model._default_manager.all():
                    assert allowed(user, "change", obj) is (obj.pk in visible)
        order = WorkOrder.objects.filter(area_path__startswith=world.areas.street_b.path).get()
        with pytest.raises(PermissionDenied):
            require(world.bob, "change", order)
        require(world.carol, "change", order)
        require(None, "delete", order)  # the system itself

    def test_require_on_unsaved_rows_reads_the_declared_fields(self, world: World) -> None:
        canteen = make_canteen(world.areas.community_b1)
        assert allowed(world.carol, "add", Menu(canteen=canteen))
        assert not allowed(world.bob, "add", Menu(canteen=canteen))
        grant_membership(world.frank, canteen)
        assert allowed(world.frank, "add", Menu(canteen=canteen))
        assert not allowed(world.frank, "add", Menu(canteen=make_canteen(world.areas.community_b1)))
        assert allowed(world.bob, "add", Elder(area=world.areas.grid_a1, area_path=world.areas.grid_a1.path))
        assert not allowed(world.dave, "add", Elder(area_path=world.areas.community_a2.path))

    def test_require_on_a_model_is_the_permission(self, world: World) -> None:
        require(world.alice, "add", ScoringConfig)
        with pytest.raises(PermissionDenied):
            require(world.bob, "add", ScoringConfig)

    def test_without_the_permission_sql_selects_nothing(self, world: World, rows: dict[str, Any]) -> None:
        assert scope_sql(world.erin, ScoringConfig, "t") == ("1 = 0", [])
        assert _sql_ids(world.frank, Elder) == set()


@pytest.mark.parametrize(
    ("who", "area", "expected"),
    [
        ("bob", "street_a", True),
        ("bob", "grid_a1", True),
        ("bob", "street_b", False),
        ("bob", "district", False),
        ("dave", "community_a1", True),
        ("dave", "community_a2", False),
        ("alice", "community_b2", True),
        ("alice", "other_district", False),
        ("frank", "community_a1", False),
    ],
)
def test_a_new_row_is_placed_only_where_the_user_may_add_it(
    world: World, who: str, area: str, expected: bool
) -> None:
    place = world.areas[area]
    elder = Elder(area=place, area_path=place.path)
    assert allowed(world.users[who], "add", elder) is expected


def test_a_path_that_merely_shares_digits_is_outside(world: World) -> None:
    # 32061200 is not inside street 320612001: paths nest by whole levels only.
    assert not allowed(world.bob, "add", Elder(area_path="32061200"))
