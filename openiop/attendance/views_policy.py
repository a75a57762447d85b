"""A program's attendance policies (CONFIGURE_PROGRAM in that program): list, add or update
by name, deactivate. Thin: parse → access → one service → render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openiop.attendance.access import policy_of, program_access
from openiop.attendance.forms import PolicyForm
from openiop.attendance.models import AttendanceStatus
from openiop.attendance.selectors import program_policies
from openiop.attendance.services import attendance_policy_deactivate, attendance_policy_set
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import DomainError, NotFound
from openiop.core.policy import requires
from openiop.programs.models import Program


def _program(request: HttpRequest, program_id: int, action: str) -> Program:
    try:
        return program_access(
            request.user,
            program_id,
            actor=actor_from_request(request),
            capability=Capability.CONFIGURE_PROGRAM,
            action=action,
        )
    except NotFound as exc:
        raise Http404 from exc


@requires(Capability.CONFIGURE_PROGRAM)
def policy_view(request: HttpRequest, program_id: int) -> HttpResponse:
    """GET lists the policies with an empty form; POST adds one (or updates the one with the
    same name). Bad input is shown at the form with status 400."""
    program = _program(request, program_id, "ATTENDANCE_POLICY_SET")
    form = PolicyForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                policy = attendance_policy_set(
                    actor=actor_from_request(request), program=program, **form.cleaned_data
                )
            except DomainError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, f"Policy “{policy.name}” saved.")
                return redirect("attendance:policy", program_id=program.pk)
        status = 400
    rows = [
        (p, ", ".join(AttendanceStatus(s).label for s in p.statuses))
        for p in program_policies(program)
    ]
    context = {"program": program, "policies": rows, "form": form}
    return render(request, "attendance/policy.html", context, status=status)


@require_POST
@requires(Capability.CONFIGURE_PROGRAM)
def policy_deactivate(request: HttpRequest, program_id: int, policy_id: int) -> HttpResponse:
    program = _program(request, program_id, "ATTENDANCE_POLICY_DEACTIVATED")
    actor = actor_from_request(request)
    try:
        policy = policy_of(program, policy_id, actor=actor, action="ATTENDANCE_POLICY_DEACTIVATED")
    except NotFound as exc:
        raise Http404 from exc
    try:
        attendance_policy_deactivate(actor=actor, policy=policy)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Policy “{policy.name}” deactivated.")
    return redirect("attendance:policy", program_id=program.pk)
