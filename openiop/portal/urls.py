from django.urls import path  # noqa: F401  (routes are added as views land)

app_name = "portal"

urlpatterns: list = []  # type: ignore[type-arg]
