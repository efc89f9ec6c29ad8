"""Paging a large table on its index and fetching only the rows of the page ("late row lookup").

PostgreSQL cannot postpone reading table rows until after ORDER BY … LIMIT: a search matching
thousands of elders reads thousands of heap pages to show fifty. When the filter and the sort
columns are all in one index, the page's primary keys come from an index-only scan, and only the
fifty rows shown are read from the table. Opt in with ``queryset.late_rows()``; everything else about
the queryset (filters, select_related, ordering) is unchanged.

A search whose term can match in several ways (initials, or the other reading of the surname, or
full pinyin; the ID number's tail or the phone's) is an OR, and PostgreSQL cannot read an OR in
order from several indexes: it collects every match and sorts them (13,091 for "ws" at 2,000,000
elders). ``queryset.search(branches)`` orders the results by the field each row matched on, and the
page and the count are then computed branch by branch, each branch with the same filters and
without the rows an earlier branch matched: the page as a ``UNION ALL`` of each branch's first rows
read in order from its index (``LIMIT`` without sorting the matches), the count as the sum of
index-only counts. Both are exact: the branches are disjoint and together are the OR.

A page far into a list (``OFFSET 100000``) still reads every index entry before it. Where the exact
number of rows per value of the order's first column is known (the elder list's kept counts per
area), ``queryset.counted_by(field, counts)`` lets the page start at the value it falls in, and skip
only the rows of that value before it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from functools import reduce
from typing import Any, Self, TypeVar

from django.db import connections, models
from django.db.models import Case, F, Q, Value, When
from django.db.models.sql.where import AND, WhereNode
from rest_framework.pagination import LimitOffsetPagination

from yiyang.core.indexes import ByteOrder
from yiyang.core.scoping import ScopedQuerySet

M = TypeVar("M", bound=models.Model)


class SearchNode(WhereNode):
    """The OR of a search's branches in a query's WHERE, recognised by its type after any clone."""


#: a search branch: the condition, and the text field it matches on (the first sort key; None when
#: every row it matches has the same value there, an equality)
Branch = tuple[Q, str | None]


#: how many rows each value of a field has, in the order the database sorts the values
Counts = Callable[[], Sequence[tuple[Any, int]] | None]

#: from this row on, a page of a list with counts per value skips the values before it
SKIP_FROM = 2000


def _key(field: str | None) -> Any:
    return F(field) if field else Value("")


class LateRowsQuerySet(ScopedQuerySet[M]):
    _late_rows = False
    _search: tuple[Branch, ...] = ()
    _search_then: tuple[str, ...] = ()
    _search_ordered = False
    _lead: tuple[str, Counts] | None = None

    def late_rows(self) -> Self:
        clone = self.all()
        clone._late_rows = True
        return clone

    def _clone(self) -> Self:
        # QuerySet._clone is private to Django and missing from its type stubs.
        clone: Self = super()._clone()  # type: ignore[misc]
        clone._late_rows = self._late_rows
        clone._search = self._search
        clone._search_then = self._search_then
        clone._search_ordered = self._search_ordered
        clone._lead = self._lead
        return clone

    def order_by(self, *field_names: Any) -> Self:
        clone = super().order_by(*field_names)
        clone._search_ordered = False  # another order: the page is read the ordinary way
        return clone

    def counted_by(self, field: str, counts: Counts) -> Self:
        """``counts()``: how many of these rows each value of ``field`` has, exactly, in the order the
        database sorts the values (None: not known). A page past :data:`SKIP_FROM` rows of a list
        ordered by ``field`` first then starts at the value it falls in (``field >= value``, an index
        range) instead of reading the entries of every row before it."""
        clone = self.all()
        clone._lead = (field, counts)
        return clone

    def _skipped(self, k: slice) -> tuple[Self, slice]:
        """The queryset and slice that read rows ``k``: far into a list counted by its first
        order column, from the value row ``k.start`` has on, less the rows of the values before it."""
        start = k.start or 0
        order = self.query.order_by
        if self._lead is None or start < SKIP_FROM or k.stop is None or not order:
            return self, k
        field, counts = self._lead
        if order[0] not in (field, f"-{field}"):
            return self, k
        per_value = counts()
        if per_value is None:
            return self, k
        descending = order[0] == f"-{field}"
        before, at = 0, None
        for value, n in reversed(per_value) if descending else per_value:
            if before + n > start:
                at = value
                break
            before += n
        if at is None or not before:
            return self, k  # past the last row (an empty page, as the offset gives it), or in the first value
        narrowed = self.filter(**{f"{field}__{'lte' if descending else 'gte'}": at})
        return narrowed, slice(start - before, k.stop - before)

    @property
    def searching(self) -> bool:
        """Whether the rows are a search's, in its order (a table should keep that order)."""
        return bool(self._search) and self._search_ordered

    def search(self, branches: Sequence[Branch], then: Sequence[str] = ()) -> Self:
        """Rows matching any branch, ordered by the field each matched on, then by the text fields
        ``then``, then the primary key (text compared byte by byte, as a ``ByteOrderIndex`` holds it).

        Each branch's field should lead a ``ByteOrderIndex`` on (field, *then, pk) that includes
        every other column the page's filters read, so that its rows come from an index-only scan.
        """
        if not branches:
            return self.none()
        before = len(self.query.where.children)
        clone = self.filter(reduce(operator.or_, (q for q, _key in branches)))
        where = clone.query.where
        added = where.children[before:] if where.connector == AND and not where.negated else []
        if len(branches) > 1 and len(added) == 1 and isinstance(added[0], WhereNode):
            added[0].__class__ = SearchNode
        if len(branches) == 1:
            key: Any = _key(branches[0][1])
        else:
            key = Case(*(When(q, then=_key(field)) for q, field in branches))
        clone = clone.order_by(ByteOrder(key), *(ByteOrder(F(name)) for name in then), "pk")
        clone._search = tuple(branches)
        clone._search_then = tuple(then)
        clone._search_ordered = True
        return clone

    def _search_parts(self) -> list[models.QuerySet[M]] | None:
        """This queryset once per branch, the OR replaced by the branch without the rows of the
        branches before it; None when there is nothing to split (or the OR cannot be found)."""
        if len(self._search) < 2 or self.query.is_sliced or self.query.combinator:
            return None
        where = self.query.where
        if where.connector != AND or where.negated:
            return None
        at = [i for i, child in enumerate(where.children) if isinstance(child, SearchNode)]
        if len(at) != 1:
            return None
        parts = []
        earlier = Q()
        for q, _field in self._search:
            part = self._chain()  # type: ignore[attr-defined]
            part._search, part._search_ordered = (), False
            only = self.model._base_manager.filter(q & ~earlier if earlier else q)
            part.query.where.children[at[0]] = only.query.where
            parts.append(part)
            earlier = earlier | q if earlier else q
        return parts

    def count(self) -> int:
        parts = self._search_parts() if self._result_cache is None else None
        if parts is None:
            return super().count()
        connection = connections[self.db]
        sql, params = [], []
        for n, part in enumerate(parts):
            part_sql, part_params = part.values("pk").order_by().query.get_compiler(self.db).as_sql()
            sql.append(f"(SELECT COUNT(*) FROM ({part_sql}) AS search_{n})")
            params.extend(part_params)
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + " + ".join(sql), params)
            return int(cursor.fetchone()[0])

    def _search_keys(self, k: slice) -> list[Any] | None:
        """The primary keys of rows ``k`` of a search, from each branch's first rows in order."""
        if not self._search_ordered or k.step is not None or k.stop is None:
            return None
        start, stop = k.start or 0, k.stop
        if start < 0 or stop < 0:
            return None
        parts = self._search_parts()
        if parts is None:
            return None
        if stop <= start:
            return []
        connection = connections[self.db]
        quote = connection.ops.quote_name
        then = [f"search_then_{n}" for n in range(len(self._search_then))]
        sql, params = [], []
        for n, (part, (_q, field)) in enumerate(zip(parts, self._search, strict=True)):
            # an equality's key is a constant: ordering by it would hide the index's order after it
            sorts: dict[str, Any] = {"search_key": ByteOrder(F(field)) if field else Value("")}
            sorts.update(
                {alias: ByteOrder(F(name)) for alias, name in zip(then, self._search_then, strict=True)}
            )
            rows = part.annotate(**sorts).order_by(*sorts, "pk").values_list("pk", *sorts)[:stop]
            part_sql, part_params = rows.query.get_compiler(self.db).as_sql()
            sql.append(f"SELECT * FROM ({part_sql}) AS search_{n}")
            params.extend(part_params)
        order = ", ".join([quote("search_key"), *map(quote, then), quote("pk")])
        query = (
            f"SELECT {quote('pk')} FROM ({' UNION ALL '.join(sql)}) AS search"
            f" ORDER BY {order} LIMIT {stop - start} OFFSET {start}"
        )
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return [row[0] for row in cursor.fetchall()]

    def __getitem__(self, k: Any) -> Any:
        if (
            not isinstance(k, slice)
            or self._result_cache is not None
            or getattr(self, "_fields", None) is not None  # values() reads only what it names
            or not self.ordered
        ):
            return super().__getitem__(k)
        keys = self._search_keys(k) if self._search else None
        if keys is None and not self._late_rows:
            return super().__getitem__(k)
        if keys is None:
            reading, k = self._skipped(k)
            keys = list(reading.values_list("pk", flat=True)[k])  # values(): read the ordinary way
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
