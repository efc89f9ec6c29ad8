"""What each role may do with institutional care (where: area assignments, or membership of a home).

A home's staff (养老机构人员) are members of the home (``core.Membership``): its ``scope_organisation``
lets them see that home and its beds, policies and residents — nothing of another home, and no
registry beyond the elders who live there. The district and the streets supervise the homes in their
areas.
"""

from __future__ import annotations

from yiyang.accounts.roles import Role, grant

_READERS = [Role.DISTRICT_ADMIN, Role.STREET_WORKER, Role.COMMUNITY_WORKER, Role.AUDITOR]
_SUPERVISORS = [Role.DISTRICT_ADMIN, Role.STREET_WORKER]
_STAFF = [Role.INSTITUTION_STAFF]

grant(
    [*_READERS, *_STAFF],
    ["institutions.view_institution", "institutions.view_insurancepolicy", "institutions.view_bed"],
)
grant(_SUPERVISORS, ["institutions.add_institution", "institutions.change_institution"])
grant(
    [*_SUPERVISORS, *_STAFF],
    [
        "institutions.add_insurancepolicy",
        "institutions.change_insurancepolicy",
        "institutions.add_bed",
        "institutions.change_bed",
        "institutions.import_bed",
    ],
)
grant(
    [*_SUPERVISORS, Role.AUDITOR, *_STAFF],
    ["institutions.export_institution", "institutions.export_bed"],
)
# The hotline picks the home a complaint is about from the register (name and address; nothing inside).
grant([Role.HOTLINE_OPERATOR], ["institutions.view_institution"])
# A home takes 养老机构人员 accounts onto its staff.
grant(_STAFF, ["institutions.join_institution"])

# Residents and their risk register: the home's staff for their home, the supervisors for their areas.
grant(
    [*_READERS, *_STAFF],
    ["institutions.view_resident", "institutions.view_riskassessment", "institutions.view_bedassignment"],
)
grant(
    [*_SUPERVISORS, *_STAFF],
    ["institutions.admit_resident", "institutions.add_riskassessment", "institutions.export_resident"],
)
grant([Role.AUDITOR], ["institutions.export_resident"])
grant([*_SUPERVISORS, Role.AUDITOR, *_STAFF], ["institutions.export_bedassignment"])
# The registry record of the elders living in the home (the stay shares it: ``Resident.scope_shares``),
# and the import pages' batch view for the bed-list import.
grant(_STAFF, ["people.view_elder", "core.view_importbatch"])

# GB 38600 safety: the home records incidents and rounds; supervisors read them.
grant([*_READERS, *_STAFF], ["institutions.view_incident", "institutions.view_roundlog"])
grant([*_SUPERVISORS, *_STAFF], ["institutions.add_incident", "institutions.export_incident"])
grant(_STAFF, ["institutions.add_roundlog", "institutions.change_roundlog"])
grant([Role.AUDITOR], ["institutions.export_incident"])
# Supervision: inspections and findings by the district and streets; the home reports rectification.
grant(
    [*_READERS, *_STAFF],
    [
        "institutions.view_inspection", "institutions.view_finding", "institutions.view_checklistitem",
        "institutions.view_starthreshold", "institutions.view_starassessment",
    ],
)  # fmt: skip
grant(
    _SUPERVISORS,
    ["institutions.add_inspection", "institutions.change_inspection", "institutions.supervise_inspection"],
)
grant([*_SUPERVISORS, *_STAFF], ["institutions.change_finding", "institutions.add_starassessment"])
# Rules as data and the star level itself: the district.
grant(
    [Role.DISTRICT_ADMIN],
    [
        "institutions.add_checklistitem", "institutions.change_checklistitem", "institutions.add_starthreshold",
        "institutions.change_starthreshold", "institutions.confirm_starassessment",
    ],
)  # fmt: skip
# Subsidies to homes: the rules for all; rolls computed by the streets and district, reviewed by a
# street (or the district), approved by the district; the homes see their own lines.
grant([*_READERS, *_STAFF], ["institutions.view_subsidyrule", "institutions.view_subsidyline"])
grant([Role.DISTRICT_ADMIN], ["institutions.add_subsidyrule", "institutions.change_subsidyrule"])
grant([*_SUPERVISORS, Role.AUDITOR], ["institutions.view_subsidyroll"])
grant(_SUPERVISORS, ["institutions.add_subsidyroll", "institutions.review_subsidyroll"])
grant([Role.DISTRICT_ADMIN], ["institutions.approve_subsidyroll"])
grant([Role.DISTRICT_ADMIN, Role.AUDITOR], ["institutions.export_subsidyroll"])
