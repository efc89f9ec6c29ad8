from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "yiyang.areas"
    label = "areas"
    verbose_name = "行政区划"
