from django.urls import path

from openiop.attendance import views, views_chart, views_kiosk, views_policy

app_name = "attendance"

_program = "attendance/programs/<int:program_id>/"

urlpatterns = [
    path("attendance/sessions/<int:session_id>/", views.roster_view, name="roster"),
    path(
        "attendance/sessions/<int:session_id>/episodes/<int:episode_id>/mark/",
        views.roster_mark,
        name="mark",
    ),
    path(
        "attendance/sessions/<int:session_id>/records/<int:attendance_id>/correct/",
        views.roster_correct,
        name="correct",
    ),
    path("patients/<int:patient_id>/attendance/", views_chart.chart_view, name="chart"),
    path(
        "attendance/reviews/<int:review_id>/resolve/",
        views_chart.review_resolve,
        name="review_resolve",
    ),
    path(f"{_program}kiosks/", views_kiosk.kiosks_view, name="kiosks"),
    path(f"{_program}kiosk/start/", views_kiosk.kiosk_start, name="kiosk_start"),
    path(f"{_program}kiosks/<int:kiosk_id>/revoke/", views_kiosk.kiosk_revoke, name="kiosk_revoke"),
    path("kiosk/", views_kiosk.kiosk_page, name="kiosk"),
    path(f"{_program}policy/", views_policy.policy_view, name="policy"),
    path(
        f"{_program}policy/<int:policy_id>/deactivate/",
        views_policy.policy_deactivate,
        name="policy_deactivate",
    ),
]
