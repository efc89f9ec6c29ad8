"""Reference pages: the catalogue, providers and their members, agreements, points, workers, entitlements."""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm, BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from yiyang.core.scoping import memberships
from yiyang.core.views import ObjectEditView, ObjectListView, ScopedViewMixin
from yiyang.services.actions.reference import (
    agreement_save,
    entitlement_save,
    provider_member_add,
    provider_member_remove,
    worker_save,
)
from yiyang.services.filtersets import (
    EntitlementFilterSet,
    ProviderFilterSet,
    ServiceAgreementFilterSet,
    ServiceItemFilterSet,
    ServicePointFilterSet,
    WorkerFilterSet,
)
from yiyang.services.forms import (
    AgreementItemFormSet,
    EntitlementForm,
    MemberForm,
    ProviderForm,
    QualificationFormSet,
    ServiceAgreementForm,
    ServiceItemForm,
    ServicePointForm,
    WorkerForm,
)
from yiyang.services.models import Entitlement, Provider, ServiceAgreement, ServiceItem, ServicePoint, Worker
from yiyang.services.tables import (
    EntitlementTable,
    ProviderTable,
    ServiceAgreementTable,
    ServiceItemTable,
    ServicePointTable,
    WorkerTable,
)
from yiyang.services.views.common import elder_from_query

# -- reference data: the catalogue for everyone permitted; providers and what belongs to them for the
# office and for the provider's own staff (their scope declarations) ------------------------------


class ServiceItemListView(ObjectListView):
    model = ServiceItem
    table = ServiceItemTable

    filterset = ServiceItemFilterSet


class ServiceItemEditView(ObjectEditView):
    model = ServiceItem
    form = ServiceItemForm


class ProviderListView(ObjectListView):
    model = Provider
    table = ProviderTable

    filterset = ProviderFilterSet


class ProviderEditView(ObjectEditView):
    model = Provider
    form = ProviderForm


class ProviderDetailView(ScopedViewMixin, View):
    """The provider with its agreements, points, workers and staff accounts, each editable from here."""

    model = Provider

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        return self.render(request, self.get_object(), MemberForm())

    def render(self, request: HttpRequest, provider: Provider, member_form: MemberForm) -> HttpResponse:
        today = timezone.localdate()
        user = request.user
        return render(
            request,
            "services/provider_detail.html",
            {
                "object": provider,
                "title": provider.name,
                "breadcrumbs": [(_("服务商"), reverse("services:provider_list")), (provider.name, "")],
                "agreements": provider.agreements.prefetch_related("items__item", "areas"),
                "points": provider.points.select_related("area"),
                "workers": provider.workers.select_related("user").prefetch_related("qualifications"),
                "members": memberships(provider).order_by("user__username"),
                "member_form": member_form,
                "today": today,
                "can_change": user.has_perm("services.change_provider"),
                "can_add_agreement": user.has_perm("services.add_serviceagreement"),
                "can_change_agreement": user.has_perm("services.change_serviceagreement"),
                "can_add_point": user.has_perm("services.add_servicepoint"),
                "can_change_point": user.has_perm("services.change_servicepoint"),
                "can_add_worker": user.has_perm("services.add_worker"),
                "can_change_worker": user.has_perm("services.change_worker"),
            },
        )


class ProviderMemberView(ScopedViewMixin, View):
    """服务商人员: add an account to the provider's staff (POST), or remove one (POST …/remove/)."""

    model = Provider
    action = "change"

    def post(self, request: HttpRequest, pk: int, member: int | None = None) -> HttpResponse:
        self.check_permission()
        provider = self.get_object()
        anchor = reverse("services:provider_detail", args=[provider.pk]) + "#members"
        if member is not None:
            membership = memberships(provider).filter(pk=member).first()
            if membership is None:
                raise Http404
            provider_member_remove(provider=provider, membership=membership, actor=request.user)
            messages.success(request, _("已移除：%(user)s") % {"user": membership.user})
            return HttpResponseRedirect(anchor)
        form = MemberForm(request.POST)
        if form.is_valid():
            try:
                provider_member_add(provider=provider, user=form.cleaned_data["user"], actor=request.user)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("已添加工作人员：%(user)s") % {"user": form.cleaned_data["user"]})
                return HttpResponseRedirect(anchor)
        return ProviderDetailView(request=request, kwargs=self.kwargs).render(request, provider, form)


def _form_errors(form: BaseForm, exc: ValidationError) -> None:
    """An action's ValidationError onto the form: per field where the action named one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _provider_back(obj: Any) -> str:
    return reverse("services:provider_detail", args=[obj.provider_id])


class LinesEditView(ObjectEditView):
    """A header form above a table of lines (an agreement's items, a worker's qualifications).

    Both are validated together so every error shows at once; the save is one action call.
    """

    template_name = "services/edit_with_lines.html"
    lines: ClassVar[type[BaseFormSet]]
    lines_title: ClassVar[Any] = ""

    def get_form(self, data: Any = None, files: Any = None) -> BaseForm:
        form = super().get_form(data, files)
        provider = self.request.GET.get("provider", "")
        if self.creating and data is None and provider.isdigit():
            form.initial["provider"] = int(provider)
        return form

    def initial_lines(self, obj: Any) -> list[dict[str, Any]]:
        return []

    def get_lines(self, form: BaseForm, data: Any = None) -> BaseFormSet:
        instance = getattr(form, "instance", None)
        initial = (
            None
            if data is not None or instance is None or instance.pk is None
            else self.initial_lines(instance)
        )
        lines = self.lines(data, prefix="lines", initial=initial)
        lines.head = form  # type: ignore[attr-defined]
        lines.agreement = instance  # type: ignore[attr-defined]
        return lines

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        self.check_permission()
        form = self.get_form()
        return self.render_lines(form, self.get_lines(form))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        self.check_permission()
        form = self.get_form(request.POST, request.FILES)
        lines = self.get_lines(form, request.POST)
        head_ok = form.is_valid()
        if lines.is_valid() and head_ok:
            try:
                obj = self.save_lines(form, lines)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("已保存：%(object)s") % {"object": obj})
                return HttpResponseRedirect(self.success_url(obj))
        return self.render_lines(form, lines)

    def save_lines(self, form: BaseForm, lines: BaseFormSet) -> Any:
        raise NotImplementedError

    def success_url(self, obj: Any) -> str:
        return _provider_back(obj)

    def render_lines(self, form: BaseForm, lines: BaseFormSet) -> HttpResponse:
        name = {"name": self.verbose_name}
        title = _("新增%(name)s") % name if self.creating else _("编辑%(name)s") % name
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "lines": lines,
                "lines_title": self.lines_title,
                "view": self,
                "title": title,
                "breadcrumbs": [*self.breadcrumbs(), (title, "")],
            },
        )


class ServiceAgreementListView(ObjectListView):
    model = ServiceAgreement
    table = ServiceAgreementTable
    filterset = ServiceAgreementFilterSet

    def get_queryset(self, action: str | None = None) -> Any:
        return (
            super().get_queryset(action).select_related("provider").prefetch_related("areas", "items__item")
        )


class ServiceAgreementEditView(LinesEditView):
    model = ServiceAgreement
    form = ServiceAgreementForm
    lines = AgreementItemFormSet
    lines_title = gettext_lazy("服务项目与协议价")

    def initial_lines(self, obj: ServiceAgreement) -> list[dict[str, Any]]:
        return [{"item": line.item_id, "price": line.price} for line in obj.items.order_by("id")]

    def save_lines(self, form: BaseForm, lines: BaseFormSet) -> Any:
        agreement = form.save(commit=False)  # type: ignore[attr-defined]
        return agreement_save(
            agreement=agreement,
            areas=form.cleaned_data["areas"],
            items=[(row["item"], row["price"]) for row in lines.rows()],  # type: ignore[attr-defined]
            actor=self.request.user,
        )


class ServicePointListView(ObjectListView):
    model = ServicePoint
    table = ServicePointTable
    filterset = ServicePointFilterSet

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("provider", "area")


class ServicePointEditView(ObjectEditView):
    model = ServicePoint
    form = ServicePointForm

    def get_form(self, data: Any = None, files: Any = None) -> BaseForm:
        form = super().get_form(data, files)
        provider = self.request.GET.get("provider", "")
        if self.creating and data is None and provider.isdigit():
            form.initial["provider"] = int(provider)
        return form

    def success_url(self, obj: Any) -> str:
        return _provider_back(obj) if obj.provider_id else reverse("services:servicepoint_list")


class WorkerListView(ObjectListView):
    model = Worker
    table = WorkerTable
    filterset = WorkerFilterSet

    def get_queryset(self, action: str | None = None) -> Any:
        return (
            super().get_queryset(action).select_related("provider", "user").prefetch_related("qualifications")
        )


class WorkerEditView(LinesEditView):
    model = Worker
    form = WorkerForm
    lines = QualificationFormSet
    lines_title = gettext_lazy("从业资质")

    def initial_lines(self, obj: Worker) -> list[dict[str, Any]]:
        return [
            {"category": q.category, "certificate": q.certificate, "valid_to": q.valid_to}
            for q in obj.qualifications.order_by("id")
        ]

    def save_lines(self, form: BaseForm, lines: BaseFormSet) -> Any:
        worker = form.save(commit=False)  # type: ignore[attr-defined]
        return worker_save(
            worker=worker,
            phone=form.cleaned_data["phone"],
            qualifications=lines.rows(),  # type: ignore[attr-defined]
            actor=self.request.user,
        )


class EntitlementListView(ObjectListView):
    """服务额度: elders' monthly entitlements under government-purchased programmes, in the user's areas."""

    model = Entitlement
    table = EntitlementTable
    filterset = EntitlementFilterSet

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("elder", "elder__area")

    def add_url(self) -> str:
        return ""  # an entitlement is added from the elder's page


class EntitlementEditView(ObjectEditView):
    """One elder's entitlement: created from the elder's page (``?elder=``), saved by ``entitlement_save``."""

    model = Entitlement
    form = EntitlementForm

    def get_form(self, data: Any = None, files: Any = None) -> BaseForm:
        form = super().get_form(data, files)
        if self.creating:
            form.instance.elder = elder_from_query(self.request)  # type: ignore[attr-defined]
        self.elder = form.instance.elder  # type: ignore[attr-defined]
        return form

    @property
    def verbose_name(self) -> str:
        elder = getattr(self, "elder", None)
        return _("服务额度（%(name)s）") % {"name": elder.name} if elder is not None else _("服务额度")

    def save_object(self, form: BaseForm) -> Any:
        entitlement = form.save(commit=False)  # type: ignore[attr-defined]
        try:
            return entitlement_save(entitlement=entitlement, actor=self.request.user)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise
            # The only refusal is an overlapping period: say so next to the dates.
            raise ValidationError({"valid_from": exc.messages}) from exc

    def success_url(self, obj: Any) -> str:
        return reverse("services:entitlement_list") + "?" + urlencode({"q": obj.elder.name})
