from django.urls import path

from openiop.safety_plans import views

app_name = "safety_plans"

_chart = "patients/<int:patient_id>/safety-plan/"

urlpatterns = [
    path(_chart, views.safety_plan_chart, name="chart"),
    path(f"{_chart}edit/", views.safety_plan_edit, name="edit"),
    path(f"{_chart}<int:version>/", views.safety_plan_version, name="version"),
    path(f"{_chart}<int:version>/pdf/", views.safety_plan_pdf, name="pdf"),
    path(
        "patients/<int:patient_id>/episodes/<int:episode_id>/safety-plan/save/",
        views.safety_plan_save,
        name="save",
    ),
]
