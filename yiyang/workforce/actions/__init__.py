"""The workforce's workflows, one module per sub-domain."""

from yiyang.workforce.actions.registry import careworker_leave, sync_service_worker
from yiyang.workforce.actions.subsidies import (
    BANK_PROGRAMME,
    bank_rows,
    roll_approve,
    roll_bank_file,
    roll_generate,
    roll_return,
    roll_review,
)
from yiyang.workforce.actions.training import class_finish, trainee_enrol, trainee_record

__all__ = [
    "BANK_PROGRAMME",
    "bank_rows",
    "careworker_leave",
    "class_finish",
    "roll_approve",
    "roll_bank_file",
    "roll_generate",
    "roll_return",
    "roll_review",
    "sync_service_worker",
    "trainee_enrol",
    "trainee_record",
]
