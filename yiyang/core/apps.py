from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "yiyang.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from yiyang.core.navigation import MenuItem, register_menu

        register_menu(
            "审计",
            "shield-check",
            95,
            [
                MenuItem("变更日志", "core:auditentry_list", "core.view_auditentry", "journal-text"),
                MenuItem("访问日志", "core:accesslog_list", "core.view_accesslog", "eye"),
            ],
        )
