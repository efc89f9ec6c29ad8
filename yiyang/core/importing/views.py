"""Pages for importing: upload, dry run, progress, error report, confirm.

Generic over importers: a domain app routes ``ImportView.as_view(kind="people.elder")`` and gets the
whole workflow; the template and the error file come from the importer's column specs.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from yiyang.core import audit, crypto
from yiyang.core.exporting import XLSX_TYPE
from yiyang.core.i18n import stored
from yiyang.core.importing.actions import ALLOWED_SUFFIXES, import_batch_create, import_batch_start
from yiyang.core.importing.registry import import_permission, importer_for
from yiyang.core.importing.writer import write_template
from yiyang.core.jobs import settle_if_stale
from yiyang.core.models import AccessLog, ImportBatch
from yiyang.core.views import require_perm
from yiyang.core.widgets import LongSelect


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("文件"),
        help_text=gettext_lazy("支持 .xlsx、.xls、.csv；第一行可以是标题，表头会自动识别"),
    )
    dry_run = forms.BooleanField(label=gettext_lazy("试导入（只检查，不写入）"), required=False, initial=True)
    skip_invalid = forms.BooleanField(label=gettext_lazy("跳过错误行，导入其余数据"), required=False)

    def __init__(self, *args: Any, area_choices: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if area_choices:
            self.fields["area"] = forms.ChoiceField(
                label=gettext_lazy("导入到"),
                choices=[("", gettext_lazy("按文件中的“社区”列")), *area_choices],
                required=False,
                widget=LongSelect(attrs={"class": "form-select"}),
                help_text=gettext_lazy(
                    "社区自己的台账没有“社区”列时，请选择社区；选择街道时，社区取自“社区”列或居住地址中写明的社区名称"
                ),
            )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(_("仅支持 .xlsx、.xls、.csv 文件"))
        return upload


class ImportView(View):
    kind = ""
    title = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return HttpResponseRedirect(reverse("accounts:login") + "?next=" + quote(request.path))
        if not request.user.has_perm(import_permission(self.kind)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        importer = importer_for(self.kind)
        initial = {"area": importer.default_area(request.user)}
        return self.render(UploadForm(initial=initial, area_choices=importer.area_choices(request.user)))

    def post(self, request: HttpRequest) -> HttpResponse:
        # The choices come through the scoping door: an area outside the user's scope is not one of them.
        choices = importer_for(self.kind).area_choices(request.user)
        form = UploadForm(request.POST, request.FILES, area_choices=choices)
        if crypto.hash_rotation_pending():
            # An import matches rows by their look-up digests: during a rotation of the hash key a
            # record not yet rotated would look new and be registered twice.
            form.add_error(None, _("查找摘要密钥轮换进行中，请在轮换完成后再导入"))
        if not form.is_valid():
            return self.render(form, status=400)
        upload = form.cleaned_data["file"]
        batch = import_batch_create(
            kind=self.kind,
            upload=upload,
            filename=upload.name,
            actor=request.user,
            dry_run=form.cleaned_data["dry_run"],
            skip_invalid=form.cleaned_data["skip_invalid"],
            area_path=form.cleaned_data.get("area", ""),
        )
        import_batch_start(batch)
        return HttpResponseRedirect(reverse("core:importbatch_detail", args=[batch.pk]))

    def render(self, form: UploadForm, status: int = 200) -> HttpResponse:
        importer = importer_for(self.kind)
        recent = ImportBatch.objects.for_user(self.request.user).filter(kind=self.kind)[:10]
        title = self.title or _("导入%(label)s") % {"label": importer.label}
        return render(
            self.request,
            "core/import_upload.html",
            {
                "form": form,
                "title": title,
                "columns": importer.columns,
                "recent": recent,
                "kind": self.kind,
                "breadcrumbs": [(title, "")],
            },
            status=status,
        )


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        importer = importer_for(kind)
    except LookupError:
        raise Http404 from None
    if not request.user.has_perm(import_permission(kind)):
        raise PermissionDenied
    label = stored(importer.label)  # the template is a Chinese spreadsheet, like the files it takes
    out = io.BytesIO()
    write_template(
        importer.columns,
        out,
        title=f"{label}导入模板",
        example_rows=importer.example_rows,
    )
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(label + '导入模板.xlsx')}"
    return response


def _batch(request: HttpRequest, pk: int) -> ImportBatch:
    require_perm(request, "core.view_importbatch")  # a role without it: 403 wherever the batch is
    batch = ImportBatch.objects.get_for_user_or_404(request.user, "view", pk=pk)
    if batch.actor_id != request.user.pk and not request.user.has_perm(import_permission(batch.kind)):
        raise PermissionDenied
    return batch


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    settle_if_stale(batch)  # a batch whose process died reads as failed, with the reason
    template = "core/_import_status.html" if getattr(request, "htmx", False) else "core/import_batch.html"
    return render(
        request,
        template,
        {
            "batch": batch,
            "title": _("导入批次 #%(pk)s") % {"pk": batch.pk},
            "errors": batch.errors[:500],
            "breadcrumbs": [(_("导入批次 #%(pk)s") % {"pk": batch.pk}, "")],
        },
    )


@login_required
def batch_annotated(request: HttpRequest, pk: int) -> HttpResponseBase:
    batch = _batch(request, pk)
    if not batch.annotated_file:
        raise PermissionDenied
    audit.record_access(
        actor=request.user,
        kind=AccessLog.Kind.EXPORT,
        object_type="core.importbatch",
        object_id=str(batch.pk),
        area_path=batch.area_path,
        row_count=batch.total_rows,
        reason="下载错误标注文件",
    )
    name = batch.filename.rsplit(".", 1)[0] + "-错误标注.xlsx"
    return FileResponse(
        batch.annotated_file.open("rb"), as_attachment=True, filename=name, content_type=XLSX_TYPE
    )


@login_required
def batch_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """After a clean dry run: import the same file for real, as a new batch."""
    batch = _batch(request, pk)
    if request.method != "POST" or batch.status != ImportBatch.Status.CHECKED:
        raise PermissionDenied
    with batch.file.open("rb") as fh:
        content = ContentFile(fh.read())
    real = import_batch_create(
        kind=batch.kind,
        upload=content,
        filename=batch.filename,
        actor=request.user,
        dry_run=False,
        skip_invalid=batch.skip_invalid,
        area_path=batch.target_path,
    )
    import_batch_start(real)
    messages.success(request, _("已开始正式导入"))
    return HttpResponseRedirect(reverse("core:importbatch_detail", args=[real.pk]))
