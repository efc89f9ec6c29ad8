"""评估报告 (GB/T 42195 Annex C style) as printable HTML and as PDF (``core.pdf``).

Personal data on the report is masked (ID number and phone); the PDF is built from local files only.
The report is an official document: it is always rendered in Chinese, whatever the user's language.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from yiyang.assessments import scoring
from yiyang.assessments.choices import Scheme, Status
from yiyang.assessments.models import Assessment
from yiyang.core import pdf
from yiyang.core.i18n import records_language


def cn_date(day: datetime.date | None) -> str:
    """2026年11月22日, as printed documents write dates."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def context(assessment: Assessment) -> dict[str, Any]:
    from yiyang.assessments.views import item_rows, subtotal_rows

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
