from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "yiyang.reports"
    label = "reports"
    verbose_name = "统计报表"

    def ready(self) -> None:
        from yiyang.core.navigation import MenuItem, register_menu

        register_menu(
            "统计分析",
            "graph-up",
            90,
            [
                MenuItem(
                    "数据看板", "reports:dashboard", "people.view_elderstat", "speedometer2", landing=True
                )
            ],
        )
