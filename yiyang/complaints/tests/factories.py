"""Factories for complaints: a case in an area (optionally assigned to a provider), counted in the
办结率 cells as the intake action counts it."""

from __future__ import annotations

from typing import Any

from yiyang.areas.models import Area
from yiyang.complaints import tallies
from yiyang.complaints.choices import Status, UnitKind
from yiyang.complaints.models import Case, CaseEvent
from yiyang.core.testing import next_number
from yiyang.services.models import Provider


def make_case(area: Area, provider: Provider | None = None, **extra: Any) -> Case:
    n = next_number()
    defaults: dict[str, Any] = {
        "number": f"TS{n:012d}",
        "channel": "hotline",
        "category": "service",
        "title": f"投诉标题{n}",
        "content": "助洁服务未按约定上门",
        "area": area,
        "complainant_name": f"诉求人{n}",
        "relation": "family",
    }
    if provider is not None:
        defaults.update(status=Status.ASSIGNED, unit_kind=UnitKind.PROVIDER, unit_provider=provider,
                        unit_name=provider.name)  # fmt: skip
    defaults.update(extra)
    case = Case(**defaults)
    case.set_complainant_phone("13912345678")
    case.save()
    tallies.apply_change(None, tallies.case_count(case))
    CaseEvent.objects.create(case=case, kind="intake", actor_name="测试", note=f"事件{n}")
    return case


def update_case(case: Case, **fields: Any) -> Case:
    """Set fields of a case directly (a test's shortcut past the workflow), moving its 办结率 count
    as the actions do; returns the case as saved."""
    case.refresh_from_db()
    before = tallies.case_count(case)
    Case.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    tallies.apply_change(before, tallies.case_count(case))
    return case
