"""Reads of the registry that are more than a filter."""

from __future__ import annotations

import re

from django.db.models import Q

from yiyang.core import crypto, search_tokens
from yiyang.core.cells import clean_text
from yiyang.core.idnumber import IdNumberError, normalize_id_text, parse_id_number
from yiyang.people.pinyin import could_be_pinyin

_LETTERS = re.compile(r"^[a-z]+$")
_DIGITS = re.compile(r"^\d+[xX]?$")


def elder_search_q(text: str) -> Q:
    """One search box for everything a worker might type.

    张三 / 张 → name prefix; zhangsan / zs → pinyin or initials prefix, in either reading of a
    polyphonic surname (单 shan / dan); 1234 or 123X → last digits of
    the ID number or phone; a full 18- or 15-digit ID number or an 11-digit mobile → exact look-up
    through the keyed hash (the clear values are encrypted and cannot be searched directly).
    Every branch is a prefix or equality match, so each is answered from an index.
    """
    term = (clean_text(search_tokens.reveal(text)) or "").replace(" ", "")
    if not term:
        return Q()
    lower = term.lower()
    if _LETTERS.match(lower):
        # Every reading of the surname finds the person (单 shan or dan): the other reading has its
        # own partial indexes, which the "not empty" condition lets the planner use.
        initials = Q(name_initials__startswith=lower) | (
            Q(name_initials_alt__startswith=lower) & ~Q(name_initials_alt="")
        )
        if not could_be_pinyin(lower):
            return initials  # no OR with the full-pinyin indexes, which cannot match
        return (
            initials
            | Q(name_pinyin__startswith=lower)
            | (Q(name_pinyin_alt__startswith=lower) & ~Q(name_pinyin_alt=""))
        )
    if _DIGITS.match(term):
        term = term.upper()
        if len(term) in (15, 18):
            try:
                value = parse_id_number(normalize_id_text(term)).value
            except IdNumberError:
                return Q(pk__in=[])
            return Q(id_number_hash__in=crypto.lookup_hashes(value))
        if len(term) == 11 and term.startswith("1"):
            return Q(phone_hash__in=crypto.lookup_hashes(term))
        if len(term) <= 4:
            return (
                Q(id_tail__endswith=term) | Q(phone_tail__endswith=term)
                if len(term) < 4
                else (Q(id_tail=term) | Q(phone_tail=term))
            )
        # 5–17 digits: the stored tail answers the last four, the rest cannot be matched blindly
        return Q(id_tail=term[-4:]) | Q(phone_tail=term[-4:])
    return Q(name__startswith=term)
