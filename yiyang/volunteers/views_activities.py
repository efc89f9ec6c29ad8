"""Pages of activities: the event, sign-ups, tickets with a code to scan at the door, staff credited."""

from __future__ import annotations

import io
from typing import Any

import segno
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from yiyang.areas.models import AreaLevel
from yiyang.core import crypto
from yiyang.core.errors import error_text
from yiyang.core.exporting import datetime_, integer, text
from yiyang.core.forms import ScopedModelForm
from yiyang.core.idnumber import IdNumberError, parse_id_number
from yiyang.core.views import ObjectDetailView, ObjectEditView, ObjectListView
from yiyang.people.models import Elder
from yiyang.volunteers.actions import activities as actions
from yiyang.volunteers.filtersets import ActivityFilterSet
from yiyang.volunteers.models import Activity, Participation, Volunteer
from yiyang.volunteers.tables import ActivityTable


class ActivityForm(ScopedModelForm):
    class Meta:
        model = Activity
        fields = ["name", "kind", "area", "place", "starts_at", "ends_at", "capacity", "description"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        area: Any = self.fields["area"]
        area.queryset = area.queryset.filter(level__in=[AreaLevel.STREET, AreaLevel.COMMUNITY])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("结束时间必须晚于开始时间"))
        return data


class SignUpForm(forms.Form):
    elder = forms.CharField(label=gettext_lazy("老人身份证号"), max_length=30)
    by = forms.ChoiceField(label=gettext_lazy("报名方式"), choices=[("社区代报名", gettext_lazy("社区代报名")),
                                                                  ("老人本人报名", gettext_lazy("老人本人报名"))])  # fmt: skip


class ActivityListView(ObjectListView):
    model = Activity
    filterset = ActivityFilterSet
    table = ActivityTable
    export_columns = [
        text("活动名称", "name"), text("类型", lambda a: a.get_kind_display()), text("地点", "place"),
        datetime_("开始时间", "starts_at"), datetime_("结束时间", "ends_at"), integer("名额", "capacity"),
        integer("报名人数", "signed"), integer("签到人数", "attended"),
    ]  # fmt: skip

    def get_queryset(self, action: str | None = None) -> Any:
        from django.db.models import Count, Q

        return super().get_queryset(action).annotate(
            signed=Count("participants", filter=Q(participants__elder__isnull=False)),
            attended=Count("participants", filter=Q(participants__elder__isnull=False,
                                                    participants__attended_at__isnull=False)),
        )  # fmt: skip


class ActivityEditView(ObjectEditView):
    model = Activity
    form = ActivityForm


class ActivityDetailView(ObjectDetailView):
    model = Activity
    template_name = "volunteers/activity_detail.html"

    def get_context(self, obj: Activity) -> dict[str, Any]:
        context = super().get_context(obj)
        user = self.request.user
        rows = obj.participants.select_related("elder", "volunteer")
        may_change = Activity.objects.for_user(user, "change").filter(pk=obj.pk).exists()
        elders = [r for r in rows if r.elder_id]
        context.update(
            elders=elders, staff=[r for r in rows if r.volunteer_id], may_change=may_change,
            attended=sum(1 for r in elders if r.attended_at), signup_form=getattr(self, "signup_form", None) or SignUpForm(),
            volunteers=Volunteer.objects.for_user(user).filter(status="active").order_by("name")[:300] if may_change else [],
        )  # fmt: skip
        return context


class ActivityVerbView(ActivityDetailView):
    """POST sign_up (an elder by ID number), staff (a volunteer), credit (the staff's hours)."""

    action = "change"

    def post(self, request: HttpRequest, pk: int, verb: str) -> HttpResponse:
        self.check_permission()
        activity = self.get_object()
        try:
            if verb == "sign_up":
                form = SignUpForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("请填写老人身份证号"))
                elder = _elder(request.user, form.cleaned_data["elder"])
                actions.activity_sign_up(
                    activity=activity, elder=elder, actor=request.user, by=form.cleaned_data["by"]
                )
                messages.success(request, _("已报名：%(elder)s") % {"elder": elder.name})
            elif verb == "staff":
                key = request.POST.get("volunteer", "")
                volunteer = (
                    Volunteer.objects.for_user(request.user)
                    .filter(pk=int(key) if key.isdigit() else 0)
                    .first()
                )
                if volunteer is None:
                    raise ValidationError(_("请选择志愿者"))
                actions.activity_add_staff(activity=activity, volunteer=volunteer, actor=request.user)
                messages.success(request, _("已加入服务志愿者：%(name)s") % {"name": volunteer.name})
            elif verb == "credit":
                made = actions.activity_credit_staff(activity=activity, actor=request.user)
                messages.success(request, _("已为签到的志愿者计入时长（%(n)s 笔）") % {"n": len(made)})
            else:
                raise Http404
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return HttpResponseRedirect(activity.get_absolute_url())


def _elder(user: Any, raw: str) -> Elder:
    try:
        parsed = parse_id_number(raw)
    except IdNumberError as exc:
        raise ValidationError(exc.message) from exc
    elder = (
        Elder.objects.for_user(user)
        .filter(id_number_hash=crypto.lookup_hash(parsed.value), status="living")
        .first()
    )
    if elder is None:
        raise ValidationError(_("您的管辖范围内没有这位在册老人"))
    return elder


class TicketView(ObjectDetailView):
    """A participant's ticket: the QR code the door's phone scans."""

    model = Participation
    template_name = "volunteers/ticket.html"

    def get_context(self, obj: Participation) -> dict[str, Any]:
        context = super().get_context(obj)
        url = self.request.build_absolute_uri(reverse("volunteers:participation_attend", args=[obj.code]))
        buffer = io.BytesIO()
        segno.make(url, error="m").save(buffer, kind="svg", scale=6, xmldecl=False, svgns=False)
        context.update(qr=mark_safe(buffer.getvalue().decode()), url=url)
        return context

    def breadcrumbs(self) -> list[tuple[str, str]]:
        return [(str(Activity._meta.verbose_name_plural), reverse("volunteers:activity_list"))]


class AttendView(View):
    """The scanned code: GET shows who it is, POST records the attendance (once)."""

    def _row(self, request: HttpRequest, code: str) -> Participation:
        if not request.user.has_perm("volunteers.attend_activity"):
            raise PermissionDenied
        row = Participation.objects.for_user(request.user).select_related("activity", "elder", "volunteer")
        found = row.filter(code=code).first()
        if found is None:
            raise Http404
        return found

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        if not request.user.is_authenticated:
            return HttpResponseRedirect(f"{reverse('accounts:login')}?next={request.path}")
        row = self._row(request, code)
        return render(request, "volunteers/attend.html", {"row": row, "title": _("活动签到")})

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        if not request.user.is_authenticated:
            return HttpResponseRedirect(reverse("accounts:login"))
        row = self._row(request, code)
        try:
            row, new = actions.participation_attend(code=code, actor=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("签到成功") if new else _("已签到过，不重复记录"))
        return HttpResponseRedirect(reverse("volunteers:participation_attend", args=[row.code]))
