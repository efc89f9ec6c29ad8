from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "yiyang.assessments"
    label = "assessments"
    verbose_name = "能力评估"

    def ready(self) -> None:
        from yiyang.assessments import navigation, permissions, timeline  # noqa: F401  (registrations)
