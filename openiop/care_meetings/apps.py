from django.apps import AppConfig


class CareMeetingsConfig(AppConfig):
    name = "openiop.care_meetings"
    label = "care_meetings"
    verbose_name = "Care-team meetings"
