"""The rules of a survey answer, table-driven (``visits.survey_rules``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from yiyang.visits.survey_rules import (
    AnswerError,
    Cleaned,
    Question,
    clean_all,
    clean_answer,
    clean_phone,
    living_code,
    triggers,
)

CHOICE = Question("living", "choice", ("独居", "空巢", "与家人同住"))
MULTI = Question("services", "multi", ("助餐", "助浴", "助医"), required=False, follow_up_when="助医")
NUMBER = Question("income", "number", min_value=Decimal("0"), max_value=Decimal("100000"))
YESNO = Question("danger", "yesno")
TEXT = Question("note", "text", required=False)


@pytest.mark.parametrize(
    ("question", "raw", "expected"),
    [
        (CHOICE, "独居", Cleaned(("独居",))),
        (CHOICE, " 空巢 ", Cleaned(("空巢",))),
        (MULTI, ["助餐", "助医", "助餐"], Cleaned(("助餐", "助医"))),
        (MULTI, "助浴", Cleaned(("助浴",))),
        (MULTI, [], Cleaned(())),
        (NUMBER, "1500", Cleaned(("",), Decimal("1500.00"))),
        (NUMBER, "1,234.5", Cleaned(("",), Decimal("1234.50"))),
        (NUMBER, 0, Cleaned(("",), Decimal("0.00"))),
        (YESNO, "是", Cleaned(("是",))),
        (YESNO, "true", Cleaned(("是",))),
        (YESNO, "0", Cleaned(("否",))),
        (YESNO, "否", Cleaned(("否",))),
        (TEXT, "  想要老年食堂  ", Cleaned(("想要老年食堂",))),
        (TEXT, "", Cleaned(())),
        (TEXT, None, Cleaned(())),
    ],
)
def test_answers_are_cleaned(question: Question, raw: Any, expected: Cleaned) -> None:
    assert clean_answer(question, raw) == expected


@pytest.mark.parametrize(
    ("question", "raw", "message"),
    [
        (CHOICE, "", "必答题"),
        (CHOICE, None, "必答题"),
        (CHOICE, "独住", "请从选项中选择"),
        (MULTI, ["助餐", "理发"], "请从选项中选择"),
        (NUMBER, "一千五", "请填写数字"),
        (NUMBER, "NaN", "请填写数字"),
        (NUMBER, "Infinity", "请填写数字"),
        (NUMBER, "-1", "不能小于 0"),
        (NUMBER, "100001", "不能大于 100000"),
        (YESNO, "也许", "请回答是或否"),
        (TEXT, "字" * 201, "不能超过 200 字"),
    ],
)
def test_bad_answers_say_why(question: Question, raw: Any, message: str) -> None:
    with pytest.raises(AnswerError) as caught:
        clean_answer(question, raw)
    assert message in str(caught.value)


def test_all_errors_at_once_and_unknown_codes() -> None:
    cleaned, errors = clean_all([CHOICE, NUMBER, YESNO], {"living": "独居", "income": "abc", "age": "80"})
    assert set(errors) == {"income", "danger", "__all__"}
    assert "age" in errors["__all__"]
    assert cleaned["living"] == Cleaned(("独居",))


@pytest.mark.parametrize(
    ("question", "answer", "expected"),
    [
        (MULTI, Cleaned(("助餐", "助医")), True),
        (MULTI, Cleaned(("助餐",)), False),
        (MULTI, Cleaned(()), False),
        (YESNO, Cleaned(("是",)), True),
        (YESNO, Cleaned(("否",)), False),
        (Question("x", "yesno", follow_up_when="否"), Cleaned(("否",)), True),
        (CHOICE, Cleaned(("独居",)), False),  # no trigger option set
        (NUMBER, Cleaned(("",), Decimal(1)), False),
    ],
)
def test_triggers(question: Question, answer: Cleaned, expected: bool) -> None:
    assert triggers(question, answer) is expected


CHOICES = [("alone", "独居"), ("empty_nest", "空巢"), ("with_family", "与家人同住")]


@pytest.mark.parametrize(
    ("label", "code"),
    [("独居", "alone"), (" 空巢", "empty_nest"), ("与家人同住", "with_family"), ("住养老院", None)],
)
def test_living_code(label: str, code: str | None) -> None:
    assert living_code(label, CHOICES) == code


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("0513-86123456", "0513-86123456"),
        ("(0513)86123456", "051386123456"),
        ("1381234567", None),
        ("不知道", None),
        ("", None),
    ],
)
def test_clean_phone(text: str, phone: str | None) -> None:
    assert clean_phone(text) == phone
