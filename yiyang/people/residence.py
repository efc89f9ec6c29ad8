"""The dated history of an elder's status and 户籍 (``ResidencePeriod``), written here only.

Called by the registry's actions inside their transaction, on the elder's locked row. A change of
one fact (``status`` or ``hukou_local``) from a day splits the period covering that day and carries
the new value forward until the next recorded change of that same fact, so a late death list
(dated before a 户籍 change recorded meanwhile) and a corrected date both leave one consistent line
of periods. Neighbouring periods that say the same are merged.
"""

from __future__ import annotations

import datetime
from typing import Any

from yiyang.people.choices import ElderStatus
from yiyang.people.models import Elder, ResidencePeriod

DAY = datetime.timedelta(days=1)
LIVING = ElderStatus.LIVING.value


def periods(elder: Elder) -> list[ResidencePeriod]:
    return list(ResidencePeriod.objects.filter(elder=elder).order_by("valid_from"))


def ensure_baseline(
    elder: Elder, *, status: str, status_date: datetime.date | None, hukou_local: bool
) -> list[ResidencePeriod]:
    """The elder's periods; an elder without any gets them from the state before a first change
    (the elder row was the whole history until then)."""
    rows = periods(elder)
    if rows:
        return rows
    start = elder.birth_date
    if status != LIVING and status_date is not None and status_date > start:
        rows = [
            ResidencePeriod(
                elder=elder,
                status=LIVING,
                hukou_local=hukou_local,
                valid_from=start,
                valid_to=status_date - DAY,
            ),
            ResidencePeriod(elder=elder, status=status, hukou_local=hukou_local, valid_from=status_date),
        ]
    else:
        rows = [ResidencePeriod(elder=elder, status=status, hukou_local=hukou_local, valid_from=start)]
    for row in rows:
        row.source = "登记信息"
    return ResidencePeriod.objects.bulk_create(rows)


def change(elder: Elder, fact: str, value: Any, on: datetime.date, *, source: str, note: str) -> None:
    """From ``on``, ``fact`` (``status`` or ``hukou_local``) is ``value`` — until the next recorded
    change of that fact. The elder must have a baseline (``ensure_baseline``)."""
    rows = periods(elder)
    on = max(on, rows[0].valid_from)
    covering = next(r for r in rows if r.valid_from <= on and (r.valid_to is None or r.valid_to >= on))
    old = getattr(covering, fact)
    if old == value:
        return
    if covering.valid_from < on:
        new = ResidencePeriod(
            elder=elder,
            status=covering.status,
            hukou_local=covering.hukou_local,
            valid_from=on,
            valid_to=covering.valid_to,
        )
        covering.valid_to = on - DAY
        covering.save(update_fields=["valid_to", "updated_at"])
        covering = new
    setattr(covering, fact, value)
    covering.source, covering.note = source[:20], note[:200]
    covering.save()
    for row in rows:
        if row.valid_from <= on:
            continue
        if getattr(row, fact) != old:
            break  # a later recorded change of this fact stands
        setattr(row, fact, value)
        row.save(update_fields=[fact, "updated_at"])
    _merge(elder)


def _merge(elder: Elder) -> None:
    rows = periods(elder)
    keep = rows[0]
    for row in rows[1:]:
        if (row.status, row.hukou_local) == (keep.status, keep.hukou_local):
            keep.valid_to = row.valid_to
            row.delete()
            keep.save(update_fields=["valid_to", "updated_at"])
        else:
            keep = row


def record_status(
    elder: Elder,
    *,
    before: tuple[str, datetime.date | None, bool],
    status: str,
    on: datetime.date,
    source: str,
    note: str,
) -> None:
    """A status recorded from ``on``. A new record about the same event (a death recorded again with
    another date, a death taken back as a mistake) first undoes the earlier one from its date."""
    before_status, before_date, hukou = before
    ensure_baseline(elder, status=before_status, status_date=before_date, hukou_local=hukou)
    if before_status != LIVING and before_date is not None:
        correcting = (
            status == before_status  # the same event, another date
            or (status == LIVING and before_status == ElderStatus.DECEASED)  # a death taken back
            or (status != LIVING and on <= before_date)  # another event before the recorded one
        )
        if correcting:
            change(elder, "status", LIVING, before_date, source=source, note=note)
            if status == LIVING:
                return
    change(elder, "status", status, on, source=source, note=note)


def record_hukou(
    elder: Elder,
    *,
    before: tuple[str, datetime.date | None, bool],
    hukou_local: bool,
    on: datetime.date,
    source: str,
    note: str,
) -> None:
    """户籍迁入 (``hukou_local`` True) or 迁出 from ``on``."""
    before_status, before_date, before_hukou = before
    ensure_baseline(elder, status=before_status, status_date=before_date, hukou_local=before_hukou)
    change(elder, "hukou_local", hukou_local, on, source=source, note=note)


def present_in(elder: Elder, month: datetime.date, *, local_hukou: bool) -> bool:
    """Was the elder 在册 (and, if asked, 本区户籍) in ``month``, as payments count it: on any day
    of the month, where a death or move on day *d* still counts the month of *d* (its period ends on
    *d* − 1, and a period ending the day before the month began still reaches it)?

    The Python twin of ``benefits.rolls.present_sql``, for tests and single-elder screens."""
    first = month.replace(day=1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - DAY
    rows = periods(elder)
    if not rows:
        alive = elder.status == LIVING or (elder.status_date is not None and elder.status_date >= first)
        return alive and (elder.hukou_local or not local_hukou)
    return any(
        r.status == LIVING
        and (r.hukou_local or not local_hukou)
        and r.valid_from <= last
        and (r.valid_to is None or r.valid_to >= first - DAY)
        for r in rows
    )
