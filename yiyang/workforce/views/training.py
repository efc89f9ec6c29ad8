"""Pages of training: the plan, the classes, a class's trainees (enrol, attendance and exam), 结业发证."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views import View

from yiyang.core.errors import error_text
from yiyang.core.exporting import date, integer, text
from yiyang.core.scoping import is_in_scope
from yiyang.core.views import ObjectDetailView, ObjectEditView, ObjectListView, ScopedViewMixin
from yiyang.workforce import actions
from yiyang.workforce.choices import ClassStatus
from yiyang.workforce.filtersets import TrainingClassFilterSet, TrainingPlanRuleFilterSet
from yiyang.workforce.forms import EnrolForm, TraineeRecordForm, TrainingClassForm, TrainingPlanRuleForm
from yiyang.workforce.models import CareWorker, Trainee, TrainingClass, TrainingPlanRule
from yiyang.workforce.tables import TrainingClassTable, TrainingPlanRuleTable


class TrainingPlanRuleListView(ObjectListView):
    model = TrainingPlanRule
    filterset = TrainingPlanRuleFilterSet
    table = TrainingPlanRuleTable


class TrainingPlanRuleEditView(ObjectEditView):
    model = TrainingPlanRule
    form = TrainingPlanRuleForm


class TrainingClassListView(ObjectListView):
    model = TrainingClass
    filterset = TrainingClassFilterSet
    table = TrainingClassTable
    export_columns = [
        text("班次名称", "name"), text("培训等级", lambda c: c.get_level_display()), text("承办单位", "organiser"),
        text("发证机构", "issuer"), text("举办地", "area__name"), date("开班日期", "starts_on"),
        date("结业日期", "ends_on"), integer("培训天数", "days"), integer("学员人数", "trainee_count"),
        text("状态", lambda c: c.get_status_display()),
    ]  # fmt: skip

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("area").annotate(trainee_count=Count("trainees"))


class TrainingClassDetailView(ObjectDetailView):
    model = TrainingClass
    template_name = "workforce/trainingclass_detail.html"

    def get_context(self, obj: TrainingClass) -> dict[str, Any]:
        context = super().get_context(obj)
        user = self.request.user
        may_change = user.has_perm("workforce.change_trainingclass") and is_in_scope(user, obj, "change")
        trainees = list(
            Trainee.objects.for_user(user).filter(training_class=obj).select_related("worker", "certificate")
        )
        context.update(
            trainees=trainees,
            open=obj.status != ClassStatus.FINISHED,
            can_change=may_change,
            can_finish=obj.status != ClassStatus.FINISHED and user.has_perm("workforce.finish_trainingclass")
            and is_in_scope(user, obj, "finish"),
            enrol_form=EnrolForm(user=user),
            passed=sum(1 for t in trainees if t.passed),
        )  # fmt: skip
        return context


class TrainingClassEditView(ObjectEditView):
    model = TrainingClass
    form = TrainingClassForm


class TrainingClassVerbView(ScopedViewMixin, View):
    """POST enrol (a worker), record (a trainee's attendance and exam) or finish (结业发证)."""

    model = TrainingClass

    def post(self, request: HttpRequest, pk: int, verb: str) -> HttpResponse:
        if verb not in ("enrol", "record", "finish"):
            raise PermissionDenied
        self.action = "finish" if verb == "finish" else "change"
        self.check_permission()
        obj = self.get_object()
        try:
            if verb == "enrol":
                form = EnrolForm(request.POST, user=request.user)
                if not form.is_valid():
                    raise ValidationError(_("请选择护理员"))
                worker: CareWorker = form.cleaned_data["worker"]
                actions.trainee_enrol(training_class=obj, worker=worker, actor=request.user)
                messages.success(request, _("已报名：%(name)s") % {"name": worker.name})
            elif verb == "record":
                key = request.POST.get("trainee", "")
                trainee = (
                    Trainee.objects.for_user(request.user)
                    .filter(training_class=obj, pk=int(key) if key.isdigit() else 0)
                    .first()
                )
                if trainee is None:
                    raise Http404
                record = TraineeRecordForm(request.POST)
                if not record.is_valid():
                    raise ValidationError([e for errs in record.errors.values() for e in errs])
                actions.trainee_record(trainee=trainee, days_attended=record.cleaned_data["days_attended"],
                                       exam_score=record.cleaned_data["exam_score"], actor=request.user)  # fmt: skip
                messages.success(request, _("已记录：%(name)s") % {"name": trainee.worker.name})
            else:
                issued = actions.class_finish(training_class=obj, actor=request.user)
                messages.success(request, _("已结业，颁发证书 %(count)s 本") % {"count": issued})
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return HttpResponseRedirect(obj.get_absolute_url())
