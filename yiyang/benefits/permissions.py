"""What each role may do with allowances (where is decided by area assignments).

Streets generate and review their rolls, keep bank accounts, certify, suspend and record
repayments; the district approves, publishes, exports the bank file, changes rates and waives
recoveries. Auditors read everything and change nothing.
"""

from yiyang.accounts.roles import Role, grant

_READ = [
    "benefits.view_programme",
    "benefits.view_raterule",
    "benefits.view_paymentroll",
    "benefits.view_rollline",
    "benefits.view_elderbankaccount",
    "benefits.view_qualificationcheck",
    "benefits.view_suspension",
    "benefits.view_budget",
    "benefits.view_lifeeventbatch",
    "benefits.view_lifeeventrow",
    "benefits.view_recovery",
    "benefits.view_centralisedsupport",
]
_STREET = [
    "benefits.add_paymentroll",
    "benefits.change_paymentroll",
    "benefits.review_paymentroll",
    "benefits.add_elderbankaccount",
    "benefits.change_elderbankaccount",
    "benefits.add_qualificationcheck",
    "benefits.add_suspension",
    "benefits.change_suspension",
    "benefits.add_lifeeventbatch",
    "benefits.change_lifeeventbatch",
    "benefits.change_recovery",
    "benefits.import_certification",
]
_DISTRICT = [
    "benefits.approve_paymentroll",
    "benefits.publish_paymentroll",
    "benefits.export_paymentroll",
    "benefits.add_raterule",
    "benefits.change_raterule",
    "benefits.change_programme",
    "benefits.add_budget",
    "benefits.change_budget",
    "benefits.waive_recovery",
]

grant([Role.DISTRICT_ADMIN, Role.STREET_WORKER, Role.AUDITOR], _READ)
grant([Role.DISTRICT_ADMIN, Role.STREET_WORKER], _STREET)
grant([Role.DISTRICT_ADMIN], _DISTRICT)
# Community and grid workers certify at home visits and keep bank accounts of their elders.
grant(
    [Role.COMMUNITY_WORKER],
    [
        "benefits.view_programme",
        "benefits.view_rollline",
        "benefits.view_elderbankaccount",
        "benefits.add_elderbankaccount",
        "benefits.change_elderbankaccount",
        "benefits.view_qualificationcheck",
        "benefits.add_qualificationcheck",
        "benefits.view_suspension",
    ],
)
