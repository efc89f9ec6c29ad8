"""Bring stored search keys up to :func:`yiyang.people.pinyin.name_keys`, set-based.

Until December 2026 an elder had one reading: compound surnames were read character by character
(尉迟恭 weichigong) and the everyday reading of a polyphonic surname (单 dan) was not stored. The
keys differ from today's only in the surname's syllables, so each row is corrected by swapping the
prefix of its stored pinyin and initials, in two ``UPDATE … FROM`` statements over a small
``VALUES`` table of surnames (one for single-character surnames, then one for compound ones),
joined by the name's first one or two characters: one pass over the table whatever its size, no
per-row Python. Rows whose stored prefix is not the old reading (already converted, or edited
since) are left alone, and a converted row is converted to itself, so running it again changes nothing.

The migration that adds the alternate columns (people 0008) runs it.
"""

from __future__ import annotations

from typing import Any

from yiyang.people.pinyin import COMPOUND_READINGS, POLYPHONIC_SURNAMES, SURNAME_READINGS, _char

#: Compound surnames that were read character by character before (the others were a surname and
#: the first character of the given name).
_COMPOUNDS_BEFORE = frozenset(
    [
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "钟离",
        "端木",
        "独孤",
        "南宫",
        "西门",
    ]
)


def _single_reading(ch: str) -> str:
    if ch in POLYPHONIC_SURNAMES:
        return POLYPHONIC_SURNAMES[ch][0]
    return SURNAME_READINGS.get(ch) or _char(ch)


def _old_reading(surname: str) -> list[str]:
    """The syllables the keys were written with before."""
    if surname in _COMPOUNDS_BEFORE:
        return [_char(ch) for ch in surname]
    return [_single_reading(surname[0]), *(_char(ch) for ch in surname[1:])]


def _prefixes(syllables: list[str] | tuple[str, ...]) -> tuple[str, str]:
    return "".join(syllables), "".join(s[0] for s in syllables if s)


Row = tuple[str, str, str, str, str, str, str]


def rows() -> list[Row]:
    """(surname, old pinyin, old initials, pinyin, initials, alternate pinyin, alternate initials)
    prefixes of every surname whose keys change."""
    table: list[Row] = []
    for ch, (reading, everyday) in POLYPHONIC_SURNAMES.items():
        table.append((ch, reading, reading[0], reading, reading[0], everyday, everyday[0]))
    for surname, syllables in COMPOUND_READINGS.items():
        old, new = _prefixes(_old_reading(surname)), _prefixes(syllables)
        by_character = [_char(ch) for ch in surname]
        alt = _prefixes(by_character) if by_character != list(syllables) else ("", "")
        if old != new or alt != ("", ""):
            table.append((surname, *old, *new, *alt))
    return table


_UPDATE = """
WITH v(surname, old_p, old_i, new_p, new_i, alt_p, alt_i) AS (VALUES {values})
UPDATE {table} SET
    name_pinyin = substr(v.new_p || substr({table}.name_pinyin, length(v.old_p) + 1), 1, 120),
    name_initials = substr(v.new_i || substr({table}.name_initials, length(v.old_i) + 1), 1, 20),
    name_pinyin_alt = CASE WHEN v.alt_p = '' THEN '' ELSE
        substr(v.alt_p || substr({table}.name_pinyin, length(v.old_p) + 1), 1, 120) END,
    name_initials_alt = CASE WHEN v.alt_i = '' THEN '' ELSE
        substr(v.alt_i || substr({table}.name_initials, length(v.old_i) + 1), 1, 20) END
FROM v
WHERE substr({table}.name, 1, {width}) = v.surname
  AND substr({table}.name_pinyin, 1, length(v.old_p)) = v.old_p
  AND substr({table}.name_initials, 1, length(v.old_i)) = v.old_i{also}
"""


def rebuild_name_keys(cursor: Any, table: str = "people_elder") -> int:
    """Convert the keys of every row still in the old form; returns the number of rows changed."""
    changed = 0
    for width in (1, 2):
        chosen = [row for row in rows() if len(row[0]) == width]
        if not chosen:
            continue
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(chosen))
        params = [value for row in chosen for value in row]
        also = ""
        if width == 1:  # a name under a compound surname is the compound statement's
            compounds = sorted(COMPOUND_READINGS)
            also = f"\n  AND substr({table}.name, 1, 2) NOT IN ({', '.join(['%s'] * len(compounds))})"
            params += compounds
        cursor.execute(_UPDATE.format(values=values, table=table, width=width, also=also), params)
        changed += max(cursor.rowcount, 0)
    return changed
