"""The one PDF renderer, and the check that refuses to run without a font for Chinese."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.checks import run_checks

from yiyang.core.pdf import cjk_font_families, render_pdf_parts

ROOT = Path(settings.BASE_DIR)


def _fonts(pdf: bytes) -> list[bytes]:
    return re.findall(rb"/BaseFont /[A-Z]+\+([^/\s]+)", pdf)


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page(?!s)", pdf))


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


def test_parts_become_one_pdf_with_each_font_once() -> None:
    part = ("benefits/public_list.html", {"rows": [], "month": "2026年3月", "printed": "2026年3月5日"})
    one = render_pdf_parts([part], uncompressed=True)
    three = render_pdf_parts([part, part, part], uncompressed=True)
    assert _pages(three) == 3 * _pages(one) > 0
    fonts = _fonts(three)
    assert fonts and all(b"CJK" in f for f in fonts)  # Chinese text set in a Chinese font
    assert sorted(fonts) == sorted(_fonts(one))  # embedded once, not once per part


def test_progress_is_reported_part_by_part() -> None:
    part = ("benefits/public_list.html", {"rows": [], "month": "2026年3月"})
    seen: list[tuple[int, int]] = []
    render_pdf_parts([part, part], progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
