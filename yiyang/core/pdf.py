"""Printed documents: the one PDF renderer (WeasyPrint with the machine's CJK fonts).

Every printed document (公示 lists, notices, work-order and settlement sheets, assessment reports) is
an official record: rendered in Chinese whatever the reader's language, from local files only (the
base URL is the project directory, so no URL ever leaves the machine). A document of several parts
(a district's 公示 list) is laid out in parts, side by side in worker processes, so a background
job can report progress and a hundred pages take seconds, not a minute (:func:`render_pdf_parts`).

Without a font covering Chinese, WeasyPrint prints empty boxes and says nothing: the system check in
``core.checks`` refuses to start instead (:func:`cjk_font_families`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import io
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

from yiyang.core import pdf_worker
from yiyang.core.i18n import records_language

if TYPE_CHECKING:
    import weasyprint

PDF_TYPE = "application/pdf"


def render_html(template: str, context: dict[str, Any], *, for_pdf: bool = True) -> str:
    """The document's HTML, in Chinese; ``for_pdf`` hides the screen-only print button."""
    with records_language():
        return render_to_string(template, {**context, "for_pdf": for_pdf})


def layout(html: str, font_config: Any = None) -> weasyprint.Document:
    import weasyprint

    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).render(font_config=font_config)


def render_pdf(template: str, context: dict[str, Any], *, uncompressed: bool = False) -> bytes:
    """One document from one template."""
    pdf: bytes = layout(render_html(template, context)).write_pdf(uncompressed_pdf=uncompressed)
    return pdf


def render_pdf_parts(
    parts: Sequence[str],
    *,
    progress: Callable[[int, int], None] | None = None,
    processes: int | None = None,
) -> bytes:
    """One PDF from several parts of HTML, each starting on a new page, joined in order.

    Layout is what costs (about 4 ms of CPU per table row), so parts are laid out side by side in
    ``processes`` worker processes (``settings.DOCUMENT_PROCESSES``, at most one per core). A part
    numbers its own pages (``@page :first { counter-reset: page N }``): the caller paginates.
    ``progress(done, total)`` is called as parts finish.
    """
    if not parts:
        raise ValueError("a document needs at least one part")
    base_url = str(settings.BASE_DIR)
    wanted = processes if processes is not None else settings.DOCUMENT_PROCESSES
    workers = max(1, min(wanted, len(parts), os.cpu_count() or 1))
    results: list[bytes | None] = [None] * len(parts)
    if workers == 1:
        for i, html in enumerate(parts):
            results[i] = pdf_worker.write_part(html, base_url)
            if progress:
                progress(i + 1, len(parts))
    else:
        # spawn, not fork: the caller may hold database connections and threads
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = {pool.submit(pdf_worker.write_part, html, base_url): i for i, html in enumerate(parts)}
            for done, future in enumerate(as_completed(futures), 1):
                results[futures[future]] = future.result()
                if progress:
                    progress(done, len(parts))
    if len(results) == 1:
        return results[0] or b""
    return join_pdfs([r or b"" for r in results])


def join_pdfs(pdfs: Sequence[bytes]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for content in pdfs:
        writer.append(PdfReader(io.BytesIO(content)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_response(content: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    """The PDF as a download (or shown in the browser's viewer), named in Chinese."""
    response = HttpResponse(content, content_type=PDF_TYPE)
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or ""
    return response


# -- fonts ------------------------------------------------------------------------------------------

#: a character every printed document has; fontconfig's character-set syntax
_PROBE = b":charset=4e2d"  # 中


class _FontSet(ctypes.Structure):
    _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int), ("fonts", ctypes.POINTER(ctypes.c_void_p))]


@cache
def _fontconfig() -> Any:
    lib = ctypes.CDLL(ctypes.util.find_library("fontconfig") or "libfontconfig.so.1")
    lib.FcNameParse.restype = ctypes.c_void_p
    lib.FcNameParse.argtypes = [ctypes.c_char_p]
    lib.FcObjectSetBuild.restype = ctypes.c_void_p
    lib.FcFontList.restype = ctypes.POINTER(_FontSet)
    lib.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    lib.FcPatternGetString.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_char_p),
    ]
    lib.FcFontSetDestroy.argtypes = [ctypes.POINTER(_FontSet)]
    lib.FcObjectSetDestroy.argtypes = [ctypes.c_void_p]
    lib.FcPatternDestroy.argtypes = [ctypes.c_void_p]
    return lib


def cjk_font_families() -> list[str]:
    """The font families fontconfig (which WeasyPrint's Pango uses) has for Chinese text.

    Asked of fontconfig directly: WeasyPrint itself falls back to any font and draws empty boxes.
    Raises OSError when fontconfig cannot be loaded at all.
    """
    fc = _fontconfig()
    pattern = fc.FcNameParse(_PROBE)
    objects = fc.FcObjectSetBuild(b"family", None)
    found = fc.FcFontList(None, pattern, objects)
    families: set[str] = set()
    try:
        for i in range(found.contents.nfont if found else 0):
            name = ctypes.c_char_p()
            if fc.FcPatternGetString(found.contents.fonts[i], b"family", 0, ctypes.byref(name)) == 0:
                families.add((name.value or b"").decode())
    finally:
        if found:
            fc.FcFontSetDestroy(found)
        fc.FcObjectSetDestroy(objects)
        fc.FcPatternDestroy(pattern)
    return sorted(families)
