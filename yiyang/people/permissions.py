"""What each role may do with the registry (where is decided by area assignments)."""

from yiyang.accounts.roles import Role, grant

_READ = [
    "people.view_elder",
    "people.view_certification",
    "people.view_eldercontact",
    "people.view_elderstat",
    "people.view_residenceperiod",
]
_WRITE = [
    "people.add_elder",
    "people.change_elder",
    "people.add_certification",
    "people.change_certification",
    "people.delete_certification",
    "people.add_eldercontact",
    "people.change_eldercontact",
    "people.delete_eldercontact",
]

grant(
    [Role.DISTRICT_ADMIN, Role.STREET_WORKER, Role.COMMUNITY_WORKER, Role.HOTLINE_OPERATOR, Role.AUDITOR],
    _READ,
)
grant([Role.DISTRICT_ADMIN, Role.STREET_WORKER, Role.COMMUNITY_WORKER], _WRITE)
grant(
    [Role.DISTRICT_ADMIN, Role.STREET_WORKER, Role.COMMUNITY_WORKER],
    ["people.export_elder", "people.import_elder", "people.reveal_elder"],
)
# The hotline must read a caller's number back to them; auditors read everything, reveal nothing.
grant([Role.HOTLINE_OPERATOR], ["people.reveal_elder"])
grant([Role.DISTRICT_ADMIN], ["people.delete_elder"])
# Exports carry masked ID numbers and phones; the district office sends lists upward and to banks,
# so it may export them in clear, giving a reason that the access log keeps.
grant([Role.DISTRICT_ADMIN], ["people.export_clear_elder"])
