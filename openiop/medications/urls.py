from django.urls import path

from openiop.medications import views

app_name = "medications"

_episode = "patients/<int:patient_id>/episodes/<int:episode_id>/"
_medication = f"{_episode}medications/<int:medication_id>/"

urlpatterns = [
    path("patients/<int:patient_id>/medications/", views.medications_chart, name="chart"),
    path(f"{_episode}medications/start/", views.medication_start, name="start"),
    path(f"{_medication}change/", views.medication_change, name="change"),
    path(f"{_medication}stop/", views.medication_stop, name="stop"),
    path(f"{_episode}drug-screens/record/", views.drug_screen_record, name="screen_record"),
    path("medications/watches/", views.watch_list, name="watches"),
    path("medications/watches/<int:watch_id>/seen/", views.watch_seen, name="watch_seen"),
]
