"""The visit on a phone: "my visits today" in walking order, the visit form, and the offline pieces.

The page is a shell that draws the day's list from ``today/data/`` and keeps it (and the visits not
yet sent) on the phone; ``sw.js`` serves the shell and its scripts from the cache when the network is
gone. A visit is sent to the API's ``record`` verb with its client key, so a resend stores nothing new.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from yiyang.core.views import require_perm
from yiyang.visits import actions
from yiyang.visits.choices import Condition, Mood, Need, Seen, SignedBy, TaskKind
from yiyang.visits.route import walking_order

PERFORM = "visits.perform_visittask"


def _position(request: HttpRequest) -> tuple[float, float] | None:
    try:
        lat, lng = float(request.GET["lat"]), float(request.GET["lng"])
    except (KeyError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return lat, lng


def _choices(choices: Any) -> list[list[str]]:
    return [[value, str(label)] for value, label in choices if value]


def _texts() -> dict[str, str]:
    """What the page's script says, in the user's language."""
    return {
        "online": _("在线"),
        "offline": _("离线"),
        "queued": _("有 %(n)s 条走访记录保存在手机上，联网后自动上传"),
        "sent": _("走访记录已上传：%(name)s"),
        "refused": _("未能保存（%(name)s）：%(error)s"),
        "empty": _("今天没有待走访的任务"),
        "cached": _("离线：显示上次下载的名单"),
        "overdue": _("已逾期"),
        "due": _("截止"),
        "metres": _("约 %(m)s 米"),
        "waiting": _("待上传"),
        "checked": _("已签到 %(time)s"),
        "noPosition": _("（未取得位置）"),
        "needSeen": _("请选择见到了谁"),
        "needSigner": _("请填写签字人姓名"),
        "needDetail": _("请说明发现的需求或危险"),
        "anyItem": _("服务项目（可不选）"),
        "checkinFirst": _("请先点“到达签到”"),
        "noNeed": _("没有发现需求"),
        "totals": _("共 %(open)s 户待走访（逾期 %(overdue)s 户），这里按紧急程度排出 %(n)s 户"),
        "nextBatch": _("下一批"),
        "firstBatch": _("回到最紧急的一批"),
    }


class TodayView(LoginRequiredMixin, View):
    """今日走访: the shell page (large buttons, 375 px)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, PERFORM)
        return render(
            request,
            "visits/today.html",
            {
                "title": _("今日走访"),
                "breadcrumbs": [(_("今日走访"), "")],
                "data_url": reverse("visits:today_data"),
                "record_url": reverse("visittask-record", args=[0]),
                "sw_url": reverse("visits:service_worker"),
                "texts": _texts(),
            },
        )


class TodayDataView(LoginRequiredMixin, View):
    """The day's open visits of the signed-in worker, nearest first from ``?lat=&lng=``.

    The most urgent ``actions.DAY_SIZE`` open tasks (earliest due first, overdue ones at the head)
    in walking order, with how many are open and overdue in all; ``?after=`` (the ``next`` cursor of
    the previous answer) gives the following batch.
    """

    def get(self, request: HttpRequest) -> JsonResponse:
        require_perm(request, PERFORM)
        today = timezone.localdate()
        day = actions.my_day(request.user, today, after=request.GET.get("after"))
        stops = [
            (t, (t.elder.latitude, t.elder.longitude) if t.elder.latitude is not None and t.elder.longitude is not None
             else None)
            for t in day.tasks
        ]  # fmt: skip
        from yiyang.services.models import ServiceItem

        items = [
            [i.pk, i.name]
            for i in ServiceItem.objects.all().order_by("category", "code")
            if i.is_valid_on(today)
        ]
        kinds = {value: str(label) for value, label in TaskKind.choices}
        return JsonResponse(
            {
                "day": today.isoformat(),
                "open": day.open,
                "overdue": day.overdue,
                "next": day.next,
                "tasks": [
                    {
                        "id": t.pk,
                        "elder": t.elder.name,
                        "address": t.elder.address,
                        "reason": t.reason,
                        "kind": kinds.get(t.kind, t.kind),
                        "attempt": t.attempt,
                        "due": t.due_date.isoformat(),
                        "overdue": t.due_date < today,
                        "metres": round(m) if m is not None else None,
                    }
                    for t, m in walking_order(_position(request), stops)
                ],
                "choices": {
                    "seen": _choices(Seen.choices),
                    "condition": _choices(Condition.choices),
                    "mood": _choices(Mood.choices),
                    "need": _choices(Need.choices),
                    "signed_by": _choices(SignedBy.choices),
                    "service_items": items,
                },
            }
        )


class ServiceWorkerView(View):
    """The service worker, served from /visits/ so that it may look after the pages under it."""

    def get(self, request: HttpRequest) -> HttpResponse:
        path = finders.find("visits/sw.js")
        if not path:
            raise Http404
        with open(str(path), encoding="utf-8") as handle:
            body = handle.read()
        response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
        response["Service-Worker-Allowed"] = reverse("visits:today").rsplit("today/", 1)[0]
        response["Cache-Control"] = "no-cache"
        return response
