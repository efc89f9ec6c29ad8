"""What a PDF worker process runs: lay out one part and write it. Imports no Django, so a spawned
process starts in a fraction of a second and touches no database."""

from __future__ import annotations


def write_part(html: str, base_url: str) -> bytes:
    import weasyprint

    pdf: bytes = weasyprint.HTML(string=html, base_url=base_url).write_pdf()
    return pdf
