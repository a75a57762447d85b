from django.contrib import admin
from django.urls import include, path

from config import api
from openiop.accounts.views import home_view
from openiop.core.views import health

urlpatterns = [
    path("", home_view, name="home"),
    path("health/", health, name="health"),
    path("accounts/", include("openiop.accounts.urls")),
    path("today/", include("openiop.dashboard.urls")),
    path("patients/", include("openiop.patients.urls")),
    path("audit/", include("openiop.audit.urls")),
    path("schedule/", include("openiop.scheduling.urls")),
    path("calendar/", include("openiop.calendars.urls")),
    path("admissions/", include("openiop.admissions.urls")),
    path("", include("openiop.billing.urls")),
    path("", include("openiop.measures.urls")),
    path("", include("openiop.attendance.urls")),
    path("", include("openiop.clinical_notes.urls")),
    path("", include("openiop.treatment_plans.urls")),
    path("", include("openiop.safety_plans.urls")),
    path("", include("openiop.medications.urls")),
    path("", include("openiop.care_meetings.urls")),
    path("", include("openiop.portal.urls")),
    path("api/v1/", api.urls()),
    path("admin/", admin.site.urls),
]

handler400 = "openiop.core.views.bad_request"
handler403 = "openiop.core.views.permission_denied"
handler404 = "openiop.core.views.not_found"
handler500 = "openiop.core.views.server_error"
