"""The workforce's figures on the dashboard, comparable across streets: workers in post, certified
workers, this year's finished classes and their trainees, and the year's progress against the plan
(at least 10 classes and 500 trainees a year: the rule in force on the year's last day)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.core.dated import in_force_q
from yiyang.core.figures import Figure, Kind, Number, by_area, count_by_area, register_figure, share
from yiyang.workforce.choices import ClassStatus, WorkerStatus
from yiyang.workforce.models import CareWorker, Certificate, TrainingClass, TrainingPlanRule

SECTION = _("养老服务人才")


def _year() -> int:
    return timezone.localdate().year


def plan_for(year: int) -> TrainingPlanRule | None:
    return (
        TrainingPlanRule.objects.filter(in_force_q(datetime.date(year, 12, 31)))
        .order_by("-valid_from")
        .first()
    )


def _finished(user: Any, year: int) -> Any:
    return TrainingClass.objects.for_user(user).filter(status=ClassStatus.FINISHED, ends_on__year=year)


@dataclass(frozen=True)
class Progress:
    year: int
    classes: int
    trainees: int
    min_classes: int | None
    min_trainees: int | None


def training_progress(user: Any, year: int) -> Progress:
    """The year's finished classes and their trainees the user sees, beside the plan in force."""
    rows = _finished(user, year).aggregate(classes=Count("pk", distinct=True), trainees=Count("trainees"))
    plan = plan_for(year)
    return Progress(year, rows["classes"] or 0, rows["trainees"] or 0,
                    plan.min_classes if plan else None, plan.min_trainees if plan else None)  # fmt: skip


def workers_in_post(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    rows = CareWorker.objects.for_user(user).filter(status=WorkerStatus.ACTIVE)
    return count_by_area(rows, "area_path", area_path, children)


def certified_workers(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    today = timezone.localdate()
    valid = Certificate.objects.filter(in_force_q(today), worker=OuterRef("pk"))
    rows = CareWorker.objects.for_user(user).filter(status=WorkerStatus.ACTIVE).filter(Exists(valid))
    return count_by_area(rows, "area_path", area_path, children)


def classes_this_year(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    return count_by_area(_finished(user, _year()), "area_path", area_path, children)


def trainees_this_year(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    return by_area(_finished(user, _year()), "area_path", area_path, children, Count("trainees"))


def _against_plan(values: dict[str, Number | None], target: int | None) -> dict[str, Number | None]:
    return share(values, dict.fromkeys(values, target or 0))


def classes_against_plan(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    plan = plan_for(_year())
    return _against_plan(classes_this_year(user, area_path, children), plan.min_classes if plan else None)


def trainees_against_plan(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    plan = plan_for(_year())
    return _against_plan(trainees_this_year(user, area_path, children), plan.min_trainees if plan else None)


def _workers(path: str) -> str:
    return f"{reverse('workforce:careworker_list')}?area={path}&status={WorkerStatus.ACTIVE}"


def _classes(path: str) -> str:
    return f"{reverse('workforce:trainingclass_list')}?status={ClassStatus.FINISHED}"


register_figure(Figure(
    key="workforce.in_post", label=_("在岗护理员（人）"), section=SECTION, permission="workforce.view_careworker",
    compute=workers_in_post, link=_workers, order=70,
))  # fmt: skip
register_figure(Figure(
    key="workforce.certified", label=_("持证护理员（人）"), section=SECTION, permission="workforce.view_careworker",
    compute=certified_workers, link=_workers, order=71,
))  # fmt: skip
register_figure(Figure(
    key="workforce.classes", label=_("本年结业培训班（期）"), section=SECTION,
    permission="workforce.view_trainingclass", compute=classes_this_year, link=_classes, order=72,
))  # fmt: skip
register_figure(Figure(
    key="workforce.trainees", label=_("本年培训人次"), section=SECTION,
    permission="workforce.view_trainingclass", compute=trainees_this_year, link=_classes, order=73,
))  # fmt: skip
register_figure(Figure(
    key="workforce.classes_plan", label=_("培训班完成年度计划"), section=SECTION,
    permission="workforce.view_trainingclass", compute=classes_against_plan, kind=Kind.SHARE, order=74,
))  # fmt: skip
register_figure(Figure(
    key="workforce.trainees_plan", label=_("培训人次完成年度计划"), section=SECTION,
    permission="workforce.view_trainingclass", compute=trainees_against_plan, kind=Kind.SHARE, order=75,
))  # fmt: skip
