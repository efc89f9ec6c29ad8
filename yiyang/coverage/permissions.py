"""Who may read the service circle and plan sites (where is decided by area assignments)."""

from yiyang.accounts.roles import Role, grant

grant(
    [Role.DISTRICT_ADMIN, Role.STREET_WORKER, Role.COMMUNITY_WORKER, Role.HOTLINE_OPERATOR, Role.AUDITOR],
    ["coverage.view_coverageresult"],
)
grant(
    [Role.DISTRICT_ADMIN, Role.STREET_WORKER, Role.AUDITOR],
    ["coverage.view_siteproposal", "coverage.export_siteproposal"],
)
grant([Role.DISTRICT_ADMIN, Role.STREET_WORKER], ["coverage.add_siteproposal"])
