"""One statement with array parameters, sent to PostgreSQL the fast way.

Django's psycopg cursors bind parameters on the client: a batch's arrays of 500 values are quoted
into the SQL text by Python code, which costs more than the statement itself. The set-based writes
of ingestion (``ingest._store_events_pg``, ``rules._update_devices_pg``) go through a plain psycopg
cursor on the same connection (so inside the same transaction) with server-side binding; write
``%b`` for array parameters so that they travel in the binary format, unquoted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from django.db import connection


def execute(sql: str, params: Sequence[Any], *, returning: bool = False) -> list[tuple[Any, ...]]:
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, psycopg.Connection)
    with psycopg.Cursor(raw) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if returning else []
