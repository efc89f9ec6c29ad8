from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "yiyang.institutions"
    label = "institutions"
    verbose_name = _("机构养老")

    def ready(self) -> None:
        from yiyang.institutions import figures, imports, navigation, permissions, risk_events, timeline  # noqa: F401  (registrations)
        from yiyang.institutions.actions.residents import on_status_change
        from yiyang.people import lifecycle

        lifecycle.register(on_status_change)  # a death registered by any door ends the stay here
