from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "yiyang.assessments"
    label = "assessments"
    verbose_name = _("能力评估")

    def ready(self) -> None:
        from yiyang.assessments import navigation, permissions, timeline  # noqa: F401  (registrations)
