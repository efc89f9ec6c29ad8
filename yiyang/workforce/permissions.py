"""What each role may do with the care workforce (where: area assignments, or employer membership).

An employer's staff (服务商人员, 养老机构人员, and a canteen's operator staff, 部门单位人员) keep their
own workers and certificates and see their trainings and subsidy lines; streets and the district keep
every worker of their areas, run the classes, and generate, review and approve the subsidy rolls.
"""

from __future__ import annotations

from yiyang.accounts.roles import Role, grant

_OFFICE = [Role.DISTRICT_ADMIN, Role.STREET_WORKER, Role.COMMUNITY_WORKER]
_READERS = [*_OFFICE, Role.AUDITOR]
_EMPLOYERS = [Role.PROVIDER_STAFF, Role.INSTITUTION_STAFF, Role.PARTNER_STAFF]

grant([*_READERS, *_EMPLOYERS], ["workforce.view_careworker", "workforce.view_certificate",
                                 "workforce.view_trainee", "workforce.view_trainingclass",
                                 "workforce.view_postsubsidyline"])  # fmt: skip
grant([*_OFFICE, *_EMPLOYERS], ["workforce.add_careworker", "workforce.change_careworker",
                                "workforce.leave_careworker", "workforce.add_certificate",
                                "workforce.change_certificate", "workforce.export_careworker",
                                "workforce.import_careworker"])  # fmt: skip
grant([Role.AUDITOR], ["workforce.export_careworker"])

# Classes are the street's and the district's; the plan is the district's.
grant([Role.DISTRICT_ADMIN, Role.STREET_WORKER], ["workforce.add_trainingclass", "workforce.change_trainingclass",
                                                  "workforce.finish_trainingclass"])  # fmt: skip
grant([*_READERS], ["workforce.export_trainingclass", "workforce.view_trainingplanrule"])
grant([Role.DISTRICT_ADMIN], ["workforce.add_trainingplanrule", "workforce.change_trainingplanrule"])

# Subsidies: the district sets the rules and approves; a street generates and reviews its own roll.
grant([*_READERS], ["workforce.view_postsubsidyrule", "workforce.view_postsubsidyroll"])
grant([Role.DISTRICT_ADMIN], ["workforce.add_postsubsidyrule", "workforce.change_postsubsidyrule",
                              "workforce.approve_postsubsidyroll", "workforce.export_postsubsidyroll"])  # fmt: skip
grant(
    [Role.DISTRICT_ADMIN, Role.STREET_WORKER],
    ["workforce.add_postsubsidyroll", "workforce.review_postsubsidyroll"],
)
