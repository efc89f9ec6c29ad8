"""Card numbers: 证号 = the community's 12-digit area code + a six-digit sequence within it.

:func:`reserve` takes ``count`` numbers for one community by one ``UPDATE … SET last_number =
last_number + count`` on the community's :class:`CardSequence` row. The update locks the row until the
issuing transaction ends, so concurrent issuers in one community queue on it and never share a
number; ``Card.number`` is unique besides.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F

from yiyang.cards.models import CardSequence

SEQUENCE_DIGITS = 6
COMMUNITY_PATH_LENGTH = 12


def prefix_of(area_path: str) -> str:
    """The community a path lies in (a grid's path is its community's plus three digits)."""
    return area_path[:COMMUNITY_PATH_LENGTH]


def format_number(prefix: str, sequence: int) -> str:
    return f"{prefix}{sequence:0{SEQUENCE_DIGITS}d}"


def reserve(prefix: str, count: int = 1) -> int:
    """The first of ``count`` fresh sequence numbers for ``prefix``; call inside the transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("reserve() must run inside the issuing transaction")
    CardSequence.objects.bulk_create([CardSequence(prefix=prefix)], ignore_conflicts=True)
    CardSequence.objects.filter(prefix=prefix).update(last_number=F("last_number") + count)
    last = CardSequence.objects.filter(prefix=prefix).values_list("last_number", flat=True).get()
    return int(last) - count + 1
