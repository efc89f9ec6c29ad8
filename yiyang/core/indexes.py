"""Index types that are worth their keep only on PostgreSQL, declared once for both databases."""

from __future__ import annotations

import copy
from typing import Any

from django.db import models


class BlockRangeIndex(models.Index):
    """A BRIN index on PostgreSQL, a plain B-tree elsewhere.

    For a column whose rows are written in long runs of one value — the lines of a roll, written
    by one ``INSERT … SELECT`` — a BRIN index keeps the smallest and largest value per range of
    pages: a few kilobytes for millions of rows, and next to nothing to maintain while writing.
    A B-tree on the same column costs a search and a page edit per row (measured: a fifth of
    writing a two-million-elder roll). Ranges written since the last summary are always read,
    which is where the newest rows are; ``autosummarize`` lets autovacuum summarise them.
    """

    pages_per_range = 32

    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        if schema_editor.connection.vendor != "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        statement: Any = super().create_sql(model, schema_editor, using=" USING brin", **kwargs)
        with_params = f" WITH (pages_per_range = {self.pages_per_range}, autosummarize = on)"
        statement.parts["extra"] = with_params + str(statement.parts["extra"])
        return statement


class ByteOrder(models.Func):
    """A text value compared byte by byte: ``COLLATE "C"`` on PostgreSQL, the value itself on SQLite
    (whose default collation already is). Order by it to walk a :class:`ByteOrderIndex` in order."""

    template = "%(expressions)s"
    arity = 1

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, template='%(expressions)s COLLATE "C"', **extra)


class ByteOrderIndex(models.Index):
    """A B-tree whose text key columns sort byte by byte (``COLLATE "C"``) on PostgreSQL.

    Under any other collation, PostgreSQL answers ``LIKE 'ws%'`` only from a ``*_pattern_ops`` index,
    and such an index cannot give rows in ``ORDER BY`` order: a prefix search then reads and sorts
    every match to show the first fifty. A "C" column does both: the prefix is a range of the index
    and the rows come out in the order of :class:`ByteOrder` of the same columns, so ``LIMIT 50`` stops
    after fifty entries. Non-text key columns (the id) are left as they are, and so are the columns
    named in ``plain``: PostgreSQL compares ``=`` in the column's own collation and uses an index
    for it only in that collation (a column only ever compared for equality stays plain; its
    rows then come out in the order of the columns after it). Elsewhere a plain index.
    """

    def __init__(self, *args: Any, plain: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plain = tuple(plain)

    def deconstruct(self) -> Any:
        path, args, kwargs = super().deconstruct()
        if self.plain:
            kwargs["plain"] = self.plain
        return path, args, kwargs

    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        if schema_editor.connection.vendor != "postgresql" or self.opclasses or self.expressions:
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        text = (models.CharField, models.TextField)
        collated = [
            'COLLATE "C"' if isinstance(model._meta.get_field(name), text) and name not in self.plain else ""
            for name, _order in self.fields_orders
        ]
        statement = copy.copy(self)
        # IndexColumns writes each "opclass" after its column: here the collation, default opclass.
        statement.opclasses = collated
        return models.Index.create_sql(statement, model, schema_editor, using=using, **kwargs)
