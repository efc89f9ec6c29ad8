from django.apps import AppConfig


class CoverageConfig(AppConfig):
    name = "yiyang.coverage"
    label = "coverage"
    verbose_name = "一刻钟服务圈"

    def ready(self) -> None:
        from yiyang.coverage import navigation, permissions  # noqa: F401  (registrations)
