from django.urls import path  # noqa: F401  (routes are added as views land)

app_name = "safety_plans"

urlpatterns: list = []  # type: ignore[type-arg]
