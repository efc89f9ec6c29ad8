"""Figures of a survey round by area: progress (assigned / answered) and results per question.

Each is one grouped query over the rows the reader may see (``for_user``), grouped by the prefix of
``area_path`` that names the area one level below the round's (streets of a district, communities of
a street); every count comes with the filter that lists its elders.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import Substr
from django.urls import reverse

from yiyang.areas.models import Area
from yiyang.visits.choices import QuestionKind, ResponseStatus
from yiyang.visits.models import SurveyAnswer, SurveyQuestion, SurveyResponse, SurveyRound
from yiyang.visits.survey_rules import NO, YES


def child_areas(area: Area) -> list[Area]:
    """The areas one level below ``area`` (itself when it has none)."""
    children = list(Area.objects.filter(path__startswith=area.path, level=area.level + 1).order_by("path"))
    return children or [area]


@dataclass
class ProgressRow:
    area: Area
    assigned: int
    answered: int

    @property
    def share(self) -> float | None:
        return self.answered / self.assigned if self.assigned else None


def progress(survey_round: SurveyRound, user: Any) -> list[ProgressRow]:
    areas = child_areas(survey_round.area)
    width = len(areas[0].path)
    rows = (
        SurveyResponse.objects.for_user(user).filter(round=survey_round)
        .annotate(child=Substr("area_path", 1, width)).values("child")
        .annotate(n=Count("id"), done=Count("id", filter=Q(status=ResponseStatus.DONE))).order_by()
    )  # fmt: skip
    got = {r["child"]: r for r in rows}
    return [ProgressRow(a, got[a.path]["n"], got[a.path]["done"]) for a in areas if a.path in got]


@dataclass
class QuestionResult:
    question: SurveyQuestion
    values: list[str]  # the columns: options (or 是/否, "n / mean" for a number, "n" for text)
    rows: list[tuple[Area, list[tuple[Any, str]]]] = field(default_factory=list)  # area → (figure, link)
    total: list[tuple[Any, str]] = field(default_factory=list)
    respondents: list[int] = field(default_factory=list)  # per row: the elders who answered the question

    def chart(self) -> dict[str, Any]:
        """What the result's chart draws (``visits/survey_results.js``): per area, each answer's count
        and the elders who answered, so that areas of different size compare as shares."""
        data: dict[str, Any] = {
            "code": self.question.code, "kind": self.question.kind, "unit": self.question.unit,
            "areas": [area.name for area, _cells in self.rows], "respondents": self.respondents,
        }  # fmt: skip
        if self.question.kind == QuestionKind.NUMBER:
            data["means"] = [None if cells[1][0] is None else float(cells[1][0]) for _a, cells in self.rows]
        else:
            data["values"] = self.values
            data["counts"] = [[figure for figure, _link in cells] for _a, cells in self.rows]
        return data


def _link(survey_round: SurveyRound, question: SurveyQuestion, area_path: str, value: str | None) -> str:
    query: dict[str, Any] = {"round": survey_round.pk, "question": question.pk, "area": area_path}
    if value is not None:
        query["value"] = value
    return reverse("visits:surveyanswer_list") + "?" + urlencode(query)


def results(survey_round: SurveyRound, user: Any) -> list[QuestionResult]:
    """Per question: for each area, the count of each answer (or the number answered and their mean)."""
    areas = child_areas(survey_round.area)
    width = len(areas[0].path)
    questions = list(
        SurveyQuestion.objects.filter(template_id=survey_round.template_id).order_by("position", "id")
    )
    answers = (
        SurveyAnswer.objects.for_user(user)
        .filter(round=survey_round)
        .annotate(child=Substr("area_path", 1, width))
    )
    counts: dict[tuple[int, str, str], int] = defaultdict(int)
    respondents = {
        (row["question_id"], row["child"]): row["n"]
        for row in answers.values("question_id", "child")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
    }
    numbers: dict[tuple[int, str], tuple[int, Decimal | None, Decimal | None]] = {}
    for row in answers.exclude(question__kind=QuestionKind.NUMBER).values("question_id", "child", "value").annotate(
        n=Count("id")
    ).order_by():  # fmt: skip
        counts[(row["question_id"], row["child"], row["value"])] = row["n"]
    for figures in answers.filter(question__kind=QuestionKind.NUMBER).values("question_id", "child").annotate(
        n=Count("id"), mean=Avg("number"), total=Sum("number")
    ).order_by():  # fmt: skip
        numbers[(figures["question_id"], figures["child"])] = (
            figures["n"],
            figures["mean"],
            figures["total"],
        )
    out: list[QuestionResult] = []
    for q in questions:
        if q.kind == QuestionKind.NUMBER:
            result = QuestionResult(q, ["n", "mean"])
            for area in areas:
                n, mean, _total = numbers.get((q.pk, area.path), (0, None, None))
                link = _link(survey_round, q, area.path, None)
                result.rows.append((area, [(n, link), (mean, link)]))
                result.respondents.append(n)
            result.total = [
                (sum(r[1][0][0] for r in result.rows), _link(survey_round, q, survey_round.area_path, None))
            ]
            out.append(result)
            continue
        if q.kind == QuestionKind.TEXT:
            # Free text (a phone number, a need in the elder's words) is never a column heading on a
            # page of figures: the count of elders who answered, opening the answers themselves.
            result = QuestionResult(q, ["n"])
            for area in areas:
                n = respondents.get((q.pk, area.path), 0)
                result.rows.append((area, [(n, _link(survey_round, q, area.path, None))]))
                result.respondents.append(n)
            result.total = [(sum(result.respondents), _link(survey_round, q, survey_round.area_path, None))]
            out.append(result)
            continue
        values = [YES, NO] if q.kind == QuestionKind.YESNO else q.option_list
        result = QuestionResult(q, values)
        for area in areas:
            result.rows.append((area, [(counts.get((q.pk, area.path, v), 0), _link(survey_round, q, area.path, v))
                                       for v in values]))  # fmt: skip
            result.respondents.append(respondents.get((q.pk, area.path), 0))
        result.total = [
            (
                sum(counts.get((q.pk, a.path, v), 0) for a in areas),
                _link(survey_round, q, survey_round.area_path, v),
            )
            for v in values
        ]
        out.append(result)
    return out
