"""The one door to scoped data.

Every read of personal or area-bound data — pages, API, exports, dashboards, background jobs — goes
through :meth:`ScopedQuerySet.for_user`. A model opts in by using :class:`ScopedManager` and naming,
in ``scope_path``, the field that holds the materialized area path of the row (``"area_path"``, or
across a relation, ``"elder__area_path"``). Area paths nest (320612 ⊃ 320612001 ⊃ 320612001001), so a
user's scope is a prefix match on that path, which an ordinary B-tree index answers.

Other apps may widen a model's scope for some users (a provider sees the elders its work orders
concern) by registering a :data:`ScopeExtension`; they never edit this module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.http import Http404

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser

M = TypeVar("M", bound=models.Model)

#: Returns an extra Q (OR-ed with the area scope) for this user, or None.
ScopeExtension = Callable[[Any], Q | None]
_extensions: dict[str, list[ScopeExtension]] = {}

ACTIONS = ("view", "add", "change", "delete", "reveal", "export", "import")


def permission_name(model: type[models.Model], action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def register_scope_extension(model: type[models.Model], extension: ScopeExtension) -> None:
    _extensions.setdefault(model._meta.label_lower, []).append(extension)


def user_area_paths(user: Any) -> Sequence[str]:
    """Area paths assigned to the user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return ()
    cached: Sequence[str] | None = getattr(user, "_yiyang_area_paths", None)
    if cached is None:
        cached = tuple(user.area_paths())
        user._yiyang_area_paths = cached
    return cached


def area_q(path_field: str, paths: Sequence[str]) -> Q:
    """Rows whose ``path_field`` lies inside any of ``paths``; an empty scope matches nothing."""
    q = Q(pk__in=[])
    for path in _outermost(paths):
        q |= Q(**{f"{path_field}__startswith": path})
    return q


def _outermost(paths: Sequence[str]) -> list[str]:
    # A street inside an assigned district adds nothing; dropping it keeps the SQL short.
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


def scope_q(user: Any, model: type[models.Model]) -> Q:
    path_field: str | None = getattr(model, "scope_path", None)
    if path_field is None:
        raise TypeError(f"{model.__name__} has no scope_path and cannot be scoped")
    q = area_q(path_field, user_area_paths(user))
    for extension in _extensions.get(model._meta.label_lower, ()):
        extra = extension(user)
        if extra is not None:
            q |= extra
    return q


class ScopedQuerySet(models.QuerySet[M]):
    def for_user(self, user: Any, action: str = "view") -> Self:
        """Rows of this queryset that ``user`` may ``action``; nothing at all without the permission."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if not user.has_perm(permission_name(self.model, action)):
            return self.none()
        return self.filter(scope_q(user, self.model))

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
    """Re-check after a write: an edit may not move a record out of the editor's scope."""
    manager = type(obj)._default_manager
    assert isinstance(manager, ScopedManager)
    return manager.for_user(user, action).filter(pk=obj.pk).exists()


def path_in_scope(user: Any, path: str) -> bool:
    return any(path.startswith(p) for p in user_area_paths(user))
