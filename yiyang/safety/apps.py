from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "yiyang.safety"
    label = "safety"
    verbose_name = _("安全监护")

    def ready(self) -> None:
        from yiyang.safety import figures, navigation, permissions, timeline  # noqa: F401  (registrations)
