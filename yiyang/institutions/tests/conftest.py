"""Fixtures shared by the institutions tests."""

from __future__ import annotations

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def _today_is_today(request: pytest.FixtureRequest) -> None:
    """These modules' ``TODAY = timezone.localdate()`` is read again before each test.

    The suite takes half an hour; a run that crosses midnight in Asia/Shanghai would otherwise compare
    the day the module was collected on with the code's ``localdate()`` of the next day.
    """
    if hasattr(request.module, "TODAY"):
        request.module.TODAY = timezone.localdate()
