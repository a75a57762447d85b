from django.urls import path

from openiop.portal import views, views_staff

app_name = "portal"

_episode = "patients/<int:patient_id>/episodes/<int:episode_id>/portal/"

urlpatterns = [
    path("patients/<int:patient_id>/portal/", views_staff.access_list, name="access_list"),
    path(f"{_episode}create/", views_staff.access_create, name="access_create"),
    path(f"{_episode}<int:access_id>/revoke/", views_staff.access_revoke, name="access_revoke"),
    path("my/<str:token>/", views.home, name="home"),
    path("my/<str:token>/plan/", views.plan, name="plan"),
    path("my/<str:token>/safety-plan/", views.safety_plan, name="safety_plan"),
    path("my/<str:token>/safety-plan.pdf", views.safety_plan_pdf, name="safety_plan_pdf"),
]
