"""GET /health/: what a load balancer and an operator ask — is this instance able to work?

Built on django-health-check: its database check, plus ours for the background queue (a job that
waits longer than ``HEALTH_QUEUE_MAX_WAIT_SECONDS`` means no worker runs: imports and printed documents
would never finish) and, where devices are in use (``HEALTH_CHECK_BROKER``), the MQTT broker the device
listeners subscribe to. Answers 200 when all pass, 500 otherwise; JSON with ``?format=json`` or
``Accept: application/json``. It says nothing about any person, so it needs no login.
"""

from __future__ import annotations

import dataclasses
import datetime
import socket
from typing import Any

from django.conf import settings
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.checks import Database
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    """No job has waited in the database queue longer than the setting allows."""

    def run(self) -> None:
        from django_tasks_db.models import DBTaskResult

        limit = datetime.timedelta(seconds=settings.HEALTH_QUEUE_MAX_WAIT_SECONDS)
        oldest = (
            DBTaskResult.objects.ready()  # due to run now
            .order_by("enqueued_at")
            .values_list("enqueued_at", flat=True)
            .first()
        )
        if oldest is not None and timezone.now() - oldest > limit:
            waited = int((timezone.now() - oldest).total_seconds() // 60)
            raise ServiceUnavailable(f"a background job has waited {waited} min: is a worker running?")


@dataclasses.dataclass
class Broker(HealthCheck):
    """The MQTT broker accepts a connection (devices report through it)."""

    timeout = datetime.timedelta(seconds=3)

    def run(self) -> None:
        try:
            with socket.create_connection(
                (settings.SAFETY_MQTT_HOST, settings.SAFETY_MQTT_PORT), timeout=self.timeout.total_seconds()
            ):
                pass
        except OSError as exc:
            raise ServiceUnavailable("MQTT broker unreachable") from exc


def checks() -> list[Any]:
    found: list[Any] = [Database, TaskQueue]
    if settings.HEALTH_CHECK_BROKER:
        found.append(Broker)
    return found


class HealthView(HealthCheckView):
    def get_checks(self) -> Any:
        self.checks = checks()
        return super().get_checks()
