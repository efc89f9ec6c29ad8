from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "yiyang.people"
    label = "people"
    verbose_name = _("老年人信息")

    def ready(self) -> None:
        from yiyang.people import imports, navigation, permissions, timeline  # noqa: F401  (registrations)
