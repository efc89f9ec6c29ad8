from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MealsConfig(AppConfig):
    name = "yiyang.meals"
    label = "meals"
    verbose_name = _("助餐服务")

    def ready(self) -> None:
        from yiyang.meals import navigation, permissions, sources, timeline  # noqa: F401  (registrations)
