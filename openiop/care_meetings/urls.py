from django.urls import path  # noqa: F401  (routes are added as views land)

app_name = "care_meetings"

urlpatterns: list = []  # type: ignore[type-arg]
