"""The one door to scoped data.

Every read of personal, area-bound or organisation-bound data — pages, API, exports, dashboards,
raw SQL and background jobs — goes through this module. A row is visible to a user whose role grants
``app.<action>_<model>`` and who reaches the row along one of two axes:

* **area**: the row lies in one of the user's assigned areas. Area paths nest (320612 ⊃ 320612001 ⊃
  320612001001), so this is a prefix match on the row's path, which an ordinary B-tree answers;
* **organisation**: the user is a member (:class:`~yiyang.core.models.Membership`) of the
  organisation the row belongs to — a provider, a canteen, an institution, a volunteer team …

A model opts in with :class:`ScopedManager` and declares, as class attributes (nothing else):

``scope_path``
    the field holding the row's materialized area path (``"area_path"``, or across a relation
    ``"elder__area_path"``); ``None`` for rows bound to no area (the catalogue, the providers).
    A row in no area is visible to every user who works in an area, and — when the model has no
    organisation axis either — to everyone whose role grants the permission.
``scope_organisation`` (optional)
    the path to the key of the organisation the row belongs to: ``"provider_id"``,
    ``"canteen_id"``, ``"work_order__provider_id"``, or ``"pk"`` for the organisation itself. The
    organisation's kind is the model that path leads to; no registration is needed. A row that may
    belong to one of several kinds declares a tuple of paths, one per kind (a care worker's
    ``("provider_id", "institution_id", "canteen_id")``): the members of each see it.
``scope_above`` (optional)
    actions for which a user also sees the rows of the areas *above* their own (a street reads the
    district's roll and the district's rules, which apply to it).
``scope_shares`` (optional, on an organisation-bound model)
    :class:`Share` declarations: the members of this row's organisation also see the row it links
    to (the elder a provider's order concerns) while this row is active.

Reads use ``Model.objects.for_user(user, action)``; raw SQL uses :func:`scope_sql`; actions use
:func:`require`. All three are built from the same :func:`scope_terms`, so they give one answer.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self, TypeVar

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import connection, models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

M = TypeVar("M", bound=models.Model)

ACTIONS = ("view", "add", "change", "delete", "reveal", "export", "import")


def permission_name(model: type[models.Model], action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


# -- declarations ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """Declared in ``scope_shares`` of an organisation-bound model (see the module docstring).

    ``field`` names the foreign key to the shared row; ``active``, if given, returns the condition
    (on the declaring model) under which the row still shares it, e.g. "open or closed recently";
    ``actions`` are what the members may do with the shared row (their role's permission still applies).
    """

    field: str
    active: Callable[[], Q] | None = None
    actions: tuple[str, ...] = ("view",)


@dataclass(frozen=True)
class Declaration:
    """A scoped model's declarations, checked once."""

    model: type[models.Model]
    path: str | None
    organisation: str | None
    organisation_model: type[models.Model] | None
    above: frozenset[str]
    shares: tuple[Share, ...]
    #: Every (path, organisation model) pair: the first is ``organisation``/``organisation_model``;
    #: a row employed by one of several kinds of organisation (a care worker's employer is a
    #: provider, an institution or a canteen) declares a path for each and is seen by the members
    #: of whichever its row names.
    organisations: tuple[tuple[str, type[models.Model]], ...] = ()

    @property
    def organisation_type(self) -> str | None:
        return organisation_type(self.organisation_model) if self.organisation_model else None


@functools.cache
def declaration(model: type[models.Model]) -> Declaration:
    if not hasattr(model, "scope_path"):
        raise TypeError(f"{model.__name__} has no scope_path and cannot be scoped")
    path: str | None = model.scope_path
    if path is not None:
        _resolve(model, path)
    declared: str | tuple[str, ...] | None = getattr(model, "scope_organisation", None)
    paths = (declared,) if isinstance(declared, str) else tuple(declared or ())
    organisations = tuple((p, _organisation_model(model, p)) for p in paths)
    organisation, target = organisations[0] if organisations else (None, None)
    shares = tuple(getattr(model, "scope_shares", ()))
    if shares and target is None:
        raise TypeError(f"{model.__name__} shares rows but declares no scope_organisation")
    for share in shares:
        field = model._meta.get_field(share.field)
        if not field.many_to_one:
            raise TypeError(f"{model.__name__}.scope_shares: {share.field} is not a foreign key")
    return Declaration(
        model,
        path,
        organisation,
        target,
        frozenset(getattr(model, "scope_above", ())),
        shares,
        organisations,
    )


def _resolve(model: type[models.Model], path: str) -> tuple[type[models.Model], Any]:
    """The model the last step of ``path`` lives on, and that step's field."""
    current = model
    parts = path.split("__")
    for part in parts[:-1]:
        field = current._meta.get_field(part)
        if not field.is_relation or field.related_model is None:
            raise TypeError(f"{model.__name__}: {part} in {path!r} is not a relation")
        current = field.related_model
    last = parts[-1]
    return current, current._meta.pk if last == "pk" else current._meta.get_field(last)


def _organisation_model(model: type[models.Model], path: str) -> type[models.Model]:
    owner, field = _resolve(model, path)
    if field.primary_key:
        return owner
    if field.many_to_one:
        related: type[models.Model] = field.related_model
        return related
    raise TypeError(f"{model.__name__}.scope_organisation {path!r} must end in a key or a foreign key")


@functools.cache
def _shares_into(model: type[models.Model]) -> tuple[tuple[Declaration, Share], ...]:
    """The shares other models declare towards ``model``."""
    found = []
    for source in apps.get_models():
        for share in getattr(source, "scope_shares", ()):
            if source._meta.get_field(share.field).related_model is model:
                found.append((declaration(source), share))
    return tuple(found)


def scoped_models() -> list[type[models.Model]]:
    """Every model behind the door (its default manager is a :class:`ScopedManager`)."""
    return [m for m in apps.get_models() if isinstance(m._default_manager, ScopedManager)]


def organisation_models() -> set[type[models.Model]]:
    """The kinds of organisation some scoped model belongs to (providers, canteens …)."""
    found: set[type[models.Model]] = set()
    for model in scoped_models():
        if hasattr(model, "scope_path"):
            found.update(target for _path, target in declaration(model).organisations)
    return found


# -- what the user brings: areas and memberships -----------------------------------------------------


def user_area_paths(user: Any) -> Sequence[str]:
    """Area paths assigned to the user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return ()
    cached: Sequence[str] | None = getattr(user, "_yiyang_area_paths", None)
    if cached is None:
        cached = tuple(user.area_paths())
        user._yiyang_area_paths = cached
    return cached


def home_path(user: Any) -> str:
    """The outermost of the user's areas ("" without one): where a log row of their action is filed,
    so that the auditors of that area see it."""
    return min(user_area_paths(user), key=len, default="")


def user_organisations(user: Any) -> Mapping[str, tuple[int, ...]]:
    """The keys of the organisations the user belongs to, by kind; one query, cached like the areas."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cached: dict[str, tuple[int, ...]] | None = getattr(user, "_yiyang_organisations", None)
    if cached is None:
        found: dict[str, list[int]] = {}
        rows = (
            _membership().objects.filter(user_id=user.pk).values_list("organisation_type", "organisation_id")
        )
        for kind, key in rows.order_by("organisation_type", "organisation_id"):
            found.setdefault(kind, []).append(key)
        cached = {kind: tuple(keys) for kind, keys in found.items()}
        user._yiyang_organisations = cached
    return cached


def organisation_ids(user: Any, model: type[models.Model]) -> tuple[int, ...]:
    """Keys of the organisations of kind ``model`` (e.g. Provider) the user is a member of."""
    return user_organisations(user).get(organisation_type(model), ())


def organisation_type(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


def _membership() -> Any:
    # core.models imports this module (ScopedManager): the model is looked up, not imported.
    return apps.get_model("core", "Membership")


def memberships(organisation: models.Model) -> models.QuerySet[Any]:
    """The organisation's member rows (``core.Membership``, with their users), e.g. for its staff list."""
    rows: models.QuerySet[Any] = _membership().objects.filter(
        organisation_type=organisation_type(organisation), organisation_id=organisation.pk
    )
    return rows.select_related("user")


def is_member(user: Any, organisation: models.Model) -> bool:
    return organisation.pk in organisation_ids(user, type(organisation))


def grant_membership(user: Any, organisation: models.Model) -> tuple[Any, bool]:
    """Make ``user`` a member of ``organisation`` (idempotent); returns the row and whether it is new.

    Callers are the apps' actions, which check that the actor may manage the organisation and audit.
    """
    row, created = _membership().objects.get_or_create(
        user=user, organisation_type=organisation_type(organisation), organisation_id=organisation.pk
    )
    _forget(user)
    return row, created


def revoke_membership(membership: Any) -> None:
    membership.delete()
    _forget(membership.user)


def _forget(user: Any) -> None:
    user.__dict__.pop("_yiyang_organisations", None)


def _drop_memberships(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    _membership().objects.filter(
        organisation_type=organisation_type(sender), organisation_id=instance.pk
    ).delete()


def connect_organisations() -> None:
    """An organisation that is deleted takes its memberships with it (called from CoreConfig.ready)."""
    for model in organisation_models():
        models.signals.post_delete.connect(_drop_memberships, sender=model, dispatch_uid=f"members-{model}")


# -- the answer: terms, then a Q, SQL or a yes/no -----------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One way in: rows whose ``path`` ``op``-matches ``value`` (``startswith`` a path, or ``in``)."""

    path: str
    op: str
    value: Any


#: :func:`scope_terms` returns this when every row is visible.
EVERYTHING = None


def scope_terms(user: Any, model: type[models.Model], action: str = "view") -> list[Term] | None:
    """The OR-ed terms that make up ``user``'s scope on ``model``; ``EVERYTHING`` (None) or a list.

    The permission is not part of the terms (see :meth:`ScopedQuerySet.for_user`).
    """
    d = declaration(model)
    paths = user_area_paths(user)
    terms: list[Term] = []
    if d.path is None:
        if paths or d.organisation is None:
            return EVERYTHING
    else:
        terms += [Term(d.path, "startswith", p) for p in outermost(paths)]
        if action in d.above:
            above = sorted({p[:n] for p in paths for n in range(2, len(p))})
            if above:
                terms.append(Term(d.path, "in", above))
    for organisation, organisation_model in d.organisations:
        keys = organisation_ids(user, organisation_model)
        if keys:
            terms.append(Term(organisation, "in", list(keys)))
    for source, share in _shares_into(model):
        if action not in share.actions:
            continue
        assert source.organisation is not None and source.organisation_model is not None
        keys = organisation_ids(user, source.organisation_model)
        if keys:
            rows = source.model._base_manager.filter(**{f"{source.organisation}__in": keys})
            if share.active is not None:
                rows = rows.filter(share.active())
            terms.append(Term("pk", "in", rows.values(share.field)))
    return terms


def area_q(path_field: str, paths: Sequence[str]) -> Q:
    """Rows whose ``path_field`` lies inside any of ``paths``; an empty scope matches nothing."""
    return _q([Term(path_field, "startswith", p) for p in outermost(paths)])


def path_range_q(path_field: str, prefixes: Sequence[str]) -> Q:
    """The same rows as ``path_field`` starting with one of ``prefixes``, said as ranges as well
    (``>= '320612001' AND < '320612002'``), for an index on the column in the database's collation:
    PostgreSQL turns ``LIKE 'p%'`` into a range only for the pattern operators or the C collation.
    Add it beside the prefix match, never instead of it. Paths are digits (``areas.models``); for
    any other prefix no range is said (``Q()``)."""
    if not prefixes or not all(p.isdigit() and p.isascii() for p in prefixes):
        return Q()
    q = Q(pk__in=[])
    for prefix in prefixes:
        term = Q(**{f"{path_field}__gte": prefix})
        following = _following(prefix)
        if following:
            term &= Q(**{f"{path_field}__lt": following})
        q |= term
    return q


def _following(prefix: str) -> str:
    """The first digit string after every string that starts with ``prefix``: "3206129" → "320613"."""
    digits = prefix.rstrip("9")
    if not digits:
        return ""
    return digits[:-1] + str(int(digits[-1]) + 1)


def area_scope(user: Any, model: type[models.Model], action: str = "view") -> tuple[bool, list[str] | None]:
    """Whether ``user``'s scope on ``model`` is made of areas alone, and which: ``(True, None)`` for
    everything, ``(True, prefixes)`` for the rows whose path starts with one of ``prefixes`` (none
    for ``[]``), ``(False, None)`` when other ways in count too (organisations, shares) — then
    :func:`scope_terms` says what. The permission is not part of it (as for ``scope_terms``)."""
    terms = scope_terms(user, model, action)
    if terms is EVERYTHING:
        return True, None
    path = declaration(model).path
    if any(term.path != path or term.op != "startswith" for term in terms):
        return False, None
    return True, [str(term.value) for term in terms]


def outermost(paths: Iterable[str]) -> list[str]:
    # A street inside an assigned district adds nothing; dropping it keeps the SQL short.
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


def _q(terms: list[Term] | None) -> Q:
    if terms is EVERYTHING:
        return Q()
    q = Q(pk__in=[])
    for term in terms:
        q |= Q(**{f"{term.path}__{term.op}": term.value})
    return q


def scope_q(user: Any, model: type[models.Model], action: str = "view") -> Q:
    """The scope as a Q on ``model`` (without the permission check: use ``for_user`` to read)."""
    return _q(scope_terms(user, model, action))


def permitted(user: Any, model: type[models.Model], action: str) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.has_perm(permission_name(model, action))
    )


class ScopedQuerySet(models.QuerySet[M]):
    def for_user(self, user: Any, action: str = "view") -> Self:
        """Rows of this queryset that ``user`` may ``action``; nothing at all without the permission."""
        if not permitted(user, self.model, action):
            return self.none()
        return self.filter(scope_q(user, self.model, action))

    def get_for_user_or_404(self, user: Any, action: str = "view", **lookup: Any) -> M:
        """Missing and out-of-scope look the same: a 404 never confirms that a record exists."""
        try:
            return self.for_user(user, action).get(**lookup)
        except ObjectDoesNotExist as exc:
            raise Http404 from exc


class ScopedManager(models.Manager[M]):
    """``ScopedManager.from_queryset(MyQuerySet)`` works when MyQuerySet extends ScopedQuerySet."""

    def get_queryset(self) -> ScopedQuerySet[M]:
        queryset_class = getattr(self, "_queryset_class", ScopedQuerySet)
        if not issubclass(queryset_class, ScopedQuerySet):
            queryset_class = ScopedQuerySet
        return queryset_class(self.model, using=self._db)

    def for_user(self, user: Any, action: str = "view") -> ScopedQuerySet[M]:
        return self.get_queryset().for_user(user, action)

    def get_for_user_or_404(self, user: Any, action: str = "view", **lookup: Any) -> M:
        return self.get_queryset().get_for_user_or_404(user, action, **lookup)


def is_in_scope(user: Any, obj: models.Model, action: str = "change") -> bool:
    """Whether ``user`` may ``action`` the saved row ``obj``: the very question the pages ask."""
    manager = type(obj)._default_manager
    assert isinstance(manager, ScopedManager)
    return manager.for_user(user, action).filter(pk=obj.pk).exists()


def scope_sql(
    user: Any, model: type[models.Model], alias: str, action: str = "view"
) -> tuple[str, list[Any]]:
    """The scope as an SQL condition on ``alias`` (a row of ``model``'s table) and its parameters.

    For raw SQL (imports, life-event matching, settlement, rolls): the same terms as ``for_user``,
    permission included, so ``WHERE … AND {condition}`` selects exactly the rows the pages list.
    """
    if not permitted(user, model, action):
        return "1 = 0", []
    terms = scope_terms(user, model, action)
    if terms is EVERYTHING:
        return "1 = 1", []
    if not terms:
        return "1 = 0", []
    parts, params = [], []
    for term in terms:
        sql, term_params = _term_sql(model, alias, term)
        parts.append(sql)
        params += term_params
    return "(" + " OR ".join(parts) + ")", params


def scope_sql_named(
    user: Any, model: type[models.Model], alias: str, action: str = "view", *, prefix: str = "scope"
) -> tuple[str, dict[str, Any]]:
    """:func:`scope_sql` for statements written with named parameters (``%(name)s``)."""
    sql, params = scope_sql(user, model, alias, action)
    names = iter(range(len(params)))
    named = re.sub(r"(?<!%)%s", lambda _m: f"%({prefix}{next(names)})s", sql)
    return named, {f"{prefix}{i}": value for i, value in enumerate(params)}


def _term_sql(model: type[models.Model], alias: str, term: Term) -> tuple[str, list[Any]]:
    first, _, rest = term.path.partition("__")
    field: Any = model._meta.pk if first == "pk" else model._meta.get_field(first)
    column = f"{connection.ops.quote_name(alias)}.{connection.ops.quote_name(field.column)}"
    if rest:
        # Across a relation: the local key among the related rows that match the rest of the path.
        assert field.related_model is not None
        related = field.related_model._base_manager.filter(**{f"{rest}__{term.op}": term.value})
        sql, params = related.values("pk").query.sql_with_params()
        return f"{column} IN ({sql})", list(params)
    if term.op == "startswith":
        if not str(term.value).isdigit():
            raise ValueError(f"an area path is digits only: {term.value!r}")
        return f"{column} LIKE %s", [f"{term.value}%"]
    if isinstance(term.value, models.QuerySet):
        sql, params = term.value.query.sql_with_params()
        return f"{column} IN ({sql})", list(params)
    values = list(term.value)
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def require(actor: Any, action: str, obj: models.Model | type[models.Model]) -> None:
    """The guard of every action: raise PermissionDenied unless ``actor`` may ``action`` ``obj``.

    ``obj`` is a saved row (asked exactly as the pages ask), a row not yet saved (its declared
    path and organisation are read from the instance), or a model class (the permission only, for
    actions that create). ``actor=None`` is the system itself (jobs, the demo) and is never refused.
    """
    if actor is None:
        return
    model = obj if isinstance(obj, type) else type(obj)
    if not permitted(actor, model, action):
        raise PermissionDenied(_("您没有此操作的权限"))
    if not allowed(actor, action, obj):
        raise PermissionDenied(_("不在您的管辖范围内"))


def allowed(user: Any, action: str, obj: models.Model | type[models.Model]) -> bool:
    model = obj if isinstance(obj, type) else type(obj)
    if not permitted(user, model, action):
        return False
    if isinstance(obj, type):
        return True
    if obj.pk is not None and not obj._state.adding:
        return is_in_scope(user, obj, action)
    terms = scope_terms(user, model, action)
    if terms is EVERYTHING:
        return True
    return any(_term_holds(obj, term) for term in terms)


def _term_holds(obj: models.Model, term: Term) -> bool:
    if isinstance(term.value, models.QuerySet):
        return False  # a share names saved rows; an unsaved one is shared by nothing yet
    value: Any = obj
    for part in term.path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return False
    if term.op == "startswith":
        return str(value).startswith(term.value)
    return value in term.value
