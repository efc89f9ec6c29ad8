"""The 公示 list: paginated by itself so its parts print side by side, numbered across parts, and
printed in the background with progress when it is long."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from yiyang.benefits import actions, documents
from yiyang.benefits.tests.factories import elder_born, longevity
from yiyang.benefits.tests.test_workflow import approve
from yiyang.core.models import AccessLog, DocumentJob
from yiyang.core.pdf import render_pdf_parts

D = datetime.date
FIRST, REST, FOOT = documents.ROWS_FIRST_PAGE, documents.ROWS_PER_PAGE, documents.FOOT_ROWS


@pytest.mark.parametrize(
    ("rows", "pages"),
    [
        (0, [0]),
        (1, [1]),
        (FIRST - FOOT, [FIRST - FOOT]),
        (FIRST - FOOT + 1, [FIRST - FOOT + 1, 0]),  # the closing paragraphs on a page of their own
        (FIRST, [FIRST, 0]),
        (FIRST + 1, [FIRST, 1]),
        (FIRST + REST - FOOT, [FIRST, REST - FOOT]),
        (FIRST + REST, [FIRST, REST, 0]),
        (FIRST + 2 * REST + 7, [FIRST, REST, REST, 7]),
    ],
)
def test_pagination(rows: int, pages: list[int]) -> None:
    assert [len(page) for page in documents.paginate([{"n": i} for i in range(rows)])] == pages


def _row(n: int) -> dict[str, Any]:
    # the longest names a list carries: a community's full name and a compound surname
    return {
        "n": n,
        "name": "欧阳**华",
        "id": "320612********123X",
        "community": "经济技术开发区新世纪花园社区居委会",
        "amount": 1234.5,
        "change": "补发",
        "months": 12,
    }


@pytest.mark.parametrize("rows", [FIRST - FOOT + 1, FIRST + 5 * REST + 3])
def test_every_page_the_list_counts_is_a_page_of_the_pdf(
    world, monkeypatch: pytest.MonkeyPatch, rows: int
) -> None:
    """The pages are counted before layout (so parts can be numbered "第 n 页 / 共 N 页" apart): a
    row that wrapped, or a page that overflowed, would break the numbering."""
    monkeypatch.setattr(documents, "_public_rows", lambda *a: [_row(n) for n in range(1, rows + 1)])
    monkeypatch.setattr(documents, "MIN_PAGES_PER_PART", 2)
    roll = approved_roll(world, 1)
    parts = documents.public_list_parts(roll)
    expected = len(documents.paginate([_row(n) for n in range(rows)]))
    reader = PdfReader(io.BytesIO(render_pdf_parts(parts, processes=2)))
    texts = [page.extract_text() for page in reader.pages]
    assert len(texts) == expected
    assert all(f"第 {n} 页 / 共 {expected} 页" in text for n, text in enumerate(texts, 1))
    assert f"{rows}" in texts[-2] + texts[-1] and "公示期为7日" in texts[-1]


def approved_roll(world, elders: int) -> Any:
    programme = longevity()
    for i in range(elders):
        elder_born(D(1930 + i % 15, 1, 1 + i % 28), name=f"张小{i}")
    roll = actions.payment_roll_generate(
        programme=programme, area=world.areas.district, month=D(2026, 3, 1), actor=world.alice
    )
    return approve(world, roll)


def test_a_short_list_prints_at_once(world) -> None:
    roll = approved_roll(world, 3)
    client = Client()
    client.force_login(world.alice)
    response = client.get(reverse("benefits:paymentroll_public_list", args=[roll.pk]))
    assert response["Content-Type"] == "application/pdf"
    texts = [p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages]
    assert "张*0" in texts[0] and "张小0" not in texts[0]
    assert AccessLog.objects.get(kind="print").row_count == 3
    assert not DocumentJob.objects.exists()


def test_a_long_list_prints_in_the_background_with_progress(
    world, settings, django_capture_on_commit_callbacks
) -> None:
    settings.DOCUMENT_INLINE_MAX_ROWS = 2
    roll = approved_roll(world, 3)
    client = Client()
    client.force_login(world.alice)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.get(reverse("benefits:paymentroll_public_list", args=[roll.pk]))
    job = DocumentJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "core:documentjob_detail", args=[job.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert "排队中" in page and 'hx-trigger="every 1s"' in page  # the page polls until it is ready
    assert client.get(reverse("core:documentjob_download", args=[job.pk])).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):  # the worker runs it (ImmediateBackend)
        for callback in queued:
            callback()
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.DONE and job.parts_done == job.parts_total == 1
    status = client.get(reverse("core:documentjob_detail", args=[job.pk]), headers={"HX-Request": "true"})
    assert "every 1s" not in status.content.decode() and "document-download" in status.content.decode()
    download = client.get(reverse("core:documentjob_download", args=[job.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert "张*0" in PdfReader(io.BytesIO(download.content)).pages[0].extract_text()

    # another street's worker cannot see the district's document; the district sees a street's
    carol = Client()
    carol.force_login(world.carol)
    assert carol.get(reverse("core:documentjob_detail", args=[job.pk])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        street = carol.get(reverse("benefits:paymentroll_public_list", args=[roll.pk]))
    assert street.status_code in (200, 302)


def test_a_failed_or_interrupted_job_says_so(world, monkeypatch: pytest.MonkeyPatch) -> None:
    from yiyang.core import documents as core_documents

    def broken(job: DocumentJob, progress: Any) -> bytes:
        raise RuntimeError("张三 110101199003071234")  # the reason shown never quotes data

    monkeypatch.setitem(core_documents._builders, "test.broken", broken)
    job = DocumentJob.objects.create(
        kind="test.broken", title="t", filename="t.pdf", area_path=world.areas.district.path
    )
    assert core_documents.document_build(job.pk) == DocumentJob.Status.FAILED
    job.refresh_from_db()
    assert job.is_finished and "RuntimeError" in job.message and "张三" not in job.message
    assert core_documents.document_build(job.pk) == DocumentJob.Status.FAILED  # a retry builds nothing

    stale = DocumentJob.objects.create(
        kind="test.broken",
        title="t",
        filename="t.pdf",
        area_path=world.areas.district.path,
        status=DocumentJob.Status.RUNNING,
        heartbeat_at=job.created_at - DocumentJob.STALE_AFTER - datetime.timedelta(minutes=1),
    )
    client = Client()
    client.force_login(world.alice)
    page = client.get(reverse("core:documentjob_detail", args=[stale.pk])).content.decode()
    assert "生成中断" in page and "every 1s" not in page
