"""Complaints workflows (one module per sub-domain); import the actions from here."""

from yiyang.complaints.actions.deadlines import escalate_overdue, remind_due
from yiyang.complaints.actions.handling import (
    case_assign,
    case_close,
    case_extension_decide,
    case_extension_request,
    case_reply,
    case_return_call,
)
from yiyang.complaints.actions.intake import CaseData, case_create, case_delete
from yiyang.complaints.actions.protection import (
    escalate_overdue_steps,
    protection_close,
    protection_open,
    step_complete,
)
from yiyang.complaints.actions.referrals import referral_create, referral_update
from yiyang.complaints.actions.scoring import scorecards_compute

__all__ = [
    "CaseData",
    "case_assign",
    "case_close",
    "case_create",
    "case_delete",
    "case_extension_decide",
    "case_extension_request",
    "case_reply",
    "case_return_call",
    "escalate_overdue",
    "escalate_overdue_steps",
    "protection_close",
    "protection_open",
    "referral_create",
    "referral_update",
    "remind_due",
    "scorecards_compute",
    "step_complete",
]
