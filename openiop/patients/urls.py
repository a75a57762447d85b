from django.urls import path

from openiop.patients import views

app_name = "patients"

urlpatterns = [
    path("", views.patient_list, name="list"),
    path("new/", views.patient_register, name="register"),
    path("<int:patient_id>/", views.patient_chart_view, name="chart"),
    path("<int:patient_id>/contacts/", views.patient_contacts_view, name="contacts"),
    path("<int:patient_id>/contacts/add/", views.contact_add, name="contact_add"),
    path(
        "<int:patient_id>/episodes/<int:episode_id>/<slug:transition>/",
        views.episode_transition,
        name="episode_transition",
    ),
    path(
        "<int:patient_id>/episodes/<int:episode_id>/care-team/<slug:seat>/",
        views.care_team_assign,
        name="care_team_assign",
    ),
]
