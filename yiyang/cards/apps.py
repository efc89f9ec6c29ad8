from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CardsConfig(AppConfig):
    name = "yiyang.cards"
    label = "cards"
    verbose_name = _("优待证与银龄安康")

    def ready(self) -> None:
        from yiyang.cards import (  # noqa: F401  (registrations)
            figures,
            imports,
            listeners,
            navigation,
            permissions,
            timeline,
            words,
        )
