"""The one PDF renderer, and the check that refuses to run without a font for Chinese."""

from __future__ import annotations

import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.checks import run_checks
from pypdf import PdfReader

from yiyang.core.pdf import cjk_font_families, render_pdf_parts

ROOT = Path(settings.BASE_DIR)


def _fonts(pdf: bytes) -> list[bytes]:
    return re.findall(rb"/BaseFont /[A-Z]+\+([^/\s]+)", pdf)


def test_this_machine_has_a_font_for_chinese() -> None:
    assert cjk_font_families(), "install fonts-noto-cjk"
    assert not [e for e in run_checks() if e.id and e.id.startswith("core.")]


def test_the_check_fails_loudly_without_a_font_for_chinese(tmp_path: Path) -> None:
    # fontconfig reads this file instead of the system's: no font directory at all.
    (tmp_path / "fonts.conf").write_text(
        '<?xml version="1.0"?><fontconfig>'
        f"<dir>{tmp_path}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(tmp_path / "fonts.conf")}
    result = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "core.E002" in result.stderr
    assert "fonts-noto-cjk" in result.stderr


def _part(marker: str, first_page: int, pages: int) -> str:
    body = "".join(f'<p style="break-before: page">{marker}{i}</p>' for i in range(pages))
    return (
        "<html><head><style>@page { size: A6; @bottom-center { content: '第 ' counter(page) ' 页'; } }"
        f"@page :first {{ counter-reset: page {first_page}; }}"
        "body { font-family: 'Noto Sans CJK SC'; }</style></head>"
        f"<body>{body}</body></html>"
    )


@pytest.mark.parametrize("processes", [1, 2])
def test_parts_laid_out_side_by_side_join_in_order_and_number_on(processes: int) -> None:
    parts = [_part("甲", 1, 2), _part("乙", 3, 3), _part("丙", 6, 1)]
    seen: list[tuple[int, int]] = []
    content = render_pdf_parts(parts, processes=processes, progress=lambda d, t: seen.append((d, t)))
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
    assert [text.split()[0] for text in pages] == ["甲0", "甲1", "乙0", "乙1", "乙2", "丙0"]
    assert [f"第 {n} 页" in text for n, text in enumerate(pages, 1)] == [True] * 6
    assert seen[-1] == (3, 3) and len(seen) == 3
    fonts = _fonts(content)
    assert any(b"CJK" in f for f in fonts)  # Chinese text set in a Chinese font


def test_one_part_is_written_as_it_is() -> None:
    content = render_pdf_parts([_part("甲", 1, 1)])
    assert len(PdfReader(io.BytesIO(content)).pages) == 1
