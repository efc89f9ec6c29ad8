"""What each role may do with assessments (where is decided by area assignments).

Assessments carry health information, so the hotline does not read them; auditors read, never write.
"""

from yiyang.accounts.roles import Role, grant

STAFF = [Role.DISTRICT_ADMIN, Role.STREET_WORKER, Role.COMMUNITY_WORKER]

grant([*STAFF, Role.AUDITOR], ["assessments.view_assessment", "assessments.view_scoringconfig"])
grant(
    STAFF,
    [
        "assessments.add_assessment",
        "assessments.change_assessment",
        "assessments.confirm_assessment",
        "assessments.print_assessment",
        "assessments.export_assessment",
    ],
)
grant([Role.DISTRICT_ADMIN, Role.STREET_WORKER], ["assessments.void_assessment"])
# The scoring rules are the bureau's decision.
grant([Role.DISTRICT_ADMIN], ["assessments.add_scoringconfig", "assessments.change_scoringconfig"])
