from django.urls import path

from openiop.clinical_notes import views, views_start

app_name = "clinical_notes"

_note = "notes/<int:note_id>/"
_session = "notes/sessions/<int:session_id>/"

urlpatterns = [
    path("notes/unsigned/", views_start.unsigned, name="unsigned"),
    path(f"{_session}group/", views_start.group_start, name="group_start"),
    path(f"{_session}new/<str:kind>/", views_start.session_note_start, name="session_start"),
    path("patients/<int:patient_id>/notes/", views_start.chart_notes, name="chart"),
    path(
        "patients/<int:patient_id>/notes/new/<str:kind>/",
        views_start.chart_note_start,
        name="chart_start",
    ),
    path(_note, views.note_view, name="note"),
    path(f"{_note}save/", views.note_save, name="save"),
    path(f"{_note}cosign/", views.note_cosign, name="cosign"),
    path(f"{_note}addenda/", views.addendum_add, name="addendum_add"),
    path(f"{_note}entered-in-error/", views.note_enter_in_error, name="enter_in_error"),
]
