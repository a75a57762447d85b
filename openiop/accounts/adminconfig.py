"""Installs OpenIOP's admin site as the default one. Imports no models (loaded early)."""

from django.contrib.admin.apps import AdminConfig


class OpenIOPAdminConfig(AdminConfig):
    default_site = "openiop.accounts.admin_site.OpenIOPAdminSite"
