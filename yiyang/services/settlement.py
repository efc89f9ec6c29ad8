"""Monthly service settlement (服务结算) in SQL: which visits are settled, at what price, against which quota.

The twin of ``benefits.rolls``: one ``INSERT … SELECT`` writes every new line whatever the volume,
and the actions in ``services.actions.settlements`` wrap it with locking, totals and audit.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection

from yiyang.core import sql
from yiyang.services.choices import ExceptionStatus
from yiyang.services.models import Visit

_PAID_BY_PROGRAMME = ("government", "low_cost")

# Eligible and not settled yet, as SQL on ``v`` (services_visit) and ``i`` (its item).
_ELIGIBLE = """
    v.verified = %(true)s AND v.service_date >= %(first)s AND v.service_date <= %(last)s
    AND i.payment_mode IN ('government', 'low_cost')
    AND NOT EXISTS (
        SELECT 1 FROM services_serviceexception x
        WHERE x.visit_id = v.id AND x.status IN ('open', 'confirmed')
    )
    AND NOT EXISTS (SELECT 1 FROM services_settlementline l WHERE l.visit_id = v.id)
"""

# The provider-and-street pairs that need a settlement (a hash aggregate, not the ORM's sort+unique).
PAIRS_SQL = f"""
SELECT v.provider_id, SUBSTR(v.area_path, 1, 9)
FROM services_visit v
JOIN services_serviceitem i ON i.id = v.item_id
WHERE {_ELIGIBLE} {{batch_filter}}
GROUP BY v.provider_id, SUBSTR(v.area_path, 1, 9)
"""

# One INSERT … SELECT writes every new line, so the per-visit work happens inside the database.
#
# ``batch`` is what this run settles: verified visits of the month for programme-paid items, without
# an open or confirmed exception, not settled yet, whose provider-and-street settlement still takes
# lines (draft or returned). The "not settled yet" probe belongs there, below the window's sort, so it
# is finished before the first line is written: placed after the window it probed the table being
# filled, and with that table's statistics still empty PostgreSQL planned a rescan of it per visit
# (quadratic: the 1M-visit benchmark ran for over 20 minutes).
#
# Each line is priced at the agreed price in force on the service date (a provider's agreements for
# one item must not overlap in time, or the duplicate visit breaks the one-line-per-visit constraint
# and nothing is written) and measured against the elder's monthly entitlement: what lines settled
# earlier in the month already took comes first (``settled``), then this batch in service order (a
# window per elder), so a late verification never reopens a quota that was paid out. Settled lines
# count at their full measure: while under the quota each was covered in full, and once the quota is
# reached, counting more changes nothing. The part inside the entitlement is paid by the programme
# less the elder's co-payment; the rest is borne by the elder.
#
# Lines are written in visit order: the unique visit index then grows at its right edge, and the
# visit foreign-key checks at commit walk the visit table in order instead of jumping about it.
# (INSERT … WITH … SELECT rather than WITH … INSERT: Python's sqlite3 reports no row count for the
# latter.)
_LINES_SQL = f"""
INSERT INTO services_settlementline
    (settlement_id, visit_id, elder_id, item_id, quantity, unit_price, gross, elder_share, payable)
WITH batch AS (
    SELECT v.id, v.elder_id, v.item_id, v.checkin_at, v.minutes, v.provider_id, v.service_date,
           i.unit AS unit, i.code AS code, s.id AS settlement_id
    FROM services_visit v
    JOIN services_serviceitem i ON i.id = v.item_id
    JOIN services_settlement s
      ON s.provider_id = v.provider_id AND s.month = %(first)s AND s.area_path = SUBSTR(v.area_path, 1, 9)
     AND s.status IN ('draft', 'returned')
    WHERE {_ELIGIBLE} {{batch_filter}}
), entitled AS (
    SELECT e.elder_id, e.monthly_quota AS quota, e.copay_rate AS copay, e.unit AS ent_unit
    FROM services_entitlement e
    WHERE e.valid_from <= %(last)s AND (e.valid_to IS NULL OR e.valid_to >= %(first)s)
), settled AS (
    SELECT l.elder_id,
           SUM(CASE WHEN en.ent_unit = 'hours' THEN COALESCE(sv.minutes, 0)
                    ELSE CAST(ROUND(l.gross * 100) AS INTEGER) END) AS used
    FROM services_settlementline l
    JOIN services_settlement ls ON ls.id = l.settlement_id AND ls.month = %(first)s
    JOIN entitled en ON en.elder_id = l.elder_id
    JOIN services_visit sv ON sv.id = l.visit_id
    GROUP BY l.elder_id
), agreed AS (
    SELECT a.provider_id, ii.code, ai.price, a.valid_from, a.valid_to
    FROM services_agreementitem ai
    JOIN services_serviceagreement a ON a.id = ai.agreement_id
    JOIN services_serviceitem ii ON ii.id = ai.item_id
), priced AS (
    SELECT b.id, b.elder_id, b.item_id, b.checkin_at, b.settlement_id, b.minutes, ag.price AS price,
           CASE WHEN b.unit = 'hour' THEN ROUND(COALESCE(b.minutes, 0) / 60.0, 2) ELSE 1 END AS quantity
    FROM batch b
    LEFT JOIN agreed ag
      ON ag.provider_id = b.provider_id AND ag.code = b.code
     AND ag.valid_from <= b.service_date AND (ag.valid_to IS NULL OR ag.valid_to >= b.service_date)
), grossed AS (
    SELECT p.*, ROUND(p.quantity * COALESCE(p.price, 0), 2) AS gross FROM priced p
), measured AS (
    -- Consumption in whole minutes or fen: integer running sums are exact and cheap (a visit's
    -- fen fit an INTEGER, and SUM of INTEGER is a BIGINT, so an elder's month cannot overflow).
    SELECT g.*, en.copay,
           CASE WHEN en.ent_unit = 'hours' THEN en.quota * 60 ELSE en.quota * 100 END AS quota_units,
           CASE WHEN en.ent_unit = 'hours' THEN COALESCE(g.minutes, 0)
                ELSE CAST(ROUND(g.gross * 100) AS INTEGER) END AS measure,
           COALESCE(st.used, 0) AS settled_used
    FROM grossed g
    LEFT JOIN entitled en ON en.elder_id = g.elder_id
    LEFT JOIN settled st ON st.elder_id = g.elder_id
), running AS (
    SELECT m.*,
           m.settled_used
             + SUM(m.measure) OVER (PARTITION BY m.elder_id ORDER BY m.checkin_at, m.id ROWS UNBOUNDED PRECEDING)
             - m.measure AS used_before
    FROM measured m
), shares AS (
    SELECT r.*,
           CASE
             WHEN r.quota_units IS NULL OR r.measure <= 0 THEN 0
             WHEN r.used_before >= r.quota_units THEN 0
             WHEN r.used_before + r.measure <= r.quota_units THEN 1
             ELSE (r.quota_units - r.used_before) * 1.0 / r.measure
           END AS covered
    FROM running r
)
SELECT sh.settlement_id, sh.id, sh.elder_id, sh.item_id, sh.quantity, COALESCE(sh.price, 0), sh.gross,
       sh.gross - ROUND(sh.gross * sh.covered * (1 - COALESCE(sh.copay, 1)), 2),
       ROUND(sh.gross * sh.covered * (1 - COALESCE(sh.copay, 1)), 2)
FROM shares sh
ORDER BY sh.id
"""


def prepare(*tables: str) -> None:
    """PostgreSQL, for this transaction only: fresh statistics for ``tables`` and sorts in memory.

    Settlements created a moment ago and a million lines written minutes ago are invisible to
    autovacuum's statistics; planned against stale ones, every join below becomes a nested loop of
    index probes (the SELECT took 1.6× as long in the million-visit benchmark).
    """
    sql.tune(work_mem="256MB")
    sql.analyze(*tables)


def insert_lines(first: datetime.date, last: datetime.date, batch_filter: str, extra: dict[str, Any]) -> int:
    """Run the one INSERT … SELECT; ``batch_filter`` narrows the batch (SQL on ``v``/``s``, named params)."""
    params: dict[str, Any] = {"true": True, "first": first, "last": last, **extra}
    prepare("services_settlement")
    with connection.cursor() as cursor:
        cursor.execute(_LINES_SQL.format(batch_filter=batch_filter), params)
        return int(cursor.rowcount)


def eligible_visits(first: datetime.date, last: datetime.date) -> Any:
    return Visit.objects.filter(
        verified=True,
        service_date__gte=first,
        service_date__lte=last,
        item__payment_mode__in=_PAID_BY_PROGRAMME,
        settlement_line__isnull=True,
    ).exclude(exceptions__status__in=[ExceptionStatus.OPEN, ExceptionStatus.CONFIRMED])
