"""The workforce module's models, one file per sub-domain."""

from yiyang.workforce.models.registry import EMPLOYER_FIELDS, CareWorker, Certificate
from yiyang.workforce.models.subsidies import PostSubsidyLine, PostSubsidyRoll, PostSubsidyRule
from yiyang.workforce.models.training import Trainee, TrainingClass, TrainingPlanRule

__all__ = [
    "EMPLOYER_FIELDS",
    "CareWorker",
    "Certificate",
    "PostSubsidyLine",
    "PostSubsidyRoll",
    "PostSubsidyRule",
    "Trainee",
    "TrainingClass",
    "TrainingPlanRule",
]
