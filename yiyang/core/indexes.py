"""Index types that are worth their keep only on PostgreSQL, declared once for both databases."""

from __future__ import annotations

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
