"""Generic views for registry CRUD.

A domain view sets ``model``, ``filterset``, ``table`` and ``form`` (and perhaps a template) and
nothing else: scoping, permission checks, audit and export come from here. Every queryset is taken
through ``for_user`` with the action the view performs, so a record outside the user's areas is a
404 whether it exists or not, while a user whose role lacks the action gets a 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlencode

import django_filters
import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from yiyang.core import audit
from yiyang.core.errors import error_text
from yiyang.core.exporting import ColumnLike, clear_fields, export_response
from yiyang.core.forms import limit_choices
from yiyang.core.links import may_open
from yiyang.core.models import AccessLog, AuditEntry
from yiyang.core.navigation import landing_url_name
from yiyang.core.scoping import ScopedManager, is_in_scope, permission_name

V = TypeVar("V", bound=Callable[..., Any])


def require_perm(request: HttpRequest, perm: str) -> None:
    """For function views: refuse a user whose role lacks ``perm``."""
    if not request.user.has_perm(perm):
        raise PermissionDenied


def link_permission(permission: str) -> Callable[[V], V]:
    """For function views: the permission links to this page are shown for (``core.links``). The view
    still checks it (or more) itself; this only lets lists and menus ask before they link."""

    def mark(view: V) -> V:
        view.required_permission = permission  # type: ignore[attr-defined]
        return view

    return mark


class ScopedViewMixin(LoginRequiredMixin):
    model: ClassVar[type[models.Model]]
    action: str = "view"
    #: The permission the page needs when it is not the model's for ``action`` (``core.links``).
    required_permission: ClassVar[str | None] = None
    request: HttpRequest
    kwargs: dict[str, Any]

    @classmethod
    def permission_for(cls, kwargs: dict[str, Any]) -> str:
        """The permission a request with these URL arguments needs: what links are checked against."""
        return cls.required_permission or permission_name(cls.model, cls.action_for(kwargs))

    @classmethod
    def action_for(cls, kwargs: dict[str, Any]) -> str:
        return cls.action

    def check_permission(self, action: str | None = None) -> None:
        if action is None and self.required_permission:
            permission = self.required_permission
        else:
            permission = permission_name(self.model, action or self.action)
        if not self.request.user.has_perm(permission):
            raise PermissionDenied

    def get_queryset(self, action: str | None = None) -> models.QuerySet[Any]:
        manager = self.model._default_manager
        assert isinstance(manager, ScopedManager)
        return manager.for_user(self.request.user, action or self.action)

    def get_object(self, action: str | None = None) -> Any:
        manager = self.model._default_manager
        assert isinstance(manager, ScopedManager)
        return manager.get_for_user_or_404(self.request.user, action or self.action, pk=self.kwargs["pk"])

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def list_title(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def breadcrumbs(self) -> list[tuple[str, str]]:
        return [(self.list_title, self.list_url())]

    def list_url(self) -> str:
        meta = self.model._meta
        return reverse(f"{meta.app_label}:{meta.model_name}_list")


class ObjectListView(ScopedViewMixin, View):
    """Search form above the table, batch export above it, pagination below."""

    filterset: ClassVar[type[django_filters.FilterSet]]
    table: ClassVar[type[tables.Table]]
    template_name = "generic/object_list.html"
    export_columns: ClassVar[Sequence[ColumnLike] | None] = None  # typed columns, see core.exporting
    #: The permission that lets a user export the columns' personal data in clear, giving a reason.
    clear_export_permission: ClassVar[str | None] = None
    per_page = 50

    def filtered(self) -> tuple[django_filters.FilterSet, models.QuerySet[Any]]:
        fs = self.filterset(self.request.GET or None, queryset=self.get_queryset(), request=self.request)
        # The filter's choices come through the door too: no other provider's name in a drop-down.
        limit_choices(fs.form, self.request.user)
        if not fs.is_bound:
            return fs, fs.qs
        # An invalid filter shows its errors and matches nothing: falling back to the whole scope
        # would list (and export) far more than the user asked for.
        return fs, fs.qs if fs.is_valid() else fs.queryset.none()

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        self.check_permission()
        fs, qs = self.filtered()
        status = 200
        if request.GET.get("export") == "xlsx":
            if self.export_columns is None:
                # This list offers no export (a roll or a settlement has its own documents).
                messages.error(request, _("此列表不提供导出"))
                status = 400
            elif not request.GET.get("clear"):
                return self.export(qs)
            elif not self.may_export_clear():
                raise PermissionDenied
            elif reason := request.GET.get("reason", "").strip():
                return self.export(qs, clear_reason=reason)
            else:
                messages.error(request, _("导出明文须填写事由"))
                status = 400
        # Not Table(qs, request=…): that paginates once with the table's default page size, and
        # RequestConfig below paginates again, running the page's query twice.
        table = self.table(qs)
        count = self.known_count(fs)
        if count is not None:
            # django-tables2 asks its data for len() (TableQuerysetData caches it in _length): the
            # count the view knows takes the place of the queryset's COUNT(*).
            table.data._length = count
        tables.RequestConfig(request, paginate={"per_page": self.per_page}).configure(table)
        htmx = getattr(request, "htmx", None)
        template = "generic/_table.html" if htmx and htmx.target == "results" else self.template_name
        return render(request, template, self.get_context(fs=fs, table=table), status=status)

    def known_count(self, fs: django_filters.FilterSet) -> int | None:
        """The exact number of rows the list shows, when the view has it without counting them
        (None: the queryset counts). It must be exact: the pages offered are worked out from it."""
        return None

    def may_export_clear(self) -> bool:
        return bool(
            self.export_columns
            and self.clear_export_permission
            and clear_fields(self.export_columns)
            and self.request.user.has_perm(permission_name(self.model, "export"))
            and self.request.user.has_perm(self.clear_export_permission)
        )

    def get_context(self, **extra: Any) -> dict[str, Any]:
        meta = self.model._meta
        query = self.request.GET.copy()
        query.pop("page", None)
        for key in ("export", "clear", "reason"):
            query.pop(key, None)
        return {
            "view": self,
            "model_meta": meta,
            "title": self.list_title,
            "breadcrumbs": [(self.list_title, "")],
            "can_add": self.request.user.has_perm(permission_name(self.model, "add"))
            and may_open(self.request.user, self.add_url()),
            "can_export": self.export_columns is not None
            and self.request.user.has_perm(permission_name(self.model, "export")),
            "add_url": self.add_url(),
            "export_url": "?" + urlencode([*query.lists(), ("export", "xlsx")], doseq=True),
            "can_export_clear": self.may_export_clear(),
            "export_query": [(k, v) for k, values in query.lists() for v in values],
            "clear_fields": "、".join(clear_fields(self.export_columns or [])),
            **extra,
        }

    def add_url(self) -> str:
        meta = self.model._meta
        try:
            return reverse(f"{meta.app_label}:{meta.model_name}_add")
        except Exception:
            return ""

    def export_rows(self, qs: models.QuerySet[Any]) -> Iterable[Any]:
        """The rows the export columns read: the queryset, or what a view makes of it."""
        return qs

    def export(self, qs: models.QuerySet[Any], *, clear_reason: str | None = None) -> HttpResponse:
        self.check_permission("export")
        assert self.export_columns is not None
        qs = qs & self.get_queryset("export")
        query = self.request.GET.copy()
        query.pop("reason", None)  # the reason has its own column in the access log
        return export_response(
            self.export_rows(qs),
            self.export_columns,
            filename=self.model._meta.verbose_name or "",
            user=self.request.user,
            object_type=self.model._meta.label_lower,
            query=query.urlencode(),
            clear_reason=clear_reason,
        )


class ObjectDetailView(ScopedViewMixin, View):
    template_name = "generic/object_detail.html"
    #: personal data shown on the page is logged as a view (PIPL processing record)
    log_views: ClassVar[bool] = False

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        self.check_permission()
        obj = self.get_object()
        if self.log_views:
            audit.record_access(
                actor=request.user,
                kind=AccessLog.Kind.VIEW,
                object_type=self.model._meta.label_lower,
                object_id=str(obj.pk),
                subject_id=getattr(obj, "audit_subject_id", None),
                area_path=getattr(obj, "audit_area_path", ""),
            )
        return render(request, self.template_name, self.get_context(obj))

    def get_context(self, obj: Any) -> dict[str, Any]:
        return {
            "object": obj,
            "view": self,
            "title": str(obj),
            "breadcrumbs": [*self.breadcrumbs(), (str(obj), "")],
        }


class ObjectEditView(ScopedViewMixin, View):
    """Create (no pk) or edit. The save runs in a transaction and is rolled back if it would move
    the object out of the editor's scope; ``save_object`` may be overridden to call an action."""

    form: ClassVar[type[BaseForm]]
    template_name = "generic/object_edit.html"

    @property
    def creating(self) -> bool:
        return "pk" not in self.kwargs

    @classmethod
    def action_for(cls, kwargs: dict[str, Any]) -> str:
        return "add" if "pk" not in kwargs else "change"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.action = self.action_for(kwargs)
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, data: Any = None, files: Any = None) -> BaseForm:
        instance = None if self.creating else self.get_object()
        return self.form(data, files, instance=instance, user=self.request.user)  # type: ignore[call-arg]

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        self.check_permission()
        return self.render(self.get_form())

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        self.check_permission()
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                obj = self.save_object(form)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("已保存：%(object)s") % {"object": obj})
                return HttpResponseRedirect(self.success_url(obj))
        return self.render(form)

    def save_object(self, form: BaseForm) -> Any:
        with transaction.atomic():
            before = None if self.creating else audit.snapshot(self.get_object())
            obj = form.save()  # type: ignore[attr-defined]
            if not is_in_scope(self.request.user, obj, self.action):
                raise ValidationError(_("不能把记录保存到您的管辖范围之外"))
            audit.record_change(
                actor=self.request.user,
                obj=obj,
                action=AuditEntry.Action.CREATE if self.creating else AuditEntry.Action.UPDATE,
                verb=f"{self.model._meta.model_name}.{'create' if self.creating else 'update'}",
                before=before,
                after=audit.snapshot(obj),
            )
        return obj

    def success_url(self, obj: Any) -> str:
        url = getattr(obj, "get_absolute_url", None)
        return url() if url else self.list_url()

    def render(self, form: BaseForm) -> HttpResponse:
        if self.creating:
            title = _("新增%(name)s") % {"name": self.verbose_name}
        else:
            title = _("编辑%(name)s") % {"name": self.verbose_name}
        return render(
            self.request,
            self.template_name,
            {"form": form, "view": self, "title": title, "breadcrumbs": [*self.breadcrumbs(), (title, "")]},
        )


class ObjectDeleteView(ScopedViewMixin, View):
    """POST only: delete one record, or retire it where history must keep it.

    The record is found through the same door as the other views (``get_object``: another area's
    record is a 404). ``delete_object`` audits and deletes in one transaction; a workflow overrides
    it to call its action, whose ``ValidationError`` becomes a message on the page it came from.
    With ``retire_field`` (``"is_active"``) the record is kept and the flag cleared instead, under
    the "change" permission: rows that visits, rolls or settlements point to are never deleted.
    """

    retire_field: ClassVar[str | None] = None

    @classmethod
    def action_for(cls, kwargs: dict[str, Any]) -> str:
        return "change" if cls.retire_field else "delete"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.action = self.action_for(kwargs)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        self.check_permission()
        obj = self.get_object()
        label = self.describe(obj)
        try:
            self.delete_object(obj)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, self.done_message(label))
        return HttpResponseRedirect(self.success_url(obj))

    def delete_object(self, obj: Any) -> None:
        with transaction.atomic():
            before = audit.snapshot(obj)
            name = self.model._meta.model_name
            if self.retire_field:
                setattr(obj, self.retire_field, False)
                obj.save(update_fields=[self.retire_field])
                verb, action, after = f"{name}.retire", AuditEntry.Action.UPDATE, audit.snapshot(obj)
            else:
                verb, action, after = f"{name}.delete", AuditEntry.Action.DELETE, None
            audit.record_change(
                actor=self.request.user, obj=obj, action=action, verb=verb, before=before, after=after
            )
            if not self.retire_field:
                obj.delete()

    def done_message(self, label: str) -> str:
        done = _("已停用：%(object)s") if self.retire_field else _("已删除：%(object)s")
        return done % {"object": label}

    def describe(self, obj: Any) -> str:
        """The record as the message names it, read before it is gone."""
        return str(obj)

    def success_url(self, obj: Any) -> str:
        return self.list_url()


def _add_errors(form: BaseForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect(landing_url_name(request.user))
