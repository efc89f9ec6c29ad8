from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "yiyang.complaints"
    label = "complaints"
    verbose_name = _("投诉信访")

    def ready(self) -> None:
        from yiyang.complaints import figures, imports, navigation, permissions, timeline  # noqa: F401  (registrations)
