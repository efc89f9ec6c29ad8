from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "yiyang.benefits"
    label = "benefits"
    verbose_name = "津贴补贴"

    def ready(self) -> None:
        from yiyang.benefits import imports, navigation, permissions, scope, timeline  # noqa: F401  (registrations)
