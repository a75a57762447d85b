from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "openiop.devtools"
    label = "devtools"
    verbose_name = "Developer tools (demo data)"
