from django.urls import path

from openiop.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.today, name="today"),
    path("hours/", views.weekly_hours, name="weekly_hours"),
    path("flags/<str:flag>/", views.flag_detail, name="flag"),
]
