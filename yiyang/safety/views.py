"""Pages of the safety module: device registry, the live alarm board, check-ins and service levels."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View

from yiyang.core import audit
from yiyang.core.errors import error_text
from yiyang.core.exporting import (
    Column,
    Sheet,
    date,
    datetime_,
    download,
    integer,
    minutes,
    month,
    percent,
    text,
    xlsx_bytes,
)
from yiyang.core.i18n import records_language
from yiyang.core.models import AccessLog, AuditEntry
from yiyang.core.scoping import home_path
from yiyang.core.views import ObjectDetailView, ObjectEditView, ObjectListView, ScopedViewMixin, require_perm
from yiyang.people.exports import CLEAR_EXPORT, id_number_column
from yiyang.people.models import Elder, ElderContact
from yiyang.safety import actions, rules, selectors
from yiyang.safety.choices import AlarmStatus, DispatchTarget, TaskStatus
from yiyang.safety.filtersets import (
    AlarmFilterSet,
    DeviceEventFilterSet,
    DeviceFilterSet,
    MaintenanceTaskFilterSet,
    RejectedMessageFilterSet,
)
from yiyang.safety.forms import (
    CallForm,
    CheckInForm,
    CloseForm,
    DeviceForm,
    DeviceTestForm,
    DispatchForm,
    RevealReasonForm,
    RuleConfigForm,
)
from yiyang.safety.models import (
    Alarm,
    CheckIn,
    Device,
    DeviceEvent,
    MaintenanceTask,
    RejectedMessage,
    RuleConfig,
)
from yiyang.safety.tables import (
    AlarmTable,
    DeviceEventTable,
    DeviceTable,
    MaintenanceTaskTable,
    RejectedMessageTable,
    RuleConfigTable,
)

# -- devices -----------------------------------------------------------------------------------------

DEVICE_EXPORT_COLUMNS: list[Column] = [
    text("序列号", "serial"),
    text("类型", lambda d: d.get_kind_display()),
    text("型号", "device_model"),
    text("老人", "elder__name"),
    id_number_column("elder__"),
    text("安装人/单位", "installer"),
    date("安装日期", "installed_on"),
    integer("电量%", "battery"),
    datetime_("最近通信时间", "last_seen_at"),
    date("最近测试日期", "last_tested_on"),
    text("状态", lambda d: d.get_status_display()),
]


class DeviceListView(ObjectListView):
    model = Device
    filterset = DeviceFilterSet
    table = DeviceTable
    export_columns = DEVICE_EXPORT_COLUMNS
    clear_export_permission = CLEAR_EXPORT

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("elder")


class DeviceDetailView(ObjectDetailView):
    model = Device
    template_name = "safety/device_detail.html"

    def get_context(self, obj: Device) -> dict[str, Any]:
        context = super().get_context(obj)
        user = self.request.user
        context.update(
            tests=obj.tests.all()[:24],
            events=obj.events.order_by("-received_at")[:30],
            tasks=obj.tasks.all()[:20],
            alarms=obj.alarms.order_by("-raised_at")[:10],
            can_change=user.has_perm("safety.change_device"),
            can_test=user.has_perm("safety.add_devicetest"),
            test_form=DeviceTestForm(initial={"tested_on": timezone.localdate(), "passed": True}),
        )
        return context


class DeviceEditView(ObjectEditView):
    model = Device
    form = DeviceForm

    def get_form(self, data: Any = None, files: Any = None) -> BaseForm:
        form = super().get_form(data, files)
        if self.creating and data is None and self.request.GET.get("elder"):
            form.initial["elder"] = self.request.GET["elder"]
        return form

    def save_object(self, form: BaseForm) -> Device:
        device = form.save(commit=False)  # type: ignore[attr-defined]
        return actions.device_save(device=device, actor=self.request.user)


class DeviceTestAddView(ScopedViewMixin, View):
    model = Device
    action = "view"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("safety.add_devicetest"):
            raise PermissionDenied
        device = self.get_object()
        form = DeviceTestForm(request.POST)
        if form.is_valid():
            actions.device_test_record(
                device=device,
                tested_on=form.cleaned_data["tested_on"],
                passed=form.cleaned_data["passed"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
            messages.success(request, _("已登记测试"))
        else:
            messages.error(request, _("请填写测试日期"))
        return HttpResponseRedirect(device.get_absolute_url())


class DeviceEventListView(ObjectListView):
    model = DeviceEvent
    filterset = DeviceEventFilterSet
    table = DeviceEventTable

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("device")


class MaintenanceTaskListView(ObjectListView):
    model = MaintenanceTask
    filterset = MaintenanceTaskFilterSet
    table = MaintenanceTaskTable

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("device")

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if "status" not in request.GET:
            query = request.GET.copy()
            query["status"] = TaskStatus.OPEN
            request.GET = query  # type: ignore[assignment]
        return super().get(request, **kwargs)


class MaintenanceTaskCloseView(ScopedViewMixin, View):
    model = MaintenanceTask
    action = "change"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        task = self.get_object()
        try:
            actions.maintenance_task_close(task=task, note=request.POST.get("note", ""), actor=request.user)
            messages.success(request, _("已完成：%(task)s") % {"task": task})
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return HttpResponseRedirect(reverse("safety:maintenancetask_list"))


# -- unscoped reference lists ------------------------------------------------------------------------


class RejectedMessageListView(ObjectListView):
    model = RejectedMessage
    filterset = RejectedMessageFilterSet
    table = RejectedMessageTable

    def list_url(self) -> str:
        return reverse("safety:rejected_list")


class RuleConfigListView(ObjectListView):
    model = RuleConfig
    filterset = RejectedMessageFilterSet  # replaced below: rules need no search
    table = RuleConfigTable
    template_name = "safety/ruleconfig_list.html"

    def filtered(self) -> tuple[Any, models.QuerySet[Any]]:
        return None, self.get_queryset()

    def get_context(self, **extra: Any) -> dict[str, Any]:
        context = super().get_context(**extra)
        context["title"] = _("监护规则")
        return context


class RuleConfigEditView(ObjectEditView):
    model = RuleConfig
    form = RuleConfigForm


# -- alarms ------------------------------------------------------------------------------------------

ALARM_EXPORT_COLUMNS: list[Column] = [
    integer("编号", "pk"),
    text("类型", lambda a: a.get_kind_display()),
    text("老人", "elder__name"),
    id_number_column("elder__"),
    datetime_("告警时间", "raised_at", seconds=True),
    integer("事件次数", "event_count"),
    text("状态", lambda a: a.get_status_display()),
    minutes("接警用时（分钟）", lambda a: a.seconds_between("raised_at", "acknowledged_at")),
    minutes("联系上用时（分钟）", lambda a: a.seconds_between("raised_at", "reached_at")),
    minutes("到场用时（分钟）", lambda a: a.seconds_between("raised_at", "on_site_at")),
    text("处置结果", lambda a: a.get_outcome_display()),
]


class AlarmListView(ObjectListView):
    model = Alarm
    filterset = AlarmFilterSet
    table = AlarmTable
    export_columns = ALARM_EXPORT_COLUMNS
    clear_export_permission = CLEAR_EXPORT

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("elder")


def _panel_context(request: HttpRequest, alarm: Alarm, error: str = "") -> dict[str, Any]:
    user = request.user
    elder = alarm.elder
    contacts = list(elder.contacts.order_by("priority", "id"))
    calls = list(alarm.calls.all())
    # The next one to call: the elder first, then contacts in their order, skipping those reached.
    called = {c.contact_id for c in calls if c.contact_id} | (
        {None} if any(c.contact_id is None for c in calls) else set()
    )

    def took(field: str) -> float | None:
        return alarm.seconds_between("raised_at", field)

    steps = [
        (pgettext("alarm step", "告警"), alarm.raised_at, None),
        (pgettext("alarm step", "接警"), alarm.acknowledged_at, took("acknowledged_at")),
        (pgettext("alarm step", "开始联系"), alarm.contacting_at, took("contacting_at")),
        (pgettext("alarm step", "联系上"), alarm.reached_at, took("reached_at")),
        (pgettext("alarm step", "派遣"), alarm.dispatched_at, took("dispatched_at")),
        (pgettext("alarm step", "到场"), alarm.on_site_at, took("on_site_at")),
        (pgettext("alarm step", "关闭"), alarm.closed_at, took("closed_at")),
    ]
    history = Alarm.objects.for_user(user).filter(elder=elder).exclude(pk=alarm.pk).order_by("-raised_at")[:5]
    grid_workers = ", ".join(
        u.get_full_name() or u.username
        for u in get_user_model().objects.filter(assignments__area=elder.area, is_active=True)[:3]
    )
    return {
        "alarm": alarm,
        "elder": elder,
        "contacts": contacts,
        "keyholders": [c for c in contacts if c.is_keyholder],
        "calls": calls,
        "called": called,
        "steps": [
            (label, at, selectors.format_seconds(secs) if secs is not None else "")
            for label, at, secs in steps
        ],
        "history": history,
        "can_handle": user.has_perm("safety.change_alarm") and alarm.is_open,
        "can_reveal": user.has_perm("people.reveal_elder"),
        "dispatch_targets": DispatchTarget.choices,
        "default_dispatch_to": grid_workers or f"{elder.area.name}网格员",
        "outcomes": CloseForm.base_fields["outcome"].choices,  # type: ignore[attr-defined]
        "error": error,
        "S": AlarmStatus,
    }


class AlarmDetailView(ObjectDetailView):
    model = Alarm
    template_name = "safety/alarm_detail.html"

    def get_context(self, obj: Alarm) -> dict[str, Any]:
        context = super().get_context(obj)
        context.update(_panel_context(self.request, obj))
        context["audit"] = AuditEntry.objects.filter(
            object_type="safety.alarm", object_id=str(obj.pk)
        ).order_by("time")
        context["events"] = obj.events.order_by("-received_at")[:20]
        return context


class AlarmPanelView(ScopedViewMixin, View):
    """The board's right-hand panel for one alarm (htmx fragment)."""

    model = Alarm

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        alarm = (
            Alarm.objects.for_user(request.user)
            .select_related("elder", "elder__area", "device")
            .filter(pk=pk)
            .first()
        )
        if alarm is None:
            raise Http404
        return render(request, "safety/_alarm_panel.html", _panel_context(request, alarm))


class AlarmActionView(ScopedViewMixin, View):
    """POST a workflow step; answers with the refreshed panel (htmx) or a redirect."""

    model = Alarm
    action = "change"
    step = ""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        alarm = self.get_object()
        error = ""
        try:
            self.perform(alarm)
        except ValidationError as exc:
            error = error_text(exc)
        alarm = Alarm.objects.select_related("elder", "elder__area", "device").get(pk=alarm.pk)
        if getattr(request, "htmx", False):
            return render(request, "safety/_alarm_panel.html", _panel_context(request, alarm, error))
        if error:
            messages.error(request, error)
        return HttpResponseRedirect(alarm.get_absolute_url())

    def perform(self, alarm: Alarm) -> None:
        user, data = self.request.user, self.request.POST
        if self.step == "acknowledge":
            actions.alarm_acknowledge(alarm=alarm, actor=user)
        elif self.step == "contact":
            form = CallForm(data)
            if not form.is_valid():
                raise ValidationError(_("请选择通话结果"))
            contact = None
            if form.cleaned_data["contact"]:
                contact = ElderContact.objects.filter(
                    pk=form.cleaned_data["contact"], elder_id=alarm.elder_id
                ).first()
                if contact is None:
                    raise ValidationError(_("联系人不存在"))
            actions.alarm_call(
                alarm=alarm,
                contact=contact,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                actor=user,
            )
        elif self.step == "dispatch":
            dform = DispatchForm(data)
            if not dform.is_valid():
                raise ValidationError(_("请选择派遣对象"))
            actions.alarm_dispatch(
                alarm=alarm, target=dform.cleaned_data["target"], to=dform.cleaned_data["to"], actor=user
            )
        elif self.step == "arrive":
            actions.alarm_arrive(alarm=alarm, note=data.get("note", ""), actor=user)
        elif self.step == "close":
            cform = CloseForm(data)
            if not cform.is_valid():
                raise ValidationError(_("请选择处置结果并填写处置记录"))
            actions.alarm_close(
                alarm=alarm,
                outcome=cform.cleaned_data["outcome"],
                notes=cform.cleaned_data["notes"],
                actor=user,
            )
        else:  # pragma: no cover - routes name the step
            raise Http404


class ContactRevealView(ScopedViewMixin, View):
    """A contact's phone in clear for the operator, with a logged reason (htmx fragment)."""

    model = ElderContact
    action = "view"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        contact = self.get_object()
        form = RevealReasonForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("请填写查看事由"))
            value = actions.contact_phone_reveal(
                contact=contact, reason=form.cleaned_data["reason"], actor=request.user
            )
        except (ValidationError, PermissionDenied) as exc:
            text = error_text(exc) if isinstance(exc, ValidationError) else _("无权查看")
            return HttpResponse(format_html('<span class="text-danger">{}</span>', text), status=400)
        return HttpResponse(format_html('<span class="font-monospace revealed">{}</span>', value))


# -- the live board ----------------------------------------------------------------------------------


@login_required
def board(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("safety.view_alarm"):
        raise PermissionDenied
    title = _("告警看板")
    return render(request, "safety/board.html", {"title": title, "breadcrumbs": [(title, "")]})


@login_required
def board_list(request: HttpRequest) -> HttpResponse:
    """The board's list (htmx, every 2 s): exact counts, then the first ``limit`` alarms; the page
    asks for more in steps, and keeps asking for as many on each refresh."""
    if not request.user.has_perm("safety.view_alarm"):
        raise PermissionDenied
    step = selectors.BOARD_STEP
    try:
        limit = max(step, int(request.GET.get("limit", step)))
    except ValueError:
        limit = step
    counts = selectors.board_counts(request.user)
    limit = min(limit, max(step, counts.open + step))  # a typed huge number reads no more than exists
    alarms = selectors.board_alarms(request.user, limit=limit)
    shown_open = sum(a.is_open for a in alarms)
    return render(
        request,
        "safety/_board_list.html",
        {
            "alarms": alarms,
            "counts": counts,
            "shown_open": shown_open,
            "remaining": counts.open - shown_open,
            "next_limit": limit + step,
            "now": timezone.now(),
        },
    )


# -- daily check-in ----------------------------------------------------------------------------------


@login_required
def checkin_today(request: HttpRequest) -> HttpResponse:
    """Elders whose rule asks for a daily check-in, and whether they have checked in today."""
    user = request.user
    if not user.has_perm("safety.view_checkin"):
        raise PermissionDenied
    today = timezone.localdate()
    rule_groups = [r.group for r in rules.current_rules(today).values() if r.checkin_required]
    q = models.Q(pk__in=[])
    for group in rule_groups:
        q |= rules.group_q(group, today)
    elders = (
        Elder.objects.for_user(user)
        .filter(q, status="living", devices__status="active")
        .distinct()
        .select_related("area")
        .order_by("area_path", "name_pinyin")
    )
    show = request.GET.get("show", "missing")
    done = dict(CheckIn.objects.for_user(user).filter(day=today).values_list("elder_id", "method"))
    if show == "missing":
        elders = elders.exclude(pk__in=CheckIn.objects.filter(day=today).values("elder_id"))
    rows = list(elders[:200])
    return render(
        request,
        "safety/checkin_today.html",
        {
            "title": _("平安签到"),
            "breadcrumbs": [(_("平安签到"), "")],
            "rows": rows,
            "done": done,
            "today": today,
            "show": show,
            "form": CheckInForm(),
            "can_add": user.has_perm("safety.add_checkin"),
        },
    )


@login_required
def checkin_record(request: HttpRequest, elder_pk: int) -> HttpResponse:
    if request.method != "POST":
        raise Http404
    require_perm(request, "safety.add_checkin")  # a role without it is refused wherever the elder is
    elder = Elder.objects.get_for_user_or_404(request.user, "view", pk=elder_pk)
    form = CheckInForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请选择方式"))
        actions.checkin_record(
            elder=elder,
            method=form.cleaned_data["method"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
        messages.success(request, _("已登记 %(name)s 今日平安") % {"name": elder.name})
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    except PermissionDenied:
        raise
    return HttpResponseRedirect(reverse("safety:checkin_today"))


# -- service levels ----------------------------------------------------------------------------------


def _month_start(day: datetime.date, back: int = 0) -> datetime.date:
    y, m = day.year, day.month - back
    while m <= 0:
        y, m = y - 1, m + 12
    return datetime.date(y, m, 1)


def _parse_date(value: str | None, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else default
    except ValueError:
        return default


@login_required
def sla(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.has_perm("safety.view_alarm"):
        raise PermissionDenied
    today = timezone.localdate()
    date_from = _parse_date(request.GET.get("date_from"), _month_start(today, 5))
    date_to = _parse_date(request.GET.get("date_to"), today)
    health = selectors.device_health(user, today)
    if request.GET.get("export") == "xlsx":
        # The spreadsheet keeps its Chinese headers, so its rows (合计) are Chinese too.
        with records_language():
            return _sla_export(request, selectors.sla_rows(user, date_from, date_to), health)
    rows = selectors.sla_rows(user, date_from, date_to)
    totals = [r for r in rows if not r.street_path]
    chart = {
        "months": [r.month for r in totals],
        "answered": [
            round(100 * r.answered_share, 1) if r.answered_share is not None else None for r in totals
        ],
        "ack": [round(r.median_ack, 1) if r.median_ack is not None else None for r in totals],
        "arrive": [round(r.median_arrive / 60, 1) if r.median_arrive is not None else None for r in totals],
        "alarms": [r.alarms for r in totals],
    }
    return render(
        request,
        "safety/sla.html",
        {
            "title": _("服务水平"),
            "breadcrumbs": [(_("服务水平"), "")],
            "rows": rows,
            "health": health,
            "date_from": date_from,
            "date_to": date_to,
            "chart": json.dumps(chart),
            "target": 100 * _target(),
            "limit": _limit(),
            "fmt": selectors.format_seconds,
            "can_export": user.has_perm("safety.export_alarm"),
        },
    )


def _target() -> float:
    from django.conf import settings

    return float(settings.SAFETY_ANSWER_TARGET)


def _limit() -> int:
    from django.conf import settings

    return int(settings.SAFETY_ACK_TIMEOUT_SECONDS)


def _sla_export(
    request: HttpRequest, rows: list[selectors.SlaRow], health: list[selectors.DeviceHealth]
) -> HttpResponse:
    if not request.user.has_perm("safety.export_alarm"):
        raise PermissionDenied
    levels = [
        month("月份", lambda r: datetime.date.fromisoformat(f"{r.month}-01")),
        text("街道", "street_name"),
        integer("告警数", "alarms"),
        integer(f"{_limit()}秒内接警", "answered_in_time"),
        percent("接警率", "answered_share"),
        minutes("接警中位（分钟）", "median_ack"),
        minutes("联系上中位（分钟）", "median_reach"),
        minutes("到场中位（分钟）", "median_arrive"),
        integer("已关闭", "closed"),
        integer("误报", "false_alarms"),
        percent("误报率", "false_rate"),
        integer("设备故障", "device_faults"),
    ]
    devices = [
        text("街道", "street_name"),
        integer("在用设备", "active"),
        integer("离线", "silent"),
        integer("本月未测试", "untested"),
        integer("电量低", "low_battery"),
    ]
    content, _count = xlsx_bytes([Sheet("服务水平", levels, rows), Sheet("设备状况", devices, health)])
    audit.record_access(
        actor=request.user,
        kind=AccessLog.Kind.EXPORT,
        object_type="safety.alarm",
        area_path=home_path(request.user),
        row_count=len(rows),
        query=request.GET.urlencode(),
    )
    return download(content, f"服务水平_{timezone.localdate():%Y%m%d}.xlsx")
