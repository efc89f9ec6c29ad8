"""Needs surveys on the dashboard, comparable across streets: rounds in progress, how far they are
answered, and the registry changes waiting for a reviewer — each value opening its list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yiyang.core.figures import Figure, Kind, Number, count_by_area, register_figure, share
from yiyang.visits.choices import ProposalStatus, ResponseStatus, RoundStatus

SECTION = _("摸底调查")


def touches(round_path: str, area_path: str) -> bool:
    """A round over ``round_path`` reaches the area ``area_path``: one lies within the other."""
    return round_path.startswith(area_path) or area_path.startswith(round_path)


def rounds_in_progress(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    """Open rounds that reach each area (a district's round counts in every street). Rounds are few:
    one query for their paths, counted here."""
    from yiyang.visits.models import SurveyRound

    paths = list(
        SurveyRound.objects.for_user(user).filter(status=RoundStatus.OPEN).values_list("area_path", flat=True)
    )
    return {p: sum(1 for r in paths if touches(r, p)) for p in [area_path, *children]}


def completion(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    """Answered / handed out, over the rounds still open, where the elders live."""
    from yiyang.visits.models import SurveyResponse

    rows = SurveyResponse.objects.for_user(user).filter(round__status=RoundStatus.OPEN)
    done = count_by_area(rows.filter(status=ResponseStatus.DONE), "area_path", area_path, children)
    return share(done, count_by_area(rows, "area_path", area_path, children))


def proposals_pending(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    from yiyang.visits.models import RegistryProposal

    rows = RegistryProposal.objects.for_user(user).filter(status=ProposalStatus.PENDING)
    return count_by_area(rows, "area_path", area_path, children)


register_figure(
    Figure(
        key="visits.survey_rounds_open",
        label=_("进行中的调查批次"),
        section=SECTION,
        permission="visits.view_surveyround",
        compute=rounds_in_progress,
        link=lambda path: f"{reverse('visits:surveyround_list')}?status={RoundStatus.OPEN}&area={path}",
        order=62,
    )
)
register_figure(
    Figure(
        key="visits.survey_completion",
        label=_("调查完成率（进行中的批次）"),
        section=SECTION,
        permission="visits.view_surveyresponse",
        compute=completion,
        kind=Kind.SHARE,
        link=lambda path: (
            f"{reverse('visits:surveyresponse_list')}?round_status={RoundStatus.OPEN}&area={path}"
        ),
        order=63,
    )
)
register_figure(
    Figure(
        key="visits.proposals_pending",
        label=_("待审核台账变更"),
        section=SECTION,
        permission="visits.view_registryproposal",
        compute=proposals_pending,
        link=lambda path: (
            f"{reverse('visits:registryproposal_list')}?status={ProposalStatus.PENDING}&area={path}"
        ),
        order=64,
    )
)
