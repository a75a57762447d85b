from django.urls import path

from openiop.dashboard import views

app_name = "dashboard"

urlpatterns = [path("", views.today, name="today")]
