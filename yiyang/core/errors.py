"""Validation errors as people read them: several messages on one line, in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import pgettext


def error_text(error: ValidationError | Iterable[str]) -> str:
    """The messages of ``error`` (or a list of messages) joined into one line."""
    messages = error.messages if isinstance(error, ValidationError) else error
    # Translators: separator between several error messages shown on one line.
    return pgettext("list separator", "；").join(str(m) for m in messages)
