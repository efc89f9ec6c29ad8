"""The one door to scoped data along the area axis: for_user, area_q, outermost (the organisation axis,
the declarations, scope_sql and require: test_scoping_axes.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from yiyang.accounts.roles import Role
from yiyang.areas.models import Area
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import (
    area_q,
    is_in_scope,
    outermost,
    permission_name,
    scope_q,
    user_area_paths,
)
from yiyang.core.testing import World, make_user


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        ([], []),
        (["320612"], ["320612"]),
        (["320612001", "320612"], ["320612"]),
        (["320612001001", "320612001", "320612002"], ["320612001", "320612002"]),
        (["320612001", "320612001"], ["320612001"]),
        (["320612001", "320613"], ["320613", "320612001"]),
        # Siblings that share leading digits are not nested: 3206120010 is not inside 320612002.
        (["320612002", "320612001001"], ["320612002", "320612001001"]),
        (["32", "320612", "320613001"], ["32"]),
    ],
)
def test_outermost(paths: list[str], expected: list[str]) -> None:
    assert sorted(outermost(paths)) == sorted(expected)


def test_permission_name() -> None:
    assert permission_name(Area, "view") == "areas.view_area"
    assert permission_name(AuditEntry, "export") == "core.export_auditentry"


@pytest.mark.django_db
class TestAreaQ:
    def test_empty_scope_matches_nothing(self, world: World) -> None:
        assert not Area.objects.filter(area_q("path", [])).exists()

    def test_prefix_match(self, world: World) -> None:
        a = world.areas
        got = set(Area.objects.filter(area_q("path", [a.street_a.path])).values_list("code", flat=True))
        assert got == {a.street_a.code, a.community_a1.code, a.community_a2.code, a.grid_a1.code}

    def test_several_paths_are_or_ed(self, world: World) -> None:
        a = world.areas
        got = set(Area.objects.filter(area_q("path", [a.community_a2.path, a.community_b1.path])))
        assert got == {a.community_a2, a.community_b1}

    def test_nested_paths_count_once(self, world: World) -> None:
        a = world.areas
        q = area_q("path", [a.district.path, a.street_a.path, a.community_a1.path])
        assert Area.objects.filter(q).count() == Area.objects.filter(path__startswith=a.district.path).count()


@pytest.mark.django_db
class TestForUser:
    def test_district_admin_sees_the_district_only(self, world: World) -> None:
        visible = set(Area.objects.for_user(world.alice))
        assert visible == set(world.areas.district.descendants()) | {world.areas.district}
        assert world.areas.other_community not in visible

    def test_street_worker_sees_the_street_only(self, world: World) -> None:
        a = world.areas
        assert set(Area.objects.for_user(world.bob)) == {
            a.street_a,
            a.community_a1,
            a.community_a2,
            a.grid_a1,
        }

    def test_no_area_sees_nothing(self, world: World) -> None:
        assert world.frank.has_perm("areas.view_area")
        assert not Area.objects.for_user(world.frank).exists()

    def test_without_permission_sees_nothing(self, world: World) -> None:
        AuditEntry.objects.create(
            request_id="6f1c1e52-0000-4000-8000-000000000001",
            action="update",
            verb="x",
            object_type="x",
            area_path=world.areas.street_a.path,
        )
        assert AuditEntry.objects.for_user(world.grace).count() == 1
        assert not AuditEntry.objects.for_user(world.bob).exists()  # street workers lack core.view_auditentry

    def test_action_selects_the_permission(self, world: World) -> None:
        assert Area.objects.for_user(world.bob, "view").exists()
        assert not Area.objects.for_user(world.bob, "change").exists()

    def test_anonymous_sees_nothing(self, world: World) -> None:
        assert not Area.objects.for_user(AnonymousUser()).exists()
        assert user_area_paths(AnonymousUser()) == ()

    def test_inactive_user_sees_nothing(self, world: World) -> None:
        world.alice.is_active = False
        assert not Area.objects.for_user(world.alice).exists()

    def test_chains_after_other_filters(self, world: World) -> None:
        qs = Area.objects.get_queryset().filter(level=5).for_user(world.bob)
        assert set(qs) == {world.areas.community_a1, world.areas.community_a2}

    def test_area_paths_are_cached_on_the_user(self, world: World, django_assert_num_queries: Any) -> None:
        user = world.bob
        with django_assert_num_queries(1):
            assert user_area_paths(user) == (world.areas.street_a.path,)
            assert user_area_paths(user) == (world.areas.street_a.path,)

    def test_model_without_scope_path_cannot_be_scoped(self, world: World) -> None:
        from yiyang.accounts.models import User

        with pytest.raises(TypeError, match="scope_path"):
            scope_q(world.alice, User)


@pytest.mark.django_db
class TestGetForUserOr404:
    def test_in_scope(self, world: World) -> None:
        area = world.areas.community_a1
        assert Area.objects.get_for_user_or_404(world.bob, pk=area.pk) == area

    def test_out_of_scope_is_404(self, world: World) -> None:
        with pytest.raises(Http404):
            Area.objects.get_for_user_or_404(world.bob, pk=world.areas.community_b1.pk)

    def test_missing_is_404(self, world: World) -> None:
        with pytest.raises(Http404):
            Area.objects.get_for_user_or_404(world.bob, pk=999_999)

    def test_missing_and_out_of_scope_look_the_same(self, world: World) -> None:
        errors = []
        for pk in (world.areas.community_b1.pk, 999_999):
            with pytest.raises(Http404) as info:
                Area.objects.get_for_user_or_404(world.bob, pk=pk)
            errors.append((type(info.value), info.value.args))
        assert errors[0] == errors[1]

    def test_without_permission_is_404(self, world: World) -> None:
        with pytest.raises(Http404):
            Area.objects.get_for_user_or_404(world.bob, "delete", pk=world.areas.community_a1.pk)


@pytest.mark.django_db
class TestInScope:
    def test_is_in_scope(self, world: World) -> None:
        assert is_in_scope(world.bob, world.areas.community_a1, "view")
        assert not is_in_scope(world.bob, world.areas.community_b1, "view")


@pytest.mark.django_db
def test_user_with_several_areas(world: World) -> None:
    a = world.areas
    both = make_user("multi", Role.COMMUNITY_WORKER, [a.community_a2, a.community_b1])
    assert set(Area.objects.for_user(both)) == {a.community_a2, a.community_b1}
