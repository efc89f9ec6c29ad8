from django.apps import AppConfig


class MealsConfig(AppConfig):
    name = "yiyang.meals"
    label = "meals"
    verbose_name = "助餐服务"

    def ready(self) -> None:
        from yiyang.meals import navigation, permissions, sources, timeline  # noqa: F401  (registrations)
