"""Who does what with 优待证 and 银龄安康 (where: the user's areas).

Communities and streets issue cards and keep the insurance lists of their elders; the district sets
the rules, generates and imports the year's lists and records the insurer's claim decisions with the
streets; auditors read everything. Organisation staff (providers, homes …) are granted nothing here.
"""

from __future__ import annotations

from yiyang.accounts.roles import Role, grant

_OFFICE = [Role.DISTRICT_ADMIN, Role.STREET_WORKER, Role.COMMUNITY_WORKER]
_READERS = [*_OFFICE, Role.AUDITOR]

grant(_READERS, ["cards.view_card", "cards.export_card", "cards.print_card"])
grant(_OFFICE, ["cards.issue_card"])
grant(_READERS, ["cards.view_cardrule", "cards.view_insurancerule"])
grant(
    [Role.DISTRICT_ADMIN],
    [f"cards.{a}_{m}" for m in ("cardrule", "insurancerule") for a in ("add", "change")],
)

grant(_READERS, ["cards.view_enrolment", "cards.export_enrolment", "cards.view_claim", "cards.export_claim"])
grant([Role.DISTRICT_ADMIN, Role.STREET_WORKER], ["cards.add_enrolment", "cards.import_enrolment"])
grant(_OFFICE, ["cards.add_claim", "cards.change_claim"])
