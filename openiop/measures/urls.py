from django.urls import path, register_converter

from openiop.measures import portal, reports, views


class _IsoDate:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: object) -> str:
        return str(value)


register_converter(_IsoDate, "isodate")

app_name = "measures"

_episode = "patients/<int:patient_id>/episodes/<int:episode_id>/measures/"

urlpatterns = [
    path("patients/<int:patient_id>/measures/", views.patient_measures_view, name="chart"),
    path("patients/<int:patient_id>/measures/fhir/", views.patient_fhir_view, name="fhir"),
    path(f"{_episode}link/", views.link_create, name="link_create"),
    path(f"{_episode}kiosk/", views.kiosk_start, name="kiosk_start"),
    path(
        f"{_episode}paper/<slug:instrument>/<slug:timepoint>/<isodate:due_on>/",
        views.paper_entry,
        name="paper",
    ),
    path(
        "patients/<int:patient_id>/alerts/<int:alert_id>/acknowledge/",
        views.alert_acknowledge,
        name="alert_acknowledge",
    ),
    path("measures/due/", views.due_list_view, name="due"),
    path("measures/outcomes/", reports.outcomes_view, name="outcomes"),
    path("measures/outcomes.csv", reports.outcomes_csv, name="outcomes_csv"),
    path("measures/outcomes.pdf", reports.outcomes_pdf, name="outcomes_pdf"),
    path("m/<str:token>/", portal.portal, name="portal"),
]
