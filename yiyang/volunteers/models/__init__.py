"""The volunteers module's models, one file per sub-domain."""

from yiyang.volunteers.models.activities import Activity, Participation
from yiyang.volunteers.models.bank import BankRule, LedgerCheckpoint, MonthEndCheck, TimeAccount, TimeMovement
from yiyang.volunteers.models.honours import HonourCampaign, Nomination
from yiyang.volunteers.models.pairs import MutualAidPair
from yiyang.volunteers.models.registry import Volunteer, VolunteerTeam, pack, unpack
from yiyang.volunteers.models.requests import HelpRequest
from yiyang.volunteers.models.service import ServiceRecord

__all__ = [
           "Activity",
           "BankRule",
           "HelpRequest",
           "HonourCampaign",
           "LedgerCheckpoint",
           "MonthEndCheck",
           "MutualAidPair",
           "Nomination",
           "Participation",
           "ServiceRecord",
           "TimeAccount",
           "TimeMovement",
           "Volunteer",
           "VolunteerTeam",
           "pack",
           "unpack",
]  # fmt: skip
