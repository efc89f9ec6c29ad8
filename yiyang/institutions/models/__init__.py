"""Institutional care (机构养老): homes and beds, residents, GB 38600 safety, supervision, subsidies."""

from yiyang.institutions.models.facility import Bed, Building, Floor, Institution, InsurancePolicy, Room
from yiyang.institutions.models.residents import BedAssignment, Resident, RiskAssessment, RiskItem
from yiyang.institutions.models.safety import (
    ChecklistItem,
    Finding,
    Incident,
    Inspection,
    RoundLog,
    StarAssessment,
    StarThreshold,
)
from yiyang.institutions.models.subsidies import SubsidyLine, SubsidyRoll, SubsidyRule

__all__ = [
    "Bed",
    "BedAssignment",
    "Building",
    "ChecklistItem",
    "Finding",
    "Floor",
    "Incident",
    "Inspection",
    "Institution",
    "InsurancePolicy",
    "Resident",
    "RiskAssessment",
    "RiskItem",
    "Room",
    "RoundLog",
    "StarAssessment",
    "StarThreshold",
    "SubsidyLine",
    "SubsidyRoll",
    "SubsidyRule",
]  # fmt: skip
