"""System checks that fail loudly where the platform would otherwise fail silently."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

FONT_HINT = (
    "Install a font covering Chinese, e.g. on Debian/Ubuntu: apt-get install fonts-noto-cjk "
    "(安装中文字体，如 Debian/Ubuntu：apt-get install fonts-noto-cjk)"
)


@register()
def pdf_fonts(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Printed documents need WeasyPrint and a font covering Chinese.

    Without one, every Chinese character of a 公示 list or a report prints as an empty box, and
    nothing says so.
    """
    from yiyang.core.pdf import cjk_font_families

    # fontconfig is asked directly: importing WeasyPrint would add most of a second to every command.
    try:
        families = cjk_font_families()
    except OSError as exc:
        return [
            Error(
                f"fontconfig cannot be loaded, so WeasyPrint cannot print any document: {exc}",
                hint="Install Pango (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
                "libharfbuzz-subset0) and the project's Python packages.",
                id="core.E001",
            )
        ]
    if not families:
        return [
            Error(
                "No font available to WeasyPrint covers Chinese (fontconfig has none for 中): printed "
                "documents would show empty boxes instead of text.",
                hint=FONT_HINT,
                id="core.E002",
            )
        ]
    return []
