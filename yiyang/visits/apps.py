from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "yiyang.visits"
    label = "visits"
    verbose_name = _("走访慰问")

    def ready(self) -> None:
        from yiyang.visits import (  # noqa: F401  (registrations)
            elder_actions,
            figures,
            navigation,
            permissions,
            survey_dashboard,
            survey_imports,
            timeline,
        )
