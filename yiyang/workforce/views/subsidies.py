"""Pages of post subsidies: the rules, the monthly rolls (generate, review, approve), lines, bank file."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from yiyang.areas.models import Area, AreaLevel
from yiyang.core.errors import error_text
from yiyang.core.exporting import download, integer, money, month, text
from yiyang.core.scoping import is_in_scope
from yiyang.core.views import ObjectDetailView, ObjectEditView, ObjectListView, ScopedViewMixin
from yiyang.workforce import actions
from yiyang.workforce.choices import RollStatus
from yiyang.workforce.filtersets import (
    PostSubsidyLineFilterSet,
    PostSubsidyRollFilterSet,
    PostSubsidyRuleFilterSet,
)
from yiyang.workforce.forms import PostSubsidyRuleForm, RollGenerateForm
from yiyang.workforce.models import PostSubsidyLine, PostSubsidyRoll, PostSubsidyRule
from yiyang.workforce.tables import PostSubsidyLineTable, PostSubsidyRollTable, PostSubsidyRuleTable


class PostSubsidyRuleListView(ObjectListView):
    model = PostSubsidyRule
    filterset = PostSubsidyRuleFilterSet
    table = PostSubsidyRuleTable


class PostSubsidyRuleEditView(ObjectEditView):
    model = PostSubsidyRule
    form = PostSubsidyRuleForm


def roll_areas(user: Any) -> list[tuple[str, str]]:
    """The streets and districts the user may generate a roll for."""
    areas = (
        Area.objects.for_user(user).filter(level__in=[AreaLevel.DISTRICT, AreaLevel.STREET]).order_by("path")
    )
    return [(str(a.pk), a.name) for a in areas]


class PostSubsidyRollListView(ObjectListView):
    model = PostSubsidyRoll
    filterset = PostSubsidyRollFilterSet
    table = PostSubsidyRollTable

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("area")


class PostSubsidyRollGenerateView(ScopedViewMixin, View):
    """GET the form (area and month), POST to generate: the roll's page follows."""

    model = PostSubsidyRoll
    action = "add"
    template_name = "workforce/postsubsidyroll_generate.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        self.check_permission()
        return self.page(RollGenerateForm(areas=roll_areas(request.user)))

    def post(self, request: HttpRequest) -> HttpResponse:
        self.check_permission()
        form = RollGenerateForm(request.POST, areas=roll_areas(request.user))
        if form.is_valid():
            area = Area.objects.for_user(request.user).get(pk=form.cleaned_data["area"])
            try:
                roll = actions.roll_generate(area=area, month=form.cleaned_data["month"], actor=request.user)
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("已生成 %(count)s 人，合计 %(total)s 元")
                    % {"count": roll.line_count, "total": roll.total_amount},
                )
                return HttpResponseRedirect(roll.get_absolute_url())
        return self.page(form)

    def page(self, form: RollGenerateForm) -> HttpResponse:
        title = _("生成岗位补贴花名册")
        return render(self.request, self.template_name, {
            "form": form, "title": title, "breadcrumbs": [*self.breadcrumbs(), (title, "")],
        })  # fmt: skip


class PostSubsidyRollDetailView(ObjectDetailView):
    model = PostSubsidyRoll
    template_name = "workforce/postsubsidyroll_detail.html"

    def get_context(self, obj: PostSubsidyRoll) -> dict[str, Any]:
        context = super().get_context(obj)
        user = self.request.user

        def may(perm: str, action: str) -> bool:
            return user.has_perm(f"workforce.{perm}") and is_in_scope(user, obj, action)

        context.update(
            lines=PostSubsidyLine.objects.for_user(user).filter(roll=obj).select_related("worker")
            .order_by("area_path", "id")[:200],
            can_generate=obj.status == RollStatus.DRAFT and may("add_postsubsidyroll", "add"),
            can_review=obj.status == RollStatus.DRAFT and may("review_postsubsidyroll", "review"),
            can_approve=obj.status == RollStatus.REVIEWED and may("approve_postsubsidyroll", "approve"),
            can_export=obj.status == RollStatus.APPROVED and may("export_postsubsidyroll", "export"),
        )  # fmt: skip
        return context


class PostSubsidyRollVerbView(ScopedViewMixin, View):
    """POST regenerate, review, approve or return."""

    model = PostSubsidyRoll
    ACTIONS = {"generate": "add", "review": "review", "approve": "approve", "return": "approve"}

    def post(self, request: HttpRequest, pk: int, verb: str) -> HttpResponse:
        if verb not in self.ACTIONS:
            raise PermissionDenied
        self.action = self.ACTIONS[verb]
        self.check_permission()
        roll = self.get_object("view")
        try:
            if verb == "generate":
                actions.roll_generate(area=roll.area, month=roll.month, actor=request.user)
            elif verb == "review":
                actions.roll_review(roll=roll, actor=request.user)
            elif verb == "approve":
                actions.roll_approve(roll=roll, actor=request.user)
            else:
                actions.roll_return(roll=roll, actor=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            done = {
                "generate": _("已重新生成：%(roll)s，%(count)s 人"),
                "review": _("已审核：%(roll)s，请区级审批"),
                "approve": _("已审批：%(roll)s，可导出银行代发文件"),
                "return": _("已退回：%(roll)s，街道可重新生成后再审核"),
            }[verb]
            roll.refresh_from_db()
            messages.success(request, done % {"roll": roll, "count": roll.line_count})
        return HttpResponseRedirect(roll.get_absolute_url())


class PostSubsidyBankFileView(ScopedViewMixin, View):
    """GET the bank payment file (.xlsx, or ?format=csv) of an approved roll."""

    model = PostSubsidyRoll
    action = "export"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        roll = self.get_object()
        try:
            content, content_type, filename = actions.roll_bank_file(
                roll=roll, actor=request.user, fmt="csv" if request.GET.get("format") == "csv" else "xlsx"
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            return HttpResponseRedirect(reverse("workforce:postsubsidyroll_detail", args=[roll.pk]))
        return download(content, filename, content_type)


class PostSubsidyLineListView(ObjectListView):
    model = PostSubsidyLine
    filterset = PostSubsidyLineFilterSet
    table = PostSubsidyLineTable
    export_columns = [
        month("发放月份", "month"), text("护理员", "worker__name"), text("证书等级", lambda ln: ln.get_level_display()),
        money("岗位补贴", "post_amount"), integer("工龄（年）", "years"), money("工龄补贴", "seniority_amount"),
        money("应发金额", "amount"), text("状态", lambda ln: ln.roll.get_status_display()),
    ]  # fmt: skip

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("worker", "roll")
