"""One elder, one timeline.

Each module contributes the events it knows about by registering a provider; this module never
imports them. A provider receives the elder and the viewing user (already allowed to see the elder)
and returns events in any order; the page merges and sorts them, newest first.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiyang.core.models import AuditEntry
from yiyang.people.models import Elder


@dataclass(frozen=True)
class TimelineEvent:
    when: datetime.datetime
    module: str  # 登记, 认定, 评估, 补贴, 服务, 安全, 走访 …
    title: str
    detail: str = ""
    url: str = ""
    actor: str = ""
    tone: str = "secondary"  # bootstrap colour of the badge


TimelineProvider = Callable[[Elder, Any], Iterable[TimelineEvent]]
_providers: list[TimelineProvider] = []


def register(provider: TimelineProvider) -> TimelineProvider:
    """Decorator for a module's timeline provider."""
    _providers.append(provider)
    return provider


def elder_timeline(elder: Elder, user: Any, *, limit: int = 200) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    for provider in _providers:
        events.extend(provider(elder, user))
    events.sort(key=lambda e: e.when, reverse=True)
    return events[:limit]


def _as_datetime(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


# Lazy labels, read in the viewer's language when the timeline is shown.
_FIELD_LABELS: dict[str, Any] = {
    f.name: f.verbose_name for f in Elder._meta.get_fields() if hasattr(f, "verbose_name")
}
_FIELD_LABELS.update(
    {
        "id_number_masked": gettext_lazy("身份证号"),
        "phone_masked": gettext_lazy("联系电话"),
        "health_masked": gettext_lazy("健康状况"),
    }
)


def describe_change(after: dict[str, Any] | None) -> str:
    """The fields an audit entry changed, named in the viewer's language (the keys are stored)."""
    if not after:
        return ""
    labels = [
        str(_FIELD_LABELS.get(k, k)) for k in after if k not in {"name_pinyin", "name_initials", "area_path"}
    ]
    return _("修改了：%(fields)s") % {"fields": _("、").join(labels)} if labels else ""


@register
def registry_events(elder: Elder, user: Any) -> Iterable[TimelineEvent]:
    # Titles are interface text; the message and object_repr are read back from the stored row.
    for entry in AuditEntry.objects.filter(subject_id=elder.pk).order_by("-time")[:200]:
        if entry.verb == "elder.create":
            title, detail, tone = _("登记入册"), "", "primary"
        elif entry.verb == "elder.import.update":
            title, detail, tone = _("批量导入更新"), describe_change(entry.after), "secondary"
        elif entry.verb.startswith("elder.status."):
            title, detail, tone = _("状态变更"), entry.message or describe_change(entry.after), "dark"
        elif entry.verb.startswith("certification."):
            title = {"certification.create": _("新增认定"), "certification.update": _("修改认定")}.get(
                entry.verb, _("删除认定")
            )
            detail, tone = entry.object_repr, "warning"
        elif entry.verb.startswith("contact."):
            title, detail, tone = _("联系人变更"), entry.object_repr, "info"
        else:
            title, detail, tone = _("信息修改"), describe_change(entry.after), "secondary"
        yield TimelineEvent(entry.time, _("登记"), title, detail, actor=entry.actor_name, tone=tone)


@register
def certification_events(elder: Elder, user: Any) -> Iterable[TimelineEvent]:
    url = reverse("people:elder_detail", args=[elder.pk]) + "#certifications"
    for cert in elder.certifications.all():
        label = cert.get_category_display()
        yield TimelineEvent(
            _as_datetime(cert.valid_from),
            _("认定"),
            _("%(category)s认定生效") % {"category": label},
            cert.certified_by,
            url,
            tone="warning",
        )
        if cert.valid_to and cert.valid_to <= timezone.localdate():
            yield TimelineEvent(
                _as_datetime(cert.valid_to),
                _("认定"),
                _("%(category)s认定终止") % {"category": label},
                cert.note,
                url,
                tone="light",
            )


@register
def import_registration(elder: Elder, user: Any) -> Iterable[TimelineEvent]:
    """Elders created by an import carry the batch instead of one audit row each."""
    if elder.import_batch_id is None:
        return
    batch = elder.import_batch
    assert batch is not None
    yield TimelineEvent(
        elder.created_at,
        _("登记"),
        _("批量导入登记"),
        _("导入批次 #%(batch)s：%(filename)s") % {"batch": batch.pk, "filename": batch.filename},
        actor=batch.actor_name,
        tone="primary",
    )
