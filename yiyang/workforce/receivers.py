"""Services' dispatch workers stay the registry's people: a worker saved there is made (or kept) one."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from yiyang.services.models import Worker
from yiyang.workforce.actions import sync_service_worker


def _worker_saved(sender: type[Worker], instance: Worker, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        sync_service_worker(instance)


post_save.connect(_worker_saved, sender=Worker, dispatch_uid="workforce.worker_saved")
