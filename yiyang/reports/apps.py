from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "yiyang.reports"
    label = "reports"
    verbose_name = _("统计报表")

    def ready(self) -> None:
        from yiyang.core.navigation import MenuItem, register_menu

        register_menu(
            _("统计分析"),
            "graph-up",
            90,
            [
                MenuItem(
                    _("数据看板"), "reports:dashboard", "people.view_elderstat", "speedometer2", landing=True
                )
            ],
        )
