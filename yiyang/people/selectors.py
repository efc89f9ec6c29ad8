"""Reads of the registry that are more than a filter."""

from __future__ import annotations

import operator
import re
from functools import reduce
from typing import Any, NamedTuple, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from yiyang.core import crypto, search_tokens
from yiyang.core.cells import clean_text
from yiyang.core.errors import error_text
from yiyang.core.idnumber import IdNumberError, normalize_id_text, parse_id_number
from yiyang.people import counts
from yiyang.people.pinyin import could_be_pinyin

_LETTERS = re.compile(r"^[a-z]+$")
_DIGITS = re.compile(r"^\d+[xX]?$")
SHORT_DIGITS = _("数字请输入身份证号或手机号的后 4 位（或完整号码）")


class SearchBranch(NamedTuple):
    """One way a term can match: the condition, and the field it matched on (the results' first
    sort key: ``ws`` lists 王松 before 王淑英, each group by full pinyin; None for an equality,
    whose matches share the key and are listed by full pinyin alone)."""

    q: Q
    key: str | None


def elder_search_q(text: str) -> Q:
    """One search box for everything a worker might type (see :func:`elder_search_branches`)."""
    branches = elder_search_branches(text)
    if branches is None:
        return Q()
    if not branches:
        return Q(pk__in=[])
    return reduce(operator.or_, (b.q for b in branches))


Q_ = TypeVar("Q_", bound=QuerySet[Any])


def elder_search(qs: Q_, text: str) -> Q_:
    """``qs`` narrowed to the elders ``text`` finds, best matches first: by the field matched
    (``ws`` finds initials ws before wsy), then by full pinyin. The first page and the count are
    read from the indexes, never by sorting or counting the matches' rows
    (``core.pagination.LateRowsQuerySet.search``)."""
    branches = elder_search_branches(text)
    if branches is None:
        return qs
    return qs.search(branches, then=("name_pinyin",))  # type: ignore[attr-defined]


def elder_search_branches(text: str) -> list[SearchBranch] | None:
    """The ways ``text`` matches an elder, each answered by an index of its own (None: no term).

    张三 / 张 → name prefix; zhangsan / zs → pinyin or initials prefix, in either reading of a
    polyphonic surname (单 shan / dan); 1234 or 123X → last digits of the ID number or phone (fewer
    digits find nothing: :func:`validate_search_term` refuses them); a full 18- or 15-digit ID number
    or an 11-digit mobile → exact look-up through the keyed hash (the clear values are encrypted and
    cannot be searched directly).
    Every branch is a prefix or equality match on the leading column of a
    :class:`~yiyang.core.indexes.ByteOrderIndex` that also carries the scope, the status and the
    sort columns, so the first page is read in order from the indexes and nothing is sorted
    (``ElderQuerySet.search``).
    """
    term = _term(text)
    if not term:
        return None
    lower = term.lower()
    if _LETTERS.match(lower):
        # Every reading of the surname finds the person (单 shan or dan): the other reading has its
        # own partial indexes, which the "not empty" condition lets the planner use.
        branches = [
            SearchBranch(Q(name_initials__startswith=lower), "name_initials"),
            SearchBranch(
                Q(name_initials_alt__startswith=lower) & ~Q(name_initials_alt=""), "name_initials_alt"
            ),
        ]
        if not _searches_pinyin(lower):
            return branches  # no OR with the full-pinyin indexes, which would add nobody
        return [
            *branches,
            SearchBranch(Q(name_pinyin__startswith=lower), "name_pinyin"),
            SearchBranch(Q(name_pinyin_alt__startswith=lower) & ~Q(name_pinyin_alt=""), "name_pinyin_alt"),
        ]
    if _DIGITS.match(term):
        term = term.upper()
        if _too_few_digits(term):
            return []  # refused by validate_search_term: the list says why
        if len(term) in (15, 18):
            try:
                value = parse_id_number(normalize_id_text(term)).value
            except IdNumberError:
                return []
            return [SearchBranch(Q(id_number_hash__in=crypto.lookup_hashes(value)), None)]
        if len(term) == 11 and term.startswith("1"):
            return [SearchBranch(Q(phone_hash__in=crypto.lookup_hashes(term)), None)]
        # 4–17 digits: the stored tail answers the last four, the rest cannot be matched blindly
        return [
            SearchBranch(Q(id_tail=term[-4:]), None),
            SearchBranch(Q(phone_tail=term[-4:]), None),
        ]
    return [SearchBranch(Q(name__startswith=term), "name")]


def validate_search_term(text: str) -> None:
    """Fewer than four digits are refused with a reason: the registry holds the last four of the ID
    number and phone for searching (the rest is encrypted), and "1" would read a tenth of the city."""
    if _too_few_digits(_term(text)):
        raise ValidationError(SHORT_DIGITS, code="short_digits")


def _too_few_digits(term: str) -> bool:
    return bool(_DIGITS.match(term)) and len(term) < 4


def search_term_valid(request: HttpRequest, text: str) -> bool:
    """For a page that searches elders outside a filter form: False, and the reason shown, for a
    term :func:`validate_search_term` refuses."""
    try:
        validate_search_term(text)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return False
    return True


def _searches_pinyin(letters: str) -> bool:
    """Whether a letter term searches the full pinyin as well as the initials: not when it cannot
    begin any pinyin ("zs"), nor when it is one letter, which begins the pinyin exactly when it begins
    the initials (both start with the first syllable's first letter), so that the pinyin's branch
    would scan every such elder to add none."""
    return len(letters) > 1 and could_be_pinyin(letters)


def _term(text: str) -> str:
    return (clean_text(search_tokens.reveal(text)) or "").replace(" ", "")


def elder_search_count_key(text: str) -> tuple[str, str] | None:
    """The kept count (``people.counts`` facet and value) that holds how many elders ``text``
    finds, for a term broad enough to need one; None: count the matches. It follows
    :func:`elder_search_branches`: a letter term that could be pinyin searches the pinyin and the
    initials, one that cannot the initials alone; a single Chinese character, the names."""
    term = _term(text)
    lower = term.lower()
    if _LETTERS.match(lower):
        if _searches_pinyin(lower):
            return ("name", lower) if len(lower) <= counts.SEARCH_PREFIX else None
        return ("initials", lower) if len(lower) <= counts.SEARCH_INITIALS else None
    if len(term) == 1 and ord(term) > 127:
        return ("first", term)
    return None
