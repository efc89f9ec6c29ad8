from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "yiyang.benefits"
    label = "benefits"
    verbose_name = _("津贴补贴")

    def ready(self) -> None:
        from yiyang.benefits import documents, imports, navigation, permissions, timeline  # noqa: F401  (registrations)
        from yiyang.benefits.actions.stops import on_status_change
        from yiyang.people import lifecycle

        lifecycle.register(on_status_change)  # every door's death or move stops payment here
