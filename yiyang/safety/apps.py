from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "yiyang.safety"
    label = "safety"
    verbose_name = "安全监护"

    def ready(self) -> None:
        from yiyang.safety import navigation, permissions, timeline  # noqa: F401  (registrations)
