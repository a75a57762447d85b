from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openiop.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from openiop.core import checks  # noqa: F401  (registers the system checks)
