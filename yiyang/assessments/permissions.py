"""What each role may do with assessments (where is decided by area assignments).

Assessments carry health information, so the hotline does not read them; auditors read, never write.
"""

from typing import Any

from django.db.models import Q

from yiyang.accounts.roles import Role, grant
from yiyang.assessments.models import ScoringConfig
from yiyang.core.scoping import register_scope_extension, user_area_paths

STAFF = [Role.DISTRICT_ADMIN, Role.STREET_WORKER, Role.COMMUNITY_WORKER]

grant([*STAFF, Role.AUDITOR], ["assessments.view_assessment", "assessments.view_scoringconfig"])
grant(
    STAFF,
    [
        "assessments.add_assessment",
        "assessments.change_assessment",
        "assessments.confirm_assessment",
        "assessments.print_assessment",
        "assessments.export_assessment",
    ],
)
grant([Role.DISTRICT_ADMIN, Role.STREET_WORKER], ["assessments.void_assessment"])
# The scoring rules are the bureau's decision.
grant([Role.DISTRICT_ADMIN], ["assessments.add_scoringconfig", "assessments.change_scoringconfig"])


def _rules_above(user: Any) -> Q | None:
    """A community or street worker reads the rules of the district above them (which apply to them);
    only those who may edit rules are confined to their own subtree, so they never edit a higher one."""
    if not getattr(user, "is_authenticated", False) or user.has_perm("assessments.change_scoringconfig"):
        return None
    prefixes = {path[:i] for path in user_area_paths(user) for i in range(2, len(path))}
    return Q(area_path__in=sorted(prefixes)) if prefixes else None


register_scope_extension(ScoringConfig, _rules_above)
