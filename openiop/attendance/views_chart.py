"""The chart's Attendance tab: the patient's attendance history, weekly hours of the current
episode against the program's minimum, and open attendance reviews with a resolve form.
Thin: parse → access → one selector or service → render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openiop.accounts.actors import request_user
from openiop.attendance.access import review_access
from openiop.attendance.forms import ResolveForm
from openiop.attendance.selectors import patient_attendance
from openiop.attendance.services import attendance_review_resolve
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import DomainError, NotFound
from openiop.core.policy import requires
from openiop.patients.views import chart_context


def _chart_page(
    request: HttpRequest,
    patient_id: int,
    *,
    bound: dict[int, ResolveForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = chart_context(request, patient_id, "attendance")
    data = patient_attendance(request.user, context["patient"], context["current"])
    bound = bound or {}
    cards = [
        (r, bound.get(r.pk) or ResolveForm(prefix=f"review-{r.pk}"))
        if r.pk in data.can_resolve
        else (r, None)
        for r in data.reviews
    ]
    context.update(attendance=data, review_cards=cards)
    return render(request, "attendance/chart.html", context, status=status)


@requires(Capability.VIEW_PATIENTS)
def chart_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _chart_page(request, patient_id)


@require_POST
@requires(Capability.RECORD_ATTENDANCE)
def review_resolve(request: HttpRequest, review_id: int) -> HttpResponse:
    """Close an open attendance review with what was decided (RECORD_ATTENDANCE in the
    episode's program; another program's review is a 404)."""
    actor = actor_from_request(request)
    try:
        review = review_access(
            request.user, review_id, actor=actor, action="ATTENDANCE_REVIEW_RESOLVED"
        )
    except NotFound as exc:
        raise Http404 from exc
    patient_id = review.episode.patient_id
    form = ResolveForm(request.POST, prefix=f"review-{review.pk}")
    if form.is_valid():
        try:
            attendance_review_resolve(
                actor=actor,
                review=review,
                by=request_user(request),
                resolution=form.cleaned_data["resolution"],
            )
        except DomainError as error:
            if not error.field:  # already resolved: nothing left to show a form for
                messages.error(request, error.message)
                return redirect("attendance:chart", patient_id=patient_id)
            form.add_error("resolution", error.message)
        else:
            messages.success(request, "Review resolved.")
            return redirect("attendance:chart", patient_id=patient_id)
    return _chart_page(request, patient_id, bound={review.pk: form}, status=400)
