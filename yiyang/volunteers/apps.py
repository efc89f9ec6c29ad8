from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "yiyang.volunteers"
    label = "volunteers"
    verbose_name = _("志愿服务")

    def ready(self) -> None:
        from yiyang.people import lifecycle
        from yiyang.volunteers import figures, imports, navigation, permissions, timeline  # noqa: F401  (registrations)
        from yiyang.volunteers.actions.pairs import on_elder_status_change

        lifecycle.register(on_elder_status_change)  # a death or move ends the elder's mutual-aid pairs
