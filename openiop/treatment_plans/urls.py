from django.urls import path

from openiop.treatment_plans import views

app_name = "treatment_plans"

_plan = "patients/<int:patient_id>/episodes/<int:episode_id>/plan/"

urlpatterns = [
    path("patients/<int:patient_id>/plan/", views.plan_chart, name="chart"),
    path("plans/due/", views.due_list, name="due"),
    path(f"{_plan}create/", views.plan_create, name="create"),
    path(f"{_plan}activate/", views.plan_activate, name="activate"),
    path(f"{_plan}reviews/add/", views.review_add, name="review_add"),
    path(f"{_plan}problems/add/", views.problem_add, name="problem_add"),
    path(f"{_plan}problems/<int:problem_id>/edit/", views.problem_edit, name="problem_edit"),
    path(f"{_plan}problems/<int:problem_id>/goals/add/", views.goal_add, name="goal_add"),
    path(f"{_plan}goals/<int:goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path(f"{_plan}goals/<int:goal_id>/objectives/add/", views.objective_add, name="objective_add"),
    path(
        f"{_plan}objectives/<int:objective_id>/edit/", views.objective_edit, name="objective_edit"
    ),
    path(
        f"{_plan}objectives/<int:objective_id>/status/",
        views.objective_status,
        name="objective_status",
    ),
    path(
        f"{_plan}objectives/<int:objective_id>/interventions/add/",
        views.intervention_add,
        name="intervention_add",
    ),
    path(
        f"{_plan}interventions/<int:intervention_id>/edit/",
        views.intervention_edit,
        name="intervention_edit",
    ),
]
