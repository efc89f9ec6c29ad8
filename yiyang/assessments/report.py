"""评估报告 (GB/T 42195 Annex C style) as printable HTML and as PDF (``core.pdf``).

Personal data on the report is masked (ID number and phone); the PDF is built from local files only.
The report is an official document: it is always rendered in Chinese, whatever the user's language.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone

from yiyang.assessments import scoring
from yiyang.assessments.choices import Scheme, Status
from yiyang.assessments.models import Assessment
from yiyang.core import pdf
from yiyang.core.i18n import records_language

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def item_rows(
    a: Assessment,
) -> list[tuple[scoring.Group, list[tuple[scoring.Item, int | None, StrOrPromise]]]]:
    """(group, [(item, answer, the answer's wording)]) for the detail page and the report."""
    answers = a.answers or {}
    rows = []
    for group in scoring.groups_for(a.scheme):
        items = []
        for item in scoring.items_for(a.scheme):
            if item.group != group.code:
                continue
            value = answers.get(item.code)
            items.append((item, value, dict(item.options).get(value, "") if value is not None else ""))
        rows.append((group, items))
    return rows


def subtotal_rows(a: Assessment) -> list[tuple[str, StrOrPromise, Any, Any]]:
    """(code, name, subtotal, maximum or grade) for the detail page and the report."""
    subtotals = a.subtotals or {}
    grades = a.grades or {}
    if a.scheme == Scheme.MZT039:
        return [
            (g.code, g.name, subtotals.get(g.code, "—"), grades.get(g.code, "—")) for g in scoring.MZT_GROUPS
        ]
    return [(g.code, g.name, subtotals.get(g.code, "—"), g.max_score) for g in scoring.GB_GROUPS]


def cn_date(day: datetime.date | None) -> str:
    """2026年11月22日, as printed documents write dates."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def context(assessment: Assessment) -> dict[str, Any]:
    elder = assessment.elder
    return {
        "a": assessment,
        "elder": elder,
        "age": elder.age_on(assessment.assessed_on),
        "is_gb": assessment.scheme == Scheme.GB42195,
        "is_draft": assessment.status != Status.CONFIRMED,
        "rows": item_rows(assessment),
        "subtotal_rows": subtotal_rows(assessment),
        "levels": scoring.LEVEL_NAMES if assessment.scheme == Scheme.GB42195 else scoring.MZT_LEVEL_NAMES,
        "assessed_on": cn_date(assessment.assessed_on),
        "valid_to": cn_date(assessment.valid_to),
        "printed_on": cn_date(timezone.localdate()),
        "risk_total": assessment.risk_event_total(),
    }


def render_html(assessment: Assessment, *, request: Any = None) -> str:
    with records_language():
        return render_to_string("assessments/report.html", context(assessment), request=request)


def render_pdf(assessment: Assessment, *, uncompressed: bool = False) -> bytes:
    return pdf.render_pdf("assessments/report.html", context(assessment), uncompressed=uncompressed)
