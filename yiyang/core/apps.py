from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "yiyang.core"
    label = "core"
    verbose_name = _("核心")

    def ready(self) -> None:
        from yiyang.core import (
            checks,  # noqa: F401  (registers the system checks)
            scoping,
        )
        from yiyang.core.navigation import MenuItem, register_menu

        scoping.connect_organisations()

        register_menu(
            _("审计"),
            "shield-check",
            95,
            [
                MenuItem(_("变更日志"), "core:auditentry_list", "core.view_auditentry", "journal-text"),
                MenuItem(_("访问日志"), "core:accesslog_list", "core.view_accesslog", "eye"),
            ],
        )
