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


_FIELD_LABELS = {f.name: str(f.verbose_name) for f in Elder._meta.get_fields() if hasattr(f, "verbose_name")}
_FIELD_LABELS.update(
    {"id_number_masked": "身份证号", "phone_masked": "联系电话", "health_masked": "健康状况"}
)


def describe_change(after: dict[str, Any] | None) -> str:
    if not after:
        return ""
    labels = [
        _FIELD_LABELS.get(k, k) for k in after if k not in {"name_pinyin", "name_initials", "area_path"}
    ]
    return "修改了：" + "、".join(labels) if labels else ""


@register
def registry_events(elder: Elder, user: Any) -> Iterable[TimelineEvent]:
    for entry in AuditEntry.objects.filter(subject_id=elder.pk).order_by("-time")[:200]:
        if entry.verb == "elder.create":
            title, detail, tone = "登记入册", "", "primary"
        elif entry.verb == "elder.import.update":
            title, detail, tone = "批量导入更新", describe_change(entry.after), "secondary"
        elif entry.verb.startswith("elder.status."):
            title, detail, tone = "状态变更", entry.message or describe_change(entry.after), "dark"
        elif entry.verb.startswith("certification."):
            title = {"certification.create": "新增认定", "certification.update": "修改认定"}.get(
                entry.verb, "删除认定"
            )
            detail, tone = entry.object_repr, "warning"
        elif entry.verb.startswith("contact."):
            title, detail, tone = "联系人变更", entry.object_repr, "info"
        else:
            title, detail, tone = "信息修改", describe_change(entry.after), "secondary"
        yield TimelineEvent(entry.time, "登记", title, detail, actor=entry.actor_name, tone=tone)


@register
def certification_events(elder: Elder, user: Any) -> Iterable[TimelineEvent]:
    url = reverse("people:elder_detail", args=[elder.pk]) + "#certifications"
    for cert in elder.certifications.all():
        label = cert.get_category_display()
        yield TimelineEvent(
            _as_datetime(cert.valid_from), "认定", f"{label}认定生效", cert.certified_by, url, tone="warning"
        )
        if cert.valid_to and cert.valid_to <= timezone.localdate():
            yield TimelineEvent(
                _as_datetime(cert.valid_to), "认定", f"{label}认定终止", cert.note, url, tone="light"
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
        "登记",
        "批量导入登记",
        f"导入批次 #{batch.pk}：{batch.filename}",
        actor=batch.actor_name,
        tone="primary",
    )
