"""The API's one exception handler: actions' Django errors answer 400/403/409 with one body shape."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import translation
from rest_framework import exceptions

from yiyang.core.api_errors import exception_handler
from yiyang.core.errors import error_text


def _answer(exc: Exception) -> tuple[int, Any]:
    response = exception_handler(exc, {})
    assert response is not None
    return response.status_code, response.data


@pytest.mark.parametrize(
    ("exc", "status", "body"),
    [
        (ValidationError("只有待接单的工单可以接单"), 400, {"detail": "只有待接单的工单可以接单"}),
        (ValidationError(["甲", "乙"]), 400, {"detail": "甲；乙"}),
        (ValidationError({"reason": "请填写原因"}), 400, {"reason": ["请填写原因"]}),
        (ValidationError({NON_FIELD_ERRORS: "整体不对"}), 400, {"non_field_errors": ["整体不对"]}),
        (PermissionDenied("只有本服务商的人员可以接单"), 403, {"detail": "只有本服务商的人员可以接单"}),
        (PermissionDenied(), 403, {"detail": exceptions.PermissionDenied.default_detail}),
        # DRF's own bare-list answer takes the same shape as every other error.
        (exceptions.ValidationError("尚未签到"), 400, {"detail": "尚未签到"}),
        (exceptions.ValidationError({"elder": "找不到该老人"}), 400, {"elder": ["找不到该老人"]}),
    ],
)
def test_domain_errors_become_http_answers(exc: Exception, status: int, body: Any) -> None:
    with translation.override("zh-hans"):
        assert _answer(exc) == (status, body)


def test_a_domain_error_may_name_its_status() -> None:
    class Refused(ValidationError):
        http_status = 409

    assert _answer(Refused("该时段已享受补贴")) == (409, {"detail": "该时段已享受补贴"})


def test_other_exceptions_are_left_to_the_server() -> None:
    assert exception_handler(RuntimeError("boom"), {}) is None


def test_joined_messages_follow_the_readers_language() -> None:
    exc = ValidationError(["first", "second"])
    with translation.override("zh-hans"):
        assert error_text(exc) == "first；second"
    with translation.override("en"):
        assert error_text(exc) == "first; second"
    assert error_text(["a"]) == "a"
