"""A home's incident reports as care-risk events for the elder's next GB/T 42195 assessment (Annex
A.2.14): the assessor sees them and the sheet counts them (``assessments.risk_events``).

GB 38600 records nine kinds; A.2.14 counts 跌倒, 走失, 噎食, 自杀自伤 and 其他. A fall from bed (坠床)
is a fall; 他伤和自伤 is recorded as one kind in GB 38600 and cannot tell self-harm from harm by
others, so it counts under 其他 (as do 食品药品误食, 压疮, 烫伤 and 文娱活动意外): every event counts
toward the total of C.4 rule 3, none is counted as a suicide attempt it may not have been.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from yiyang.assessments.risk_events import RecordedEvent, register
from yiyang.institutions.choices import Risk
from yiyang.institutions.models import Incident
from yiyang.people.models import Elder

#: GB 38600 risk → GB/T 42195 A.2.14 type.
A214_KIND = {
    Risk.FALL: "fall", Risk.BED_FALL: "fall", Risk.WANDERING: "wandering", Risk.CHOKING: "choking",
    Risk.MISINGESTION: "other", Risk.PRESSURE_SORE: "other", Risk.SCALD: "other", Risk.HARM: "other",
    Risk.ACTIVITY: "other",
}  # fmt: skip


def _bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time(), tzinfo=tz),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), tzinfo=tz),
    )


@register
def incident_events(elder: Elder, start: datetime.date, end: datetime.date) -> Iterable[RecordedEvent]:
    since, until = _bounds(start, end)
    incidents = (
        Incident.objects.filter(resident__elder=elder, occurred_at__gte=since, occurred_at__lt=until)
        .select_related("institution")
        .order_by("occurred_at")
    )
    for incident in incidents:
        yield RecordedEvent(
            kind=A214_KIND[Risk(incident.kind)],
            on=timezone.localtime(incident.occurred_at).date(),
            title=f"{Risk(incident.kind).label} · {incident.institution.name}（{incident.get_harm_display()}）",
        )
