"""System checks that fail loudly where the platform would otherwise fail silently."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

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


@register(Tags.security, deploy=True)
def keys_from_the_environment(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """`check --deploy`: the keys that encrypt personal data must come from the environment (and be kept
    with the backups), not be made up by this machine — a restore elsewhere would decrypt nothing."""
    local = getattr(settings, "LOCAL_SECRETS", [])
    if not local:
        return []
    return [
        Error(
            f"These keys were generated on this machine, not given by the deployment: {', '.join(local)}",
            hint="Set them in the environment (YIYANG_PRODUCTION=1 refuses to start without them) and keep "
            "copies apart from the database backups (docs/deploy.md). 密钥须由部署环境提供并与备份分开保存。",
            id="core.E010",
        )
    ]


@register(Tags.security)
def audit_retention(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Audit rows are kept at least six months (网络安全法 第二十一条): a shorter retention is refused."""
    days = getattr(settings, "AUDIT_RETENTION_DAYS", 0)
    if isinstance(days, int) and days >= 180:
        return []
    return [
        Error(
            f"AUDIT_RETENTION_DAYS is {days!r}: audit rows must be kept at least 180 days",
            hint="Set YIYANG_AUDIT_RETENTION_DAYS to 180 or more. 审计日志至少保存六个月。",
            id="core.E012",
        )
    ]


@register(Tags.security)
def crypto_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """The cipher suite and key ids must be ones ``core.crypto`` knows, or nothing could be read back."""
    from yiyang.core import crypto

    errors: list[Error] = []
    suite = getattr(settings, "CRYPTO_SUITE", "aes")
    if suite not in crypto.SUITES:
        errors.append(
            Error(
                f"CRYPTO_SUITE is {suite!r}",
                hint='Set YIYANG_CRYPTO_SUITE to "aes" (AES-256-GCM) or "sm" (国密 SM4-GCM, HMAC-SM3).',
                id="core.E011",
            )
        )
    ids = [str(getattr(settings, "FIELD_KEY_ID", "1")), *getattr(settings, "FIELD_OLD_KEYS", {})]
    bad = [i for i in ids if not crypto.valid_key_id(i)]
    if bad:
        errors.append(
            Error(
                f"Key ids {bad!r} are not 1–16 letters, digits, '-' or '_'",
                hint="YIYANG_FIELD_KEY_ID and the ids of YIYANG_FIELD_OLD_KEYS (id=secret;id=secret).",
                id="core.E011",
            )
        )
    return errors
