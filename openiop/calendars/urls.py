from django.urls import path

from openiop.calendars import views

app_name = "calendars"

_episode = "patients/<int:patient_id>/episodes/<int:episode_id>/feed/"

urlpatterns = [
    path("program/", views.program_week_view, name="program_week"),
    path("clinician/", views.clinician_week_view, name="clinician_week"),
    path("clinician/feed/", views.own_feed_create, name="own_feed_create"),
    path("clinician/feed/revoke/", views.own_feed_revoke, name="own_feed_revoke"),
    path("patients/<int:patient_id>/", views.patient_week_view, name="patient_week"),
    path(_episode, views.patient_feed_create, name="patient_feed_create"),
    path(f"{_episode}revoke/", views.patient_feed_revoke, name="patient_feed_revoke"),
    # token_urlsafe's alphabet is exactly the slug converter's.
    path("feed/<slug:token>.ics", views.feed_view, name="feed"),
]
