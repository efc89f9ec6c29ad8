"""The interface speaks the user's language; the records speak Chinese.

Source strings are Chinese and are the message ids, so the Chinese interface is exactly the text in
the code. Text saved to the database (audit reasons, notes written by the system) and the
spreadsheets the platform exchanges with the civil-affairs system stay Chinese whatever language the
person at the screen has chosen: they are records, read later by others.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.utils import translation


def stored(text: Any) -> str:
    """``text`` (a lazy translation or a choice label) in the records' language, for saving."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


@contextmanager
def records_language() -> Iterator[None]:
    """Run a block in the records' language: imports, exports for re-import, official documents."""
    with translation.override(settings.LANGUAGE_CODE):
        yield
