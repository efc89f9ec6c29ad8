"""What each role may do with complaints and petitions (where: area assignments, or provider membership).

Offices take cases in, assign them, call back and export; the district and the streets approve
extensions. Provider staff see only the cases assigned to their provider (``Case.scope_organisation``)
and answer them; they are never granted ``identify_case``, so the complainant stays hidden from them
unless the complainant agreed.
"""

from __future__ import annotations

from yiyang.accounts.roles import Role, grant

_OFFICE = [Role.DISTRICT_ADMIN, Role.STREET_WORKER, Role.COMMUNITY_WORKER, Role.HOTLINE_OPERATOR]
_READERS = [*_OFFICE, Role.AUDITOR]

grant([*_READERS, Role.PROVIDER_STAFF], ["complaints.view_case", "complaints.view_caseevent"])
# The 办结率 counts: whoever reads the cases reads their counts (scoped the same way, by area or unit).
grant([*_READERS, Role.PROVIDER_STAFF], ["complaints.view_casetally"])
# A case registered in error (a duplicate call, a test entry) is removed by the district, before a reply.
grant([Role.DISTRICT_ADMIN], ["complaints.delete_case"])
grant(_READERS, ["complaints.identify_case", "complaints.export_case"])
grant([Role.PROVIDER_STAFF], ["complaints.export_case"])
grant(_OFFICE, ["complaints.add_case", "complaints.change_case", "complaints.assign_case"])
grant(_OFFICE, ["complaints.callback_case"])
grant([*_OFFICE, Role.PROVIDER_STAFF], ["complaints.reply_case"])
grant([Role.DISTRICT_ADMIN, Role.STREET_WORKER], ["complaints.approve_case"])
# The 12345 centre's sheets arrive at the district and the streets.
grant([Role.DISTRICT_ADMIN, Role.STREET_WORKER], ["complaints.import_case"])

# The rules: every office reads them, the district sets them.
grant([*_READERS], ["complaints.view_deadlinerule", "complaints.view_calendarday"])
grant(
    [Role.DISTRICT_ADMIN],
    [f"complaints.{a}_{m}" for m in ("deadlinerule", "calendarday") for a in ("add", "change", "delete")],
)

# Scorecards: the credit list is published to every office; a provider reads its own score and the
# events behind it; the district computes the month and sets the rules.
grant([*_READERS, Role.PROVIDER_STAFF], ["complaints.view_providerscore", "complaints.view_scorepoint"])
grant([*_READERS, Role.PROVIDER_STAFF], ["complaints.view_scorerule"])
grant(
    [Role.DISTRICT_ADMIN],
    ["complaints.compute_providerscore", "complaints.add_scorerule", "complaints.change_scorerule"],
)
# Homes' scorecards (computed in the same monthly run): the offices of the home's area and the
# auditor; a home's staff its own score and the events behind it (organisation scope).
grant(
    [*_READERS, Role.INSTITUTION_STAFF],
    [
        "complaints.view_institutionscore",
        "complaints.view_institutionscorepoint",
        "complaints.view_scorerule",
    ],
)

# Protective follow-up of neglect and abuse: the civil-affairs offices of the elder's area only — never
# the provider or institution complained about, nor the hotline that took the call.
_PROTECTION = [Role.DISTRICT_ADMIN, Role.STREET_WORKER, Role.COMMUNITY_WORKER]
grant([*_PROTECTION, Role.AUDITOR], ["complaints.view_protectivecase", "complaints.view_protectivestep"])
grant(_PROTECTION, ["complaints.add_protectivecase", "complaints.change_protectivecase"])
grant([*_PROTECTION, Role.AUDITOR], ["complaints.export_protectivecase"])

# Rights referrals (维权转介): the offices refer and record the progress reported back.
grant(_READERS, ["complaints.view_referral"])
grant(_OFFICE, ["complaints.add_referral", "complaints.change_referral"])
