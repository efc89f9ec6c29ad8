"""Who may see who complained: the one rule, used by pages, API and exports alike.

Offices that handle complaints (granted ``complaints.identify_case``) see the complainant. The unit a
case is assigned to through membership — a provider's staff — sees the complaint, never who made
it, unless the complainant agreed (``consent_disclose``): people must be able to complain about the
provider that serves them without fearing for the service.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from yiyang.complaints.models import Case

IDENTIFY = "complaints.identify_case"


def identity_visible(user: Any, case: Case) -> bool:
    return bool(case.consent_disclose or (user is not None and user.has_perm(IDENTIFY)))


def complainant_name(user: Any, case: Case) -> str:
    return case.complainant_name if identity_visible(user, case) else _("（诉求人信息已保护）")


def complainant_phone(user: Any, case: Case) -> str:
    """The masked phone to those who may see the complainant; nothing to the others."""
    return case.complainant_phone_masked if identity_visible(user, case) else ""


def relation_label(user: Any, case: Case) -> str:
    return case.get_relation_display() if identity_visible(user, case) else ""
