"""The rules of a survey answer, as pure functions (table-driven tests in tests/test_survey_rules.py).

``clean_answer`` turns what a phone sent for one question into stored values or an error;
``triggers`` says whether an answer asks for follow-up work; ``living_code`` and ``clean_phone`` read
the answers that correspond to registry facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from yiyang.visits.choices import QuestionKind

YES, NO = "是", "否"
_PHONE = re.compile(r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$")


@dataclass(frozen=True)
class Question:
    """What the rules need of a question (a ``SurveyQuestion`` row, or a test's literal)."""

    code: str
    kind: str
    options: tuple[str, ...] = ()
    required: bool = True
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    follow_up_when: str = ""


@dataclass(frozen=True)
class Cleaned:
    values: tuple[str, ...]  # the stored answer rows' values ("" for a number: see ``number``)
    number: Decimal | None = None


class AnswerError(ValueError):
    pass


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, list) and not raw)


def clean_answer(question: Question, raw: Any) -> Cleaned:
    """One question's answer as stored rows; raises ``AnswerError`` with a message for the worker."""
    if _blank(raw):
        if question.required:
            raise AnswerError(_("必答题"))
        return Cleaned(())
    kind = question.kind
    if kind == QuestionKind.CHOICE:
        value = str(raw).strip()
        if value not in question.options:
            raise AnswerError(_("请从选项中选择"))
        return Cleaned((value,))
    if kind == QuestionKind.MULTI:
        values = raw if isinstance(raw, list) else [raw]
        picked = []
        for item in values:
            value = str(item).strip()
            if value not in question.options:
                raise AnswerError(_("请从选项中选择"))
            if value not in picked:
                picked.append(value)
        return Cleaned(tuple(picked))
    if kind == QuestionKind.YESNO:
        said = {"true": YES, "1": YES, "yes": YES, YES: YES, "false": NO, "0": NO, "no": NO, NO: NO}.get(
            str(raw).strip().lower()
        )
        if said is None:
            raise AnswerError(_("请回答是或否"))
        return Cleaned((said,))
    if kind == QuestionKind.NUMBER:
        try:
            number = Decimal(str(raw).strip().replace(",", ""))
        except InvalidOperation:
            raise AnswerError(_("请填写数字")) from None
        if not number.is_finite():
            raise AnswerError(_("请填写数字"))
        if question.min_value is not None and number < question.min_value:
            raise AnswerError(_("不能小于 %(n)s") % {"n": question.min_value})
        if question.max_value is not None and number > question.max_value:
            raise AnswerError(_("不能大于 %(n)s") % {"n": question.max_value})
        number = number.quantize(Decimal("0.01"))
        if abs(number) >= Decimal("1e10"):
            raise AnswerError(_("数字太大"))
        return Cleaned(("",), number)
    value = str(raw).strip()
    if len(value) > 200:
        raise AnswerError(_("不能超过 200 字"))
    return Cleaned((value,))


def clean_all(questions: list[Question], raw: dict[str, Any]) -> tuple[dict[str, Cleaned], dict[str, str]]:
    """Every question's answer, and every error by question code (nothing is stored while any is wrong)."""
    cleaned: dict[str, Cleaned] = {}
    errors: dict[str, str] = {}
    for question in questions:
        try:
            cleaned[question.code] = clean_answer(question, raw.get(question.code))
        except AnswerError as exc:
            errors[question.code] = str(exc)
    unknown = sorted(set(raw) - {q.code for q in questions})
    if unknown:
        errors["__all__"] = _("问卷中没有这些题目：%(codes)s") % {"codes": "、".join(unknown)}
    return cleaned, errors


def triggers(question: Question, answer: Cleaned) -> bool:
    """Whether an answer asks for follow-up work: the trigger option chosen, or 是 on a yes/no question."""
    if not answer.values:
        return False
    when = question.follow_up_when.strip()
    if question.kind == QuestionKind.YESNO:
        return answer.values[0] == (when or YES)
    if question.kind == QuestionKind.NUMBER:
        return False
    return bool(when) and when in answer.values


def living_code(label: str, choices: list[tuple[str, str]]) -> str | None:
    """The registry's living-situation code of an option label (``独居`` → ``alone``), or None."""
    for code, name in choices:
        if code and name == label.strip():
            return code
    return None


def clean_phone(text: str) -> str | None:
    """A phone number as the registry keeps it (digits, one hyphen for a landline), or None."""
    value = re.sub(r"[\s()（）]", "", text or "")
    return value if _PHONE.match(value) else None


def split_options(text: str) -> list[str]:
    """Options as a questionnaire holds them: one a line (the form), or separated by ； / ; (a cell)."""
    return [part.strip() for part in re.split(r"[\r\n;；]+", text or "") if part.strip()]


def question_problems(
    *,
    kind: str,
    options: list[str],
    min_value: Decimal | None,
    max_value: Decimal | None,
    registry_field: str,
    follow_up: str,
    follow_up_when: str,
) -> list[tuple[str, str]]:
    """What is wrong with a question's definition, as (field, message): one rule for the edit form and
    the questionnaire import."""
    from yiyang.visits.choices import RegistryField

    problems: list[tuple[str, str]] = []
    choice = kind in (QuestionKind.CHOICE, QuestionKind.MULTI)
    if choice and len(options) < 2:
        problems.append(("options", _("单选、多选题至少需要两个选项")))
    if len(set(options)) != len(options):
        problems.append(("options", _("选项不能重复")))
    if any(len(o) > 200 for o in options):
        problems.append(("options", _("选项最长 200 个字")))
    if min_value is not None and max_value is not None and max_value < min_value:
        problems.append(("max_value", _("最大值不能小于最小值")))
    if follow_up and choice and follow_up_when.strip() not in options:
        problems.append(("follow_up_when", _("触发答案须是选项之一")))
    if follow_up and kind in (QuestionKind.NUMBER, QuestionKind.TEXT):
        problems.append(("follow_up", _("数字题、文字题不能触发后续工作")))
    if registry_field == RegistryField.LIVING and kind != QuestionKind.CHOICE:
        problems.append(("registry_field", _("居住情况须用单选题")))
    if registry_field in (RegistryField.PHONE, RegistryField.EMERGENCY) and kind != QuestionKind.TEXT:
        problems.append(("registry_field", _("电话须用文字题")))
    return problems
