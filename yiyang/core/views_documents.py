"""The page of a document being printed in the background: progress, then the download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from yiyang.core.jobs import settle_if_stale
from yiyang.core.models import DocumentJob
from yiyang.core.pdf import pdf_response
from yiyang.core.views import require_perm


def _job(request: HttpRequest, pk: int) -> DocumentJob:
    require_perm(request, "core.view_documentjob")
    # the file itself (up to megabytes) is read only by the download, not by each poll of the page
    return (
        DocumentJob.objects.for_user(request.user)
        .defer("content")
        .get_for_user_or_404(request.user, "view", pk=pk)
    )


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    settle_if_stale(job)  # a job whose process died reads as failed, with the reason
    template = "core/_document_status.html" if getattr(request, "htmx", False) else "core/document_job.html"
    title = _("文书生成：%(title)s") % {"title": job.title}
    return render(request, template, {"job": job, "title": title, "breadcrumbs": [(title, "")]})


@login_required
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job.status != DocumentJob.Status.DONE:
        raise Http404
    content = DocumentJob.objects.values_list("content", flat=True).get(pk=job.pk)
    return pdf_response(bytes(content or b""), job.filename, inline=False)
