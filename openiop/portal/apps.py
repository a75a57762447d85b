from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "openiop.portal"
    label = "portal"
    verbose_name = "Patient portal"
