"""Writes of home adaptation: each action is atomic, guarded by ``require``, decides on the project's
locked row and audits. ``planning`` covers enrolment to assignment and opt-outs, ``works`` the works,
acceptance, payment and the use check."""

from yiyang.adaptation.actions.planning import (
    PlanItem,
    cap_for,
    contractor_add_member,
    project_apply,
    project_approve,
    project_assign,
    project_enrol_eligible,
    project_opt_out,
    project_survey,
)
from yiyang.adaptation.actions.works import (
    project_accept,
    project_add_photo,
    project_finish_works,
    project_pay,
    project_use_check,
)

__all__ = [
    "PlanItem",
    "cap_for",
    "contractor_add_member",
    "project_accept",
    "project_add_photo",
    "project_apply",
    "project_approve",
    "project_assign",
    "project_enrol_eligible",
    "project_finish_works",
    "project_opt_out",
    "project_pay",
    "project_survey",
    "project_use_check",
]
