"""Factories for institutional care: homes, beds, policies, and home staff accounts."""

from __future__ import annotations

import datetime
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

from yiyang.areas.models import Area
from yiyang.core.scoping import grant_membership
from yiyang.core.testing import make_user, next_number
from yiyang.institutions.models import Bed, Institution, InsurancePolicy
from yiyang.institutions.models.facility import room_for


def make_institution(area: Area, **extra: Any) -> Institution:
    defaults: dict[str, Any] = {
        "name": f"{area.name}养老院{next_number()}",
        "kind": "private",
        "operator": "爱心养老服务有限公司",
        "design_beds": 60,
        "licence_no": f"通民养备〔2020〕{next_number()}号",
        "licence_from": datetime.date(2020, 1, 1),
    }
    defaults.update(extra)
    return Institution.objects.create(area=area, **defaults)


def make_bed(institution: Institution, **extra: Any) -> Bed:
    """A bed in ``building`` / ``floor`` / ``room`` (text, as people name them; made if new)."""
    n = next_number()
    building, floor = extra.pop("building", "1号楼"), extra.pop("floor", 1)
    room = room_for(institution, building, floor, str(extra.pop("room", 100 + n % 50)))
    defaults: dict[str, Any] = {"number": str(n)}
    defaults.update(extra)
    return Bed.objects.create(institution=institution, room=room, **defaults)


def make_policy(institution: Institution, **extra: Any) -> InsurancePolicy:
    defaults: dict[str, Any] = {
        "policy_no": f"PICC{next_number():06d}",
        "insurer": "中国人民财产保险",
        "valid_from": datetime.date(2026, 1, 1),
        "valid_to": datetime.date(2026, 12, 31),
        "cover": Decimal("1000000.00"),
    }
    defaults.update(extra)
    return InsurancePolicy.objects.create(institution=institution, **defaults)


def make_staff(institution: Institution, username: str | None = None) -> Any:
    user = make_user(username or f"staff{next_number()}", "institution_staff")
    grant_membership(user, institution)
    return user


class FormValues(HTMLParser):
    """The values a browser would post back from a page's form (inputs, selects, textareas)."""

    def __init__(self, form_action: str | None = None) -> None:
        super().__init__()
        self.values: dict[str, Any] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = a.get("type", "text")
            if kind == "checkbox":
                if "checked" in a:
                    self.values[name] = a.get("value") or "on"
            elif kind not in ("submit", "button"):
                self.values[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data.lstrip("\n") if not self.values[self._textarea] else data


def form_values(html: str) -> dict[str, Any]:
    parser = FormValues()
    parser.feed(html)
    return parser.values


def ready_for_admission(elder: Any, institution: Institution, *, on: datetime.date | None = None) -> Any:
    """Both assessments admission needs: a confirmed GB/T 42195 one and this home's GB 38600 one."""
    from django.utils import timezone

    from yiyang.assessments.tests.factories import make_assessment
    from yiyang.institutions.actions.residents import risk_assessment_create

    day = on or timezone.localdate()
    make_assessment(elder, total=52, assessed_on=day - datetime.timedelta(days=10))
    return risk_assessment_create(
        elder=elder, institution=institution, assessor="王护士", assessed_on=day - datetime.timedelta(days=3),
        items={"fall": (2, "床边加装扶手，夜间留灯"), "choking": (1, "软食")}, actor=None,
    )  # fmt: skip


def admit(elder: Any, institution: Institution, bed: Bed | None = None, **extra: Any) -> Any:
    from django.utils import timezone

    from yiyang.institutions.actions.residents import resident_admit

    day = extra.pop("admitted_on", None) or timezone.localdate() - datetime.timedelta(days=1)
    ready_for_admission(elder, institution, on=day)
    return resident_admit(
        elder=elder,
        institution=institution,
        bed=bed or make_bed(institution),
        admitted_on=day,
        actor=None,
        **extra,
    )
