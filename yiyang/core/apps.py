from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "yiyang.core"
    label = "core"
    verbose_name = _("核心")

    def ready(self) -> None:
        from yiyang.core import (
            audit_chain,
            checks,  # noqa: F401  (registers the system checks)
            models,
            scoping,
            search_tokens,
        )
        from yiyang.core.navigation import MenuItem, register_menu

        scoping.connect_organisations()
        search_tokens.install()
        models.register_chain(audit_chain)
        _quiet_embedded_server()

        register_menu(
            _("审计"),
            "shield-check",
            95,
            [
                MenuItem(_("变更日志"), "core:auditentry_list", "core.view_auditentry", "journal-text"),
                MenuItem(_("访问日志"), "core:accesslog_list", "core.view_accesslog", "eye"),
            ],
        )


def _quiet_embedded_server() -> None:
    """The embedded server (``make run``: Django's runserver) names no software and no Python version.

    wsgiref writes ``Server: WSGIServer/0.2 CPython/3.11.7`` unless its handler has no name; the
    application cannot remove a header its server adds. In production nginx answers (``server_tokens
    off``), see docs/deploy.md.
    """
    from django.core.servers import basehttp

    basehttp.ServerHandler.server_software = None  # type: ignore[assignment]  # wsgiref reads None as "none"
