"""What the adaptation actions share: the audit of a step and the refusal of a wrong state."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from yiyang.adaptation.choices import Status
from yiyang.adaptation.models import Project
from yiyang.core import audit
from yiyang.core.models import AuditEntry

WORKFLOW = AuditEntry.Action.WORKFLOW


def record(project: Project, verb: str, message: str, actor: Any, before: Any = None) -> None:
    audit.record_change(
        actor=actor,
        obj=project,
        action=WORKFLOW,
        verb=f"project.{verb}",
        before=before,
        after=audit.snapshot(project) if before is not None else None,
        message=message,
    )


def expect(project: Project, *states: str) -> None:
    """Refuse the step unless the project is in one of ``states``, saying where it stands."""
    if project.status not in states:
        raise ValidationError(
            _("该项目当前状态为“%(status)s”，不能进行此操作") % {"status": Status(project.status).label}
        )
