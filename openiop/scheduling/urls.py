from django.urls import path

from openiop.scheduling import views, views_inputs

app_name = "scheduling"

_program = "programs/<int:program_id>/"
_plan = f"{_program}plans/<int:plan_id>/"

urlpatterns = [
    path("", views.home, name="home"),
    path(_program, views.program_view, name="program"),
    path(f"{_program}plan/", views.plan_next_week, name="plan_next_week"),
    path(f"{_program}replan/", views.replan, name="replan"),
    path(_plan, views.plan_view, name="plan"),
    path(f"{_plan}progress/", views.plan_progress, name="plan_progress"),
    path(f"{_plan}approve/", views.plan_approve, name="plan_approve"),
    path(f"{_plan}discard/", views.plan_discard, name="plan_discard"),
    path(f"{_program}cohorts/", views.cohorts_view, name="cohorts"),
    path(f"{_program}inputs/", views_inputs.inputs_view, name="inputs"),
    path(
        f"{_program}inputs/staff/<int:user_id>/",
        views_inputs.staff_availability_view,
        name="staff_availability",
    ),
    path(f"{_program}sessions/new/", views_inputs.session_create_view, name="session_create"),
    path(
        "patients/<int:patient_id>/episodes/<int:episode_id>/",
        views_inputs.patient_inputs_view,
        name="patient_inputs",
    ),
]
