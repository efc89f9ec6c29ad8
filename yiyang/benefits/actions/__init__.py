"""Writes for allowances, one module per sub-domain; each action is atomic, checks permission and
scope, and audits itself.

``generation`` (rates, rolls, exclusions, adjustments), ``approval`` (re-check, street review,
approval, publication), ``eligibility`` (bank accounts, qualification checks, suspensions) and
``stops`` (death and moving away: the stop of payment, life-event lists, recoveries). Callers use
the names below.
"""

from yiyang.benefits.actions.approval import (
    BudgetExceeded,
    StreetReviewResult,
    budget_status,
    payment_roll_approve,
    payment_roll_publish,
    payment_roll_recheck,
    payment_roll_review,
    payment_roll_review_streets,
)
from yiyang.benefits.actions.eligibility import (
    QUALIFICATION_MONTHS,
    bank_account_save,
    qualification_certify,
    qualification_suspend_overdue,
    suspension_create,
    suspension_resume,
)
from yiyang.benefits.actions.generation import (
    month_paid,
    payment_roll_generate,
    rate_change,
    roll_adjustment_add,
    roll_adjustment_delete,
    roll_line_exclude,
)
from yiyang.benefits.actions.stops import (
    life_event_batch_apply,
    life_event_row_decide,
    overpayments,
    recovery_compute,
    recovery_decide_waiver,
    recovery_repay,
    recovery_request_waiver,
)
from yiyang.benefits.actions.support import (
    centralised_support_end,
    centralised_support_start,
)

__all__ = [
    "QUALIFICATION_MONTHS",
    "BudgetExceeded",
    "StreetReviewResult",
    "bank_account_save",
    "budget_status",
    "centralised_support_end",
    "centralised_support_start",
    "life_event_batch_apply",
    "life_event_row_decide",
    "month_paid",
    "overpayments",
    "payment_roll_approve",
    "payment_roll_generate",
    "payment_roll_publish",
    "payment_roll_recheck",
    "payment_roll_review",
    "payment_roll_review_streets",
    "qualification_certify",
    "qualification_suspend_overdue",
    "rate_change",
    "recovery_compute",
    "recovery_decide_waiver",
    "recovery_repay",
    "recovery_request_waiver",
    "roll_adjustment_add",
    "roll_adjustment_delete",
    "roll_line_exclude",
    "suspension_create",
    "suspension_resume",
]
