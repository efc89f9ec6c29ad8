"""What each role may do with visits (where: area assignments).

The district edits the visit rules and generates the month's tasks; a street generates for its own
street and follows up overdue visits; community and grid workers (社区工作人员) visit on the phone.
"""

from __future__ import annotations

from yiyang.accounts.roles import Role, grant

_READERS = [Role.DISTRICT_ADMIN, Role.STREET_WORKER, Role.COMMUNITY_WORKER, Role.AUDITOR]
_MANAGERS = [Role.DISTRICT_ADMIN, Role.STREET_WORKER]

grant([*_READERS, Role.HOTLINE_OPERATOR], ["visits.view_visitrule"])
grant([Role.DISTRICT_ADMIN], ["visits.add_visitrule", "visits.change_visitrule"])
grant(_MANAGERS, ["visits.generate_visitrule"])
grant(_READERS, ["visits.view_visittask", "visits.view_visitrecord"])
grant([*_MANAGERS, Role.COMMUNITY_WORKER], ["visits.add_visittask", "visits.change_visittask"])
grant([Role.COMMUNITY_WORKER], ["visits.perform_visittask", "visits.add_visitrecord"])
grant(
    [*_MANAGERS, Role.COMMUNITY_WORKER, Role.AUDITOR],
    ["visits.export_visittask", "visits.export_visitrecord"],
)

# Holiday condolence campaigns: the district runs them; streets check duplicates and deliver with
# communities; departments (部门单位人员, members of a 慰问单位) register what they give and see only theirs.
_STAFF = [Role.DISTRICT_ADMIN, Role.STREET_WORKER, Role.COMMUNITY_WORKER]
grant([*_STAFF, Role.AUDITOR, Role.PARTNER_STAFF], ["visits.view_campaign", "visits.view_contributor",
                                                    "visits.view_contribution"])  # fmt: skip
grant([Role.DISTRICT_ADMIN], ["visits.add_campaign", "visits.change_campaign", "visits.add_contributor",
                              "visits.change_contributor", "visits.override_campaign"])  # fmt: skip
grant([*_STAFF, Role.AUDITOR], ["visits.view_recipient"])
grant(_STAFF, ["visits.change_recipient"])
grant([Role.DISTRICT_ADMIN, Role.PARTNER_STAFF], ["visits.add_contribution"])
grant(_MANAGERS, ["visits.resolve_contribution"])

# Needs surveys (摸底调查): the district writes the questionnaires; district and streets run rounds and
# review the registry changes answers propose; community workers answer on the phone.
grant([*_READERS], ["visits.view_surveytemplate", "visits.view_surveyquestion", "visits.view_surveyround",
                    "visits.view_surveyresponse", "visits.view_surveyanswer",
                    "visits.view_registryproposal"])  # fmt: skip
grant([Role.DISTRICT_ADMIN], ["visits.add_surveytemplate", "visits.change_surveytemplate",
                              "visits.add_surveyquestion", "visits.change_surveyquestion",
                              "visits.import_surveyquestion"])  # fmt: skip
grant(_MANAGERS, ["visits.add_surveyround", "visits.change_surveyround", "visits.review_registryproposal"])
grant([Role.COMMUNITY_WORKER], ["visits.answer_surveyresponse"])
grant([*_MANAGERS, Role.COMMUNITY_WORKER, Role.AUDITOR],
      ["visits.export_surveyresponse", "visits.export_surveyanswer"])  # fmt: skip

# Goods in store and allocated per street; cash paid by a bank file (full ID numbers: the district only).
grant([*_STAFF, Role.AUDITOR], ["visits.view_campaigngoods", "visits.view_goodsallocation"])
grant([Role.DISTRICT_ADMIN], ["visits.add_campaigngoods", "visits.change_campaigngoods",
                              "visits.add_goodsallocation", "visits.pay_campaign"])  # fmt: skip
grant(_STAFF, ["visits.change_goodsallocation"])
