from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "yiyang.workforce"
    label = "workforce"
    verbose_name = _("养老服务人才")

    def ready(self) -> None:
        from yiyang.workforce import figures, imports, navigation, permissions, receivers  # noqa: F401  (registrations)
