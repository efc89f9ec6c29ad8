"""What each role may do in home adaptation (where: area assignments, or contractor membership).

Communities take applications, survey homes and check the use months later; the street (and the
district) approves plans within the cap, assigns the contractor, accepts the works and pays. A
contractor's staff see only the projects assigned to their firm (``Project.scope_organisation``) and
record the works and their photos; they never approve, accept or pay.
"""

from __future__ import annotations

from yiyang.accounts.roles import Role, grant

_STREET = [Role.DISTRICT_ADMIN, Role.STREET_WORKER]
_OFFICE = [*_STREET, Role.COMMUNITY_WORKER]
_READERS = [*_OFFICE, Role.AUDITOR]

grant([*_READERS, Role.CONTRACTOR], ["adaptation.view_project", "adaptation.view_planline",
                                     "adaptation.view_photo", "adaptation.view_catalogueitem",
                                     "adaptation.view_contractor"])  # fmt: skip
grant(_READERS, ["adaptation.view_caprule", "adaptation.export_project"])
grant(_OFFICE, ["adaptation.add_project", "adaptation.survey_project", "adaptation.check_project",
                "adaptation.optout_project"])  # fmt: skip
grant(_STREET, ["adaptation.enrol_project", "adaptation.approve_project", "adaptation.accept_project",
                "adaptation.pay_project"])  # fmt: skip
grant([*_STREET, Role.CONTRACTOR], ["adaptation.works_project", "adaptation.add_photo"])
grant(_STREET, ["adaptation.add_contractor", "adaptation.change_contractor"])
grant(
    [Role.DISTRICT_ADMIN],
    [f"adaptation.{a}_{m}" for m in ("catalogueitem", "caprule") for a in ("add", "change")],
)
