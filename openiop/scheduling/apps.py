from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "openiop.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"
