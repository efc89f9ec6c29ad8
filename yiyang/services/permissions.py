"""What each role may do in the service chain (where is decided by areas, or by provider membership)."""

from yiyang.accounts.roles import Role, grant

_REFERENCE = ["serviceitem", "provider", "serviceagreement", "servicepoint", "worker", "responserule"]
_AREA_BOUND = ["workorder", "visit", "serviceexception", "visitrating", "returncall", "recurringplan"]

_OFFICE = [Role.DISTRICT_ADMIN, Role.STREET_WORKER, Role.COMMUNITY_WORKER, Role.HOTLINE_OPERATOR]

# Reading: every office role and the auditor; provider staff read their own organisation's rows.
grant([*_OFFICE, Role.AUDITOR, Role.PROVIDER_STAFF], [f"services.view_{m}" for m in _REFERENCE + _AREA_BOUND])
grant([*_OFFICE, Role.AUDITOR], ["services.view_entitlement", "services.view_settlement"])
grant([Role.PROVIDER_STAFF], ["services.view_settlement"])

# The catalogue, providers and agreements are the district's business.
grant([Role.DISTRICT_ADMIN], [f"services.{a}_{m}" for m in _REFERENCE for a in ("add", "change", "delete")])
# Providers keep their own workers. Their staff accounts are the ones a provider may take on.
grant([Role.PROVIDER_STAFF], ["services.add_worker", "services.change_worker", "services.join_provider"])

# Intake and dispatch: the hotline and the community desk.
grant(_OFFICE, ["services.add_workorder", "services.change_workorder", "services.export_workorder"])
# Dispatching and cancelling are the dispatcher's decisions; a provider accepts or rejects instead.
grant(_OFFICE, ["services.dispatch_workorder"])
grant(_OFFICE, ["services.add_recurringplan", "services.change_recurringplan"])
grant(_OFFICE, ["services.change_serviceexception", "services.add_returncall", "services.change_returncall"])
grant(
    [Role.DISTRICT_ADMIN, Role.STREET_WORKER, Role.COMMUNITY_WORKER],
    ["services.add_entitlement", "services.change_entitlement"],
)
grant(_OFFICE, ["services.add_visitrating"])

# Providers accept or reject orders, staff them, and report visits.
grant([Role.PROVIDER_STAFF], ["services.change_workorder", "services.add_visit", "services.change_visit"])
grant([Role.PROVIDER_STAFF, *_OFFICE], ["services.add_visitrating"])

# Settlement: generated and approved by the district, reviewed by the street.
grant([Role.DISTRICT_ADMIN], ["services.add_settlement", "services.approve_settlement"])
grant([Role.DISTRICT_ADMIN, Role.STREET_WORKER], ["services.review_settlement", "services.export_settlement"])
grant([Role.AUDITOR], ["services.export_settlement"])

# Provider staff read the elders their orders concern: the permission here, the rows through
# WorkOrder.scope_shares (they have no area, so nothing else is visible).
grant([Role.PROVIDER_STAFF], ["people.view_elder"])
