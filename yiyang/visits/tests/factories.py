"""Rules, tasks and records for the visits tests."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.utils import timezone

from yiyang.areas.models import Area
from yiyang.core.testing import next_number
from yiyang.people.choices import LivingSituation
from yiyang.people.tests.factories import ElderFactory
from yiyang.visits.choices import Cycle, Seen
from yiyang.visits.models import VisitRecord, VisitRule, VisitTask

FROM = datetime.date(2020, 1, 1)


def standard_rules() -> list[VisitRule]:
    """The issue's example: 独居 80+ monthly, 特困 and 失能 every two weeks, 空巢 quarterly, 3 days after a real alarm."""
    rows = [
        {"name": "特困老人", "rank": 1, "category": "tekun", "cycle": Cycle.HALF_MONTH},
        {"name": "失能老人", "rank": 2, "min_capability": 1, "cycle": Cycle.HALF_MONTH},
        {
            "name": "80岁以上独居",
            "rank": 3,
            "min_age": 80,
            "living_situation": LivingSituation.ALONE,
            "cycle": Cycle.MONTH,
        },
        {
            "name": "空巢老人",
            "rank": 4,
            "living_situation": LivingSituation.EMPTY_NEST,
            "cycle": Cycle.QUARTER,
        },
        {
            "name": "真实警情后回访",
            "rank": 9,
            "cycle": Cycle.EVENT,
            "trigger": "real_alarm",
            "within_days": 3,
        },
    ]
    return [VisitRule.objects.create(valid_from=FROM, **row) for row in rows]


def make_rule(world: Any = None, area: Any = None, **kwargs: Any) -> VisitRule:
    defaults: dict[str, Any] = {
        "name": f"走访规则{next_number()}",
        "min_age": 80,
        "cycle": Cycle.MONTH,
        "valid_from": FROM,
    }
    return VisitRule.objects.create(**{**defaults, **kwargs})


def make_task(world: Any, area: Area, **kwargs: Any) -> VisitTask:
    elder = kwargs.pop("elder", None) or ElderFactory.create(area=area)
    today = timezone.localdate()
    defaults: dict[str, Any] = {
        "elder": elder,
        "area_path": elder.area_path,
        "period_key": f"{today:%Y-%m}",
        "window_start": today.replace(day=1),
        "due_date": today + datetime.timedelta(days=10),
        "reason": f"走访原因{next_number()}",
    }
    return VisitTask.objects.create(**{**defaults, **kwargs})


def make_record(world: Any, area: Area) -> VisitRecord:
    task = make_task(world, area)
    return VisitRecord.objects.create(
        task=task,
        elder=task.elder,
        area_path=task.area_path,
        client_key=str(uuid.uuid4()),
        checked_in_at=timezone.now(),
        seen=Seen.ELDER,
        note=f"走访备注{next_number()}",
    )


def make_contributor(world: Any = None, name: str = "") -> Any:
    from yiyang.visits.models import Contributor

    return Contributor.objects.create(name=f"慰问单位{name}{next_number()}", kind="union")


def make_campaign(area: Area, **kwargs: Any) -> Any:
    from decimal import Decimal

    from yiyang.visits.models import Campaign

    today = timezone.localdate()
    defaults: dict[str, Any] = {
        "name": f"重阳慰问{next_number()}", "festival": "chongyang", "area": area, "budget": Decimal("10000.00"),
        "standard": Decimal("500.00"), "start_date": today, "end_date": today + datetime.timedelta(days=30),
    }  # fmt: skip
    return Campaign.objects.create(**{**defaults, **kwargs})


# -- needs surveys --------------------------------------------------------------------------------------


def make_template(world: Any = None, area: Any = None, **kwargs: Any) -> Any:
    """A questionnaire with one question of every kind (income, living, needs, willingness …)."""
    from yiyang.visits.models import SurveyQuestion, SurveyTemplate

    template = SurveyTemplate.objects.create(
        **{
            "name": f"需求摸底调查表{next_number()}",
            "description": "收入、居住、需求、意愿",
            "valid_from": FROM,
            **kwargs,
        }
    )
    rows: list[dict[str, Any]] = [
        {"code": "income", "text": "月收入", "kind": "number", "unit": "元", "min_value": 0, "max_value": 100000},
        {"code": "living", "text": "居住情况", "kind": "choice", "options": "独居\n空巢\n与家人同住",
         "registry_field": "living_situation"},
        {"code": "phone", "text": "联系电话", "kind": "text", "required": False, "registry_field": "phone"},
        {"code": "services", "text": "需要的服务", "kind": "multi", "options": "助餐\n助浴\n助医\n无", "required": False,
         "follow_up": "work_order", "follow_up_when": "助医"},
        {"code": "danger", "text": "家中是否有安全隐患", "kind": "yesno", "follow_up": "visit"},
        {"code": "note", "text": "其他需求", "kind": "text", "required": False},
    ]  # fmt: skip
    for position, row in enumerate(rows, start=1):
        SurveyQuestion.objects.create(template=template, position=position, **row)
    return template


def make_question(world: Any = None, area: Any = None, **kwargs: Any) -> Any:
    from yiyang.visits.models import SurveyQuestion

    template = kwargs.pop("template", None) or make_template()
    return SurveyQuestion.objects.create(
        **{"template": template, "position": 9, "code": f"q{next_number()}", "text": f"调查题目{next_number()}",
           "kind": "choice", "options": "愿意\n不愿意", **kwargs}
    )  # fmt: skip


def make_round(area: Area, **kwargs: Any) -> Any:
    from yiyang.visits.models import SurveyRound

    today = timezone.localdate()
    defaults: dict[str, Any] = {
        "name": f"特殊困难老年人摸底{next_number()}", "area": area, "start_date": today,
        "due_date": today + datetime.timedelta(days=30),
    }  # fmt: skip
    if "template" not in kwargs:
        defaults["template"] = make_template()
    return SurveyRound.objects.create(**{**defaults, **kwargs})


def make_response(world: Any, area: Area, **kwargs: Any) -> Any:
    from yiyang.visits.models import SurveyResponse

    elder = kwargs.pop("elder", None) or ElderFactory.create(area=area)
    survey_round = kwargs.pop("round", None) or make_round(area)
    return SurveyResponse.objects.create(round=survey_round, elder=elder, area_path=elder.area_path, **kwargs)


ANSWERS = {"income": "1500", "living": "独居", "services": ["助餐"], "danger": "否", "note": ""}
