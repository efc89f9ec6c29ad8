"""Paging a large table on its index and fetching only the rows of the page ("late row lookup").

PostgreSQL cannot postpone reading table rows until after ORDER BY … LIMIT: a search matching
thousands of elders reads thousands of heap pages to show fifty. When the filter and the sort
columns are all in one index, the page's primary keys come from an index-only scan, and only the
fifty rows shown are read from the table. Opt in with ``queryset.late_rows()``; everything else about
the queryset (filters, select_related, ordering) is unchanged.
"""

from __future__ import annotations

from typing import Any, Self, TypeVar

from django.db import models
from rest_framework.pagination import LimitOffsetPagination

from yiyang.core.scoping import ScopedQuerySet

M = TypeVar("M", bound=models.Model)


class LateRowsQuerySet(ScopedQuerySet[M]):
    _late_rows = False

    def late_rows(self) -> Self:
        clone = self.all()
        clone._late_rows = True
        return clone

    def _clone(self) -> Self:
        # QuerySet._clone is private to Django and missing from its type stubs.
        clone: Self = super()._clone()  # type: ignore[misc]
        clone._late_rows = self._late_rows
        return clone

    def __getitem__(self, k: Any) -> Any:
        if (
            not self._late_rows
            or not isinstance(k, slice)
            or self._result_cache is not None
            or getattr(self, "_fields", None) is not None  # values() reads only what it names
            or not self.ordered
        ):
            return super().__getitem__(k)
        keys = list(super().values_list("pk", flat=True)[k])
        if not keys:
            return []
        # The keys already passed the filters (scope included); fetching them through the filters
        # again would let the planner pick the filter's index over the primary key.
        rows = self.model._base_manager.using(self.db).filter(pk__in=keys)
        rows.query.select_related = self.query.select_related
        rows.query.deferred_loading = self.query.deferred_loading
        rows = rows.prefetch_related(*getattr(self, "_prefetch_related_lookups", ()))
        by_key = {obj.pk: obj for obj in rows}
        return [by_key[key] for key in keys if key in by_key]


class ApiPagination(LimitOffsetPagination):
    """The API's ``?limit=&offset=`` paging, with a ceiling: ``limit`` past the largest SQL integer
    was a server error, and no client needs more than a thousand rows a page."""

    max_limit = 1000
