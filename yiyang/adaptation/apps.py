from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdaptationConfig(AppConfig):
    name = "yiyang.adaptation"
    label = "adaptation"
    verbose_name = _("适老化改造")

    def ready(self) -> None:
        from yiyang.adaptation import figures, navigation, permissions, timeline  # noqa: F401  (registrations)
