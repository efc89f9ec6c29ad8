"""Responses that confirm nothing (issue 18, item 6): a reference to a record the caller cannot
reach is answered exactly like a reference to a record that does not exist.

For every API route that creates records, every field that names another scoped record is sent once
with the id of a record in a district no standing user works in, and once with an id that exists
nowhere: the two answers must be the same status and the same words (the id aside). The records come
from the access matrices' factories, so a new model is probed as soon as it has a matrix.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from rest_framework import serializers

from config.api_urls import router
from yiyang.core import testing
from yiyang.core.scoping import ScopedManager
from yiyang.core.tests.test_access_coverage import _load_matrices

pytestmark = pytest.mark.django_db

MISSING_PK = 987654321


def _related_fields() -> list[tuple[str, str, str, type[Any]]]:
    """(route prefix, basename, field name, related model) for every create body field naming a scoped record."""
    found = []
    for prefix, viewset, basename in router.registry:
        if not hasattr(viewset, "create"):
            continue
        serializer_class = getattr(viewset, "serializer_class", None)
        if serializer_class is None:
            continue
        for name, field in serializer_class().fields.items():
            relation = field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
            if field.read_only or not isinstance(relation, serializers.PrimaryKeyRelatedField):
                continue
            model = relation.queryset.model if relation.queryset is not None else None
            if model is not None and isinstance(model._default_manager, ScopedManager):
                found.append((prefix, basename, name, model))
    return found


FIELDS = _related_fields()


def _elsewhere(world: testing.World, model: type[Any]) -> Any:
    """A record of ``model`` in the district nobody works in (and, if bound to one, of organisation B)."""
    matrix = next((m for m in _load_matrices() if m.model is model), None)
    if matrix is None:
        pytest.skip(f"{model._meta.label_lower}: no access matrix")
    return matrix.target(world, next(iter(matrix.endpoints.values())), world.areas.other_community, "theirs")


def _answer(client: Client, url: str, field: str, many: bool, pk: int) -> tuple[int, str]:
    response = client.post(url, {field: [pk] if many else pk}, content_type="application/json")
    body = response.json()
    words = json.dumps(body.get(field, body), ensure_ascii=False).replace(str(pk), "<id>")
    return response.status_code, words


@pytest.mark.parametrize(
    ("prefix", "field", "model"),
    [pytest.param(p, f, m, id=f"{p}:{f}") for p, _b, f, m in FIELDS],
)
def test_an_unreachable_reference_is_answered_like_a_missing_one(
    client: Client, world: testing.World, prefix: str, field: str, model: type[Any]
) -> None:
    elsewhere = _elsewhere(world, model)
    if model._default_manager.for_user(world.alice, "view").filter(pk=elsewhere.pk).exists():
        pytest.skip(f"{model._meta.label_lower}: in no area, every user sees it")
    client.force_login(world.alice)
    url = f"/api/v1/{prefix}/"
    many = isinstance(dict(FIELDS_BY_KEY)[(prefix, field)], serializers.ManyRelatedField)
    assert _answer(client, url, field, many, elsewhere.pk) == _answer(client, url, field, many, MISSING_PK)


FIELDS_BY_KEY = [
    ((p, f), router.registry[[r[0] for r in router.registry].index(p)][1].serializer_class().fields[f])
    for p, _b, f, _m in FIELDS
]


# -- pages ----------------------------------------------------------------------------------------


def test_a_roll_verb_without_its_permission_is_a_403_whichever_roll_is_named(
    client: Client, world: testing.World
) -> None:
    """grace (auditor) may read rolls but not review them: 403 for a roll in reach, one out of reach
    and one that does not exist alike (the roll was looked up first: 403 against 404)."""
    from yiyang.benefits.tests.test_access import make_line

    here, there = make_line(world, world.areas.community_a1), make_line(world, world.areas.other_community)
    client.force_login(world.grace)
    for roll_id in (here.roll_id, there.roll_id, MISSING_PK):
        response = client.post(f"/benefits/rolls/{roll_id}/exclude/", {"line": here.pk, "reason": "核实"})
        assert response.status_code == 403, roll_id


def test_a_roll_line_out_of_reach_or_malformed_is_a_404(client: Client, world: testing.World) -> None:
    """bob reviews the district's roll for street A: a line of street B, a line that does not exist
    and a line id that is no number all answer 404 (the last was a server error)."""
    from yiyang.benefits.tests.test_access import make_line

    line_b = make_line(world, world.areas.community_b1)
    client.force_login(world.bob)
    url = f"/benefits/rolls/{line_b.roll_id}/exclude/"
    district_roll = line_b.roll
    district_roll.area = world.areas.district
    district_roll.save()
    for line in (line_b.pk, MISSING_PK, "abc"):
        assert client.post(url, {"line": line, "reason": "核实"}).status_code == 404, line
