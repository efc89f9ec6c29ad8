"""The service chain on the elder's timeline: orders, visits, sign-off, exceptions, ratings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.people.models import Elder
from yiyang.people.timeline import TimelineEvent, register
from yiyang.services.models import ServiceException, WorkOrder

_TONES = {"verified": "success", "cancelled": "light", "new": "info"}


@register
def service_events(elder: Elder, user: Any) -> Iterable[TimelineEvent]:
    """Events of orders the viewer may see (provider staff only their own organisation's)."""
    orders = (
        WorkOrder.objects.for_user(user, "view")
        .filter(elder=elder)
        .select_related("item", "provider", "worker", "visit")
        .order_by("-scheduled_start")[:100]
    )
    for order in orders:
        url = reverse("services:workorder_detail", args=[order.pk])
        yield TimelineEvent(
            order.created_at,
            _("服务"),
            _("受理%(item)s（%(source)s）") % {"item": order.item.name, "source": order.get_source_display()},
            _("%(number)s · 预约 %(time)s")
            % {"number": order.number, "time": f"{timezone.localtime(order.scheduled_start):%Y-%m-%d %H:%M}"},
            url,
            tone="info",
        )
        visit = getattr(order, "visit", None)
        if visit is not None:
            detail = f"{order.provider} · {visit.worker.name}"
            if visit.checkout_at:
                detail += _(" · %(minutes)s 分钟") % {"minutes": visit.minutes}
            yield TimelineEvent(
                visit.checkin_at,
                _("服务"),
                _("上门%(item)s") % {"item": order.item.name},
                detail,
                url,
                tone="primary",
            )
            if visit.signed_at:
                yield TimelineEvent(
                    visit.signed_at,
                    _("服务"),
                    _("服务签字认证"),
                    visit.get_signoff_method_display(),
                    url,
                    tone="success",
                )
        elif order.status == "cancelled":
            yield TimelineEvent(
                order.updated_at,
                _("服务"),
                _("取消%(item)s") % {"item": order.item.name},
                order.number,
                url,
                tone="light",
            )
    exceptions = (
        ServiceException.objects.for_user(user, "view")
        .filter(work_order__elder=elder)
        .select_related("work_order")[:50]
    )
    for exc in exceptions:
        yield TimelineEvent(
            exc.created_at,
            _("服务"),
            _("服务异常：%(kind)s") % {"kind": exc.get_kind_display()},
            f"{exc.work_order.number} {exc.detail}",
            reverse("services:workorder_detail", args=[exc.work_order_id]),
            tone="warning",
        )
