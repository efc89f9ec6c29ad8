"""考评: the monthly provider scorecards, computed by the district (or the nightly job)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from yiyang.complaints.models import ProviderScore
from yiyang.complaints.scoring import ScoreRun, compute_month, month_start
from yiyang.core import audit
from yiyang.core.scoping import require


def scorecards_compute(*, month: datetime.date, actor: Any) -> ScoreRun:
    """Compute (or recompute) every provider's score for ``month``, replacing the month's previous run."""
    require(actor, "compute", ProviderScore)
    with transaction.atomic():
        run = compute_month(month_start(month))
        audit.record_bulk(
            actor=actor,
            object_type="complaints.providerscore",
            verb="providerscore.compute",
            area_path="",
            message=f"{run.month:%Y-%m} 服务商考评：{run.providers} 家，记分事件 {run.points} 条；"
            f"养老机构考评：{run.institutions} 家，记分事件 {run.institution_points} 条",
        )
    return run
