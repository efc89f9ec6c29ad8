from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "yiyang.coverage"
    label = "coverage"
    verbose_name = _("一刻钟服务圈")

    def ready(self) -> None:
        from yiyang.coverage import navigation, permissions  # noqa: F401  (registrations)
