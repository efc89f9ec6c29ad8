"""Printed documents: the one PDF renderer (WeasyPrint with the machine's CJK fonts).

Every printed document (公示 lists, notices, work-order and settlement sheets, assessment reports) is
an official record: rendered in Chinese whatever the reader's language, from local files only (the
base URL is the project directory, so no URL ever leaves the machine). A document of several parts
(a district list, street by street) is laid out part by part, so a background job can report
progress, and written once, so each font is embedded once.

Without a font covering Chinese, WeasyPrint prints empty boxes and says nothing: the system check in
``core.checks`` refuses to start instead (:func:`cjk_font_families`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

from yiyang.core.i18n import records_language

if TYPE_CHECKING:
    import weasyprint

PDF_TYPE = "application/pdf"

#: (template, context) of one part of a document
Part = tuple[str, dict[str, Any]]


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
    parts: Sequence[Part],
    *,
    progress: Callable[[int, int], None] | None = None,
    uncompressed: bool = False,
) -> bytes:
    """One PDF from several parts, each laid out on its own pages with its own page numbers.

    ``progress(done, total)`` is called after each part; the last step (writing the file) is
    counted as one more part.
    """
    from weasyprint.text.fonts import FontConfiguration

    total = len(parts) + 1
    fonts = FontConfiguration()  # shared: each font file is loaded once for the whole document
    documents = []
    for done, (template, context) in enumerate(parts, 1):
        documents.append(layout(render_html(template, context), fonts))
        if progress:
            progress(done, total)
    pages = [page for document in documents for page in document.pages]
    pdf: bytes = documents[0].copy(pages).write_pdf(uncompressed_pdf=uncompressed)
    if progress:
        progress(total, total)
    return pdf


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
