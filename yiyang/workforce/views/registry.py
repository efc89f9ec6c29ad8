"""Pages of the registry: care workers (list, export, detail, edit, leave) and certificates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views import View

from yiyang.core.errors import error_text
from yiyang.core.exporting import date, text
from yiyang.core.scoping import is_in_scope
from yiyang.core.views import ObjectDetailView, ObjectEditView, ObjectListView, ScopedViewMixin
from yiyang.people.exports import CLEAR_EXPORT
from yiyang.workforce import actions
from yiyang.workforce.filtersets import CareWorkerFilterSet, CertificateFilterSet
from yiyang.workforce.forms import CareWorkerForm, CertificateForm, LeaveForm
from yiyang.workforce.models import CareWorker, Certificate, PostSubsidyLine, Trainee
from yiyang.workforce.tables import CareWorkerTable, CertificateTable


def _best_certificate(worker: CareWorker) -> str:
    best = min(worker.certificates.all(), key=lambda c: c.level, default=None)
    return str(best.get_level_display()) if best else ""


CAREWORKER_EXPORT_COLUMNS = [
    text("姓名", "name"), text("身份证号", "id_number_masked", clear="id_number"),
    text("性别", lambda w: w.get_sex_display()), date("出生日期", "birth_date"),
    text("手机号", "phone_masked", clear="phone"), text("用人单位类型", lambda w: w.get_employer_kind_display()),
    text("用人单位", lambda w: str(w.employer or "")), text("工作地", "area__name"),
    text("岗位", lambda w: w.get_post_display()), date("从事养老护理工作起始日期", "post_since"),
    text("最高证书等级", _best_certificate), text("健康证编号", "health_certificate_number"),
    date("健康证有效期至", "health_certificate_expires"), text("状态", lambda w: w.get_status_display()),
    date("离职日期", "left_on"), text("开户银行", "bank_name"),
    text("银行账号", "account_masked", clear="account"),
]  # fmt: skip


class CareWorkerListView(ObjectListView):
    model = CareWorker
    filterset = CareWorkerFilterSet
    table = CareWorkerTable
    export_columns = CAREWORKER_EXPORT_COLUMNS
    clear_export_permission = CLEAR_EXPORT

    def get_queryset(self, action: str | None = None) -> Any:
        return (
            super()
            .get_queryset(action)
            .select_related("area", "provider", "institution", "canteen")
            .prefetch_related("certificates")
        )


class CareWorkerDetailView(ObjectDetailView):
    model = CareWorker
    template_name = "workforce/careworker_detail.html"
    log_views = True

    def get_context(self, obj: CareWorker) -> dict[str, Any]:
        context = super().get_context(obj)
        user = self.request.user
        context.update(
            certificates=Certificate.objects.for_user(user).filter(worker=obj).order_by("level", "-valid_from"),
            trainings=Trainee.objects.for_user(user).filter(worker=obj).select_related("training_class"),
            lines=PostSubsidyLine.objects.for_user(user).filter(worker=obj).select_related("roll")
            .order_by("-month")[:24],
            service_worker=getattr(obj, "service_worker", None),
            can_change=user.has_perm("workforce.change_careworker") and is_in_scope(user, obj, "change"),
            can_leave=obj.status == "active" and user.has_perm("workforce.leave_careworker")
            and is_in_scope(user, obj, "leave"),
            can_add_certificate=user.has_perm("workforce.add_certificate") and is_in_scope(user, obj, "change"),
            leave_form=getattr(self, "leave_form", None) or LeaveForm(),
        )  # fmt: skip
        return context


class CareWorkerEditView(ObjectEditView):
    model = CareWorker
    form = CareWorkerForm


class CareWorkerLeaveView(ScopedViewMixin, View):
    """POST: 离职 (the date and the reason); a refusal becomes a message on the worker's page."""

    model = CareWorker
    action = "leave"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        worker = self.get_object()
        form = LeaveForm(request.POST)
        if not form.is_valid():
            messages.error(request, error_text([str(e) for errs in form.errors.values() for e in errs]))
            return HttpResponseRedirect(worker.get_absolute_url())
        try:
            actions.careworker_leave(worker=worker, left_on=form.cleaned_data["left_on"],
                                     reason=form.cleaned_data["exit_reason"], actor=request.user)  # fmt: skip
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("已办理离职：%(name)s") % {"name": worker.name})
        return HttpResponseRedirect(worker.get_absolute_url())


class CertificateListView(ObjectListView):
    model = Certificate
    filterset = CertificateFilterSet
    table = CertificateTable
    export_columns = [
        text("姓名", "worker__name"), text("身份证号", "worker__id_number_masked"),
        text("等级", lambda c: c.get_level_display()), text("发证机构", "issuer"), text("证书编号", "number"),
        date("发证日期", "valid_from"), date("有效期至", "valid_to"),
    ]  # fmt: skip

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("worker")


class CertificateEditView(ObjectEditView):
    model = Certificate
    form = CertificateForm

    def get_form(self, data: Any = None, files: Any = None) -> Any:
        form = super().get_form(data, files)
        worker = self.request.GET.get("worker", "")
        if self.creating and data is None and worker.isdigit():
            form.initial["worker"] = int(worker)
        return form
