"""Background jobs of the safety module (django-tasks; schedule them from cron or a worker loop)."""

from __future__ import annotations

from django_tasks import task

from yiyang.core.context import unit_of_work
from yiyang.safety import rules


@task()
def safety_check_inactivity() -> int:
    with unit_of_work():
        return rules.check_inactivity()


@task()
def safety_run_checks() -> dict[str, int]:
    """Escalation, inactivity, missed check-ins, silent and low-battery devices."""
    with unit_of_work():
        return rules.run_checks()
