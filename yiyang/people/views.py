from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views import View

from yiyang.core.errors import error_text
from yiyang.core.pagination import LateRowsQuerySet
from yiyang.core.scoping import area_scope, outermost, path_range_q
from yiyang.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedViewMixin,
)
from yiyang.people import actions, counts
from yiyang.people.choices import ElderStatus
from yiyang.people.elder_page import actions_for
from yiyang.people.exports import CLEAR_EXPORT, ELDER_AREAS, ELDER_EXPORT_COLUMNS
from yiyang.people.filtersets import ElderFilterSet
from yiyang.people.forms import CertificationForm, ContactForm, ElderForm, ElderStatusForm, RevealForm
from yiyang.people.models import Certification, Elder, ElderContact, ResidencePeriod, SavedFilter
from yiyang.people.selectors import elder_search_count_key
from yiyang.people.tables import ROW_RELATED, ElderTable
from yiyang.people.timeline import elder_timeline


def within(prefixes: list[str] | None, path: str) -> list[str]:
    """The scope's prefixes (None: everything) narrowed to the area ``path``."""
    if prefixes is None or any(path.startswith(p) for p in prefixes):
        return [path]
    return [p for p in prefixes if p.startswith(path)]


class ElderListView(ObjectListView):
    model = Elder
    filterset = ElderFilterSet
    table = ElderTable
    export_columns = ELDER_EXPORT_COLUMNS
    clear_export_permission = CLEAR_EXPORT
    template_name = "people/elder_list.html"

    def get_queryset(self, action: str | None = None) -> Any:
        # late_rows: a district-wide search matching thousands reads only the 50 rows it shows.
        queryset = super().get_queryset(action)
        assert isinstance(queryset, LateRowsQuerySet)
        # The scope's areas as ranges too: the first page's keys are then the first entries of the
        # list's index in that range (elder_list_order_idx), not a sort of the whole district.
        areas_only, prefixes = area_scope(self.request.user, Elder, action or self.action)
        if areas_only and prefixes:
            queryset = queryset.filter(path_range_q("area_path", outermost(prefixes)))
        return queryset.select_related(*ROW_RELATED).late_rows()

    def export_rows(self, qs: Any) -> Any:
        return qs.select_related(*ELDER_AREAS)  # the export's street and community columns

    def filtered(self) -> tuple[Any, Any]:
        fs, qs = super().filtered()
        kept = self.kept_counts(fs)
        if kept is not None:
            assert isinstance(qs, LateRowsQuerySet)
            # a page far into the list starts at its area, skipping the areas before it by their counts
            qs = qs.counted_by("area_path", lambda: counts.by_area(*kept))
        return fs, qs

    def known_count(self, fs: Any) -> int | None:
        kept = self.kept_counts(fs)
        return None if kept is None else counts.count(*kept)

    def kept_counts(self, fs: Any) -> tuple[list[str] | None, list[str] | None, tuple[str, str]] | None:
        """The list unfiltered, or filtered by area and status alone (how it opens, and every click
        on the area tree), or by one more one-choice filter ("living alone") or a broad search term
        ("wang", "王"): the areas, statuses and value whose elders ``people_elder_count`` holds, kept
        exact by the database (``people.counts``), for counting them instead of up to 300,000 rows.
        None: the list counts its rows."""
        if not counts.available():
            return None
        areas_only, prefixes = area_scope(self.request.user, Elder, self.action)
        if not areas_only:
            return None
        statuses: list[str] | None = [ElderStatus.LIVING]
        facet = ("", "")
        if fs.is_bound:
            if not fs.is_valid():
                return None
            data = fs.form.cleaned_data
            chosen = [
                name for name in data if name not in ("area", "status") and data[name] not in (None, "", [])
            ]
            if len(chosen) > 1:
                return None
            if chosen == ["q"]:
                searched = elder_search_count_key(data["q"])
                if searched is None:
                    return None  # a narrow term: its matches are counted from the search's indexes
                facet = searched
            elif chosen:
                if chosen[0] not in counts.FILTERS:
                    return None
                value = data[chosen[0]]
                facet = (chosen[0], str(value).lower() if isinstance(value, bool) else value)
            status = data.get("status") or ElderStatus.LIVING
            statuses = None if status == "all" else [status]
            area = data.get("area")
            if area is not None:
                prefixes = within(prefixes, area.path)
        return None if prefixes is None else outermost(prefixes), statuses, facet

    def get_context(self, **extra: Any) -> dict[str, Any]:
        context = super().get_context(**extra)
        context["saved_filters"] = SavedFilter.objects.filter(Q(owner=None) | Q(owner=self.request.user))
        context["can_import"] = self.request.user.has_perm("people.import_elder")
        return context


class ElderDetailView(ObjectDetailView):
    model = Elder
    template_name = "people/elder_detail.html"
    log_views = True

    def get_context(self, obj: Elder) -> dict[str, Any]:
        context = super().get_context(obj)
        user = self.request.user
        context.update(
            timeline=elder_timeline(obj, user),
            certifications=obj.certifications.all(),
            contacts=obj.contacts.all(),
            can_change=user.has_perm("people.change_elder"),
            can_reveal=user.has_perm("people.reveal_elder"),
            reveal_form=RevealForm(),
            elder_actions=actions_for(obj, user),
            residence=ResidencePeriod.objects.for_user(user).filter(elder=obj).order_by("valid_from"),
        )
        return context


class ElderEditView(ObjectEditView):
    model = Elder
    form = ElderForm

    def save_object(self, form: BaseForm) -> Elder:
        assert isinstance(form, ElderForm)
        data = form.to_data()
        if self.creating:
            return actions.elder_create(data=data, actor=self.request.user)
        return actions.elder_update(elder=self.get_object(), data=data, actor=self.request.user)

    def success_url(self, obj: Any) -> str:
        return reverse("people:elder_detail", args=[obj.pk])


class ElderStatusView(ScopedViewMixin, View):
    """登记死亡 / 迁出 / 迁回 from the elder's page: the one status action (payment stops and
    overpayments are recovered as for a death list)."""

    model = Elder
    action = "change"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        elder = self.get_object()
        initial = {"status": "deceased" if elder.status == "living" else "living"}
        return self._page(elder, ElderStatusForm(initial=initial))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        elder = self.get_object()
        form = ElderStatusForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                actions.elder_set_status(
                    elder=elder, status=d["status"], date=d["date"], note=d["note"], actor=request.user
                )
            except ValidationError as exc:
                form.add_error("date" if getattr(exc, "error_dict", None) else None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("已登记：%(name)s %(status)s")
                    % {"name": elder.name, "status": elder.get_status_display()},
                )
                return HttpResponseRedirect(reverse("people:elder_detail", args=[elder.pk]))
        return self._page(elder, form)

    def _page(self, elder: Elder, form: ElderStatusForm) -> HttpResponse:
        return render(
            self.request,
            "generic/object_edit.html",
            {
                "form": form,
                "title": _("登记死亡、迁出或迁回：%(name)s") % {"name": elder.name},
                "breadcrumbs": [
                    (_("老年人信息台账"), reverse("people:elder_list")),
                    (elder.name, reverse("people:elder_detail", args=[elder.pk])),
                ],
            },
        )


class ElderRevealView(ScopedViewMixin, View):
    """POST a field and a reason, get the clear value back (an htmx fragment)."""

    model = Elder
    action = "reveal"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        elder = self.get_object()
        form = RevealForm(request.POST)
        if not form.is_valid():
            return HttpResponse(
                format_html('<span class="text-danger">{}</span>', _("请选择字段并填写查看事由")), status=400
            )
        try:
            value = actions.elder_reveal(
                elder=elder,
                field_name=form.cleaned_data["field"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            return HttpResponse(
                format_html('<span class="text-danger">{}</span>', error_text(exc)), status=400
            )
        return HttpResponse(
            format_html('<span class="font-monospace revealed">{}</span>', value or _("（空）"))
        )


class ElderChildMixin(ScopedViewMixin):
    """Certifications and contacts are edited under their elder; the elder's scope is theirs."""

    kwargs: dict[str, Any]

    def elder(self) -> Elder:
        return Elder.objects.get_for_user_or_404(self.request.user, "change", pk=self.kwargs["elder_pk"])

    def breadcrumbs(self) -> list[tuple[str, str]]:
        elder = self.elder()
        return [(_("老年人信息台账"), reverse("people:elder_list")), (elder.name, self.elder_url())]

    def elder_url(self) -> str:
        return reverse("people:elder_detail", args=[self.kwargs["elder_pk"]])

    def get_object(self, action: str | None = None) -> Any:
        obj = super().get_object(action)
        if obj.elder_id != int(self.kwargs["elder_pk"]):
            from django.http import Http404

            raise Http404
        return obj


class CertificationEditView(ElderChildMixin, ObjectEditView):
    model = Certification
    form = CertificationForm

    def save_object(self, form: BaseForm) -> Certification:
        cert = form.save(commit=False)  # type: ignore[attr-defined]
        cert.elder = self.elder()
        return actions.certification_save(certification=cert, actor=self.request.user)

    def success_url(self, obj: Any) -> str:
        return self.elder_url() + "#certifications"


class ContactEditView(ElderChildMixin, ObjectEditView):
    model = ElderContact
    form = ContactForm

    def save_object(self, form: BaseForm) -> ElderContact:
        contact = form.save(commit=False)  # type: ignore[attr-defined]
        contact.elder = self.elder()
        return actions.contact_save(
            contact=contact, phone=form.cleaned_data["phone"], actor=self.request.user
        )

    def success_url(self, obj: Any) -> str:
        return self.elder_url() + "#contacts"


def _describe(obj: Certification | ElderContact) -> str:
    """``str(obj)`` in the user's language (``__str__`` writes the records' language for the audit)."""
    if isinstance(obj, Certification):
        valid_to = f"{obj.valid_to:%Y-%m-%d}" if obj.valid_to else ""
        return f"{obj.get_category_display()} {obj.valid_from:%Y-%m-%d}–{valid_to}"
    return _("%(name)s（%(relation)s）") % {"name": obj.name, "relation": obj.get_relation_display()}


class ChildDeleteView(ElderChildMixin, ObjectDeleteView):
    def describe(self, obj: Any) -> str:
        return _describe(obj)

    def success_url(self, obj: Any) -> str:
        return self.elder_url()


class CertificationDeleteView(ChildDeleteView):
    model = Certification

    def delete_object(self, obj: Any) -> None:
        actions.certification_delete(certification=obj, actor=self.request.user)


class ContactDeleteView(ChildDeleteView):
    model = ElderContact

    def delete_object(self, obj: Any) -> None:
        actions.contact_delete(contact=obj, actor=self.request.user)


@login_required
def saved_filter_save(request: HttpRequest) -> HttpResponse:
    """Save the current list filter as a personal 分类台账."""
    name = request.POST.get("name", "").strip()
    query = request.POST.get("query", "").strip().lstrip("?")
    if request.method != "POST" or not name or not query:
        messages.error(request, _("请填写台账名称"))
    else:
        SavedFilter.objects.create(name=name[:50], query=query[:500], owner=request.user)  # type: ignore[misc]
        messages.success(request, _("已保存分类台账：%(name)s") % {"name": name})
    return HttpResponseRedirect(reverse("people:elder_list") + ("?" + query if query else ""))
