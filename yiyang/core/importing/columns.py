"""Column specifications shared by the spreadsheet reader, validators and template writer."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["CELL_MAX_LENGTH", "ColumnSpec", "normalize_header"]

#: No cell of any import is longer than this: a name, an address, a note. A longer one (a pasted
#: document) is reported as a cell error instead of reaching a column that cannot hold it.
CELL_MAX_LENGTH = 500


@dataclass(frozen=True)
class ColumnSpec:
    field: str
    label: str
    synonyms: tuple[str, ...] = ()
    required: bool = False
    fill_merged: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()
    text_format: bool = False
    #: The longest text the column's field holds; None: :data:`CELL_MAX_LENGTH`.
    max_length: int | None = None

    @property
    def length_limit(self) -> int:
        return self.max_length or CELL_MAX_LENGTH

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical label followed by every accepted synonym."""
        return (self.label, *self.synonyms)


# NFKC has already turned full-width brackets and colons into ASCII by the time
# these run, so only the ASCII forms need to be listed.
_REQUIRED_MARK_RE = re.compile(r"\((?:必填|必填项|必须填写|必填字段|选填|可选|选填项)\)")
_WHITESPACE_RE = re.compile(r"\s+")


def normalize_header(text: str) -> str:
    """Reduce a header cell to the form used for matching.

    Applied to both the file's headers and the spec's labels/synonyms, so any
    cosmetic difference a community worker might introduce (full-width
    characters, padding spaces used for alignment, required-field markers,
    a trailing colon, a line break inside the cell) does not break matching.
    """
    text = unicodedata.normalize("NFKC", text)
    # Internal spaces too: headers such as "姓  名" are padded for alignment.
    text = _WHITESPACE_RE.sub("", text)
    text = text.replace("*", "")
    text = _REQUIRED_MARK_RE.sub("", text)
    text = text.rstrip(":")
    return text.casefold()
