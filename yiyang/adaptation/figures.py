"""Home adaptation on the dashboard, by child area: this year's households, the share accepted, the
amount paid to contractors, use checks due and opt-outs. Each is one grouped query through the door."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.adaptation.choices import ACCEPTED_STATES, Status
from yiyang.adaptation.models import Project
from yiyang.core.figures import Figure, Kind, Number, count_by_area, register_figure, share, sum_by_area

SECTION = _("适老化改造")


def _this_year(user: Any) -> Any:
    return Project.objects.for_user(user).filter(year=timezone.localdate().year)


def households(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    rows = _this_year(user).exclude(status=Status.OPTED_OUT)
    return count_by_area(rows, "area_path", area_path, children)


def accepted_share(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    rows = _this_year(user).exclude(status=Status.OPTED_OUT)
    done = count_by_area(rows.filter(status__in=ACCEPTED_STATES), "area_path", area_path, children)
    return share(done, count_by_area(rows, "area_path", area_path, children))


def paid(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    rows = _this_year(user).filter(status=Status.PAID)
    return sum_by_area(rows, "area_path", area_path, children, "paid_amount")


def checks_due(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    today = timezone.localdate()
    rows = Project.objects.for_user(user).filter(
        status__in=ACCEPTED_STATES, use_checked_on__isnull=True, use_check_from__lte=today
    )
    return count_by_area(rows, "area_path", area_path, children)


def opted_out(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    rows = _this_year(user).filter(status=Status.OPTED_OUT)
    return count_by_area(rows, "area_path", area_path, children)


def _list(path: str, query: str = "") -> str:
    return f"{reverse('adaptation:project_list')}?area={path}&year={timezone.localdate().year}{query}"


for key, label, compute, kind, link, order in [
    ("households", _("今年改造户数"), households, Kind.COUNT, lambda p: _list(p, "&active=true"), 70),
    ("accepted", _("已验收比例"), accepted_share, Kind.SHARE, lambda p: _list(p, "&status=accepted"), 71),
    ("paid", _("已付施工单位（元）"), paid, Kind.MONEY, lambda p: _list(p, "&status=paid"), 72),
    ("checks_due", _("待使用回访"), checks_due, Kind.COUNT,
     lambda p: f"{reverse('adaptation:usecheck_due')}?area={p}", 73),
    ("opted_out", _("书面放弃"), opted_out, Kind.COUNT, lambda p: _list(p, "&status=opted_out"), 74),
]:  # fmt: skip
    register_figure(
        Figure(
            key=f"adaptation.{key}", label=label, section=SECTION, permission="adaptation.view_project",
            compute=compute, kind=kind, link=link, order=order,
        )
    )  # fmt: skip
