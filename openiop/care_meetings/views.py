"""Care-team meeting pages: the meetings by program and week, the workspace with its agenda,
the printable agenda, "My tasks" and the chart's care-team tab. Thin: parse → access → one
service or selector → render. Item-level writes are in ``views_items``; on bad input or a
refusal they re-render the workspace through ``workspace_page``.

Audit: opening a meeting page records CARE_MEETING_VIEWED (or _PRINTED) and one
PATIENT_LISTED per patient shown; the chart tab records PATIENT_CARE_DECISIONS_VIEWED
through ``chart_context``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from openiop.accounts.actors import request_user
from openiop.audit.services import audit_record
from openiop.care_meetings import services
from openiop.care_meetings.access import meeting_access, program_for_meetings
from openiop.care_meetings.agenda import REASON_LABELS
from openiop.care_meetings.models import CareMeeting
from openiop.care_meetings.selectors import (
    Workspace,
    meeting_workspace,
    meetings_by_program,
    patient_care_decisions,
    tasks_open_for,
)
from openiop.core import clock
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import DomainError, NotFound
from openiop.core.policy import requires
from openiop.patients.selectors import patients_audit_listed
from openiop.patients.views import chart_context


def workspace_url(meeting_id: int, item_id: int | None = None) -> str:
    url = reverse("care_meetings:workspace", kwargs={"meeting_id": meeting_id})
    return f"{url}#item-{item_id}" if item_id else url


def meeting_for(request: HttpRequest, meeting_id: int, action: str) -> CareMeeting:
    """The meeting if the user holds CARE_MEETING in its program; Http404 (audited) else."""
    try:
        return meeting_access(
            request.user, meeting_id, actor=actor_from_request(request), action=action
        )
    except NotFound as exc:
        raise Http404 from exc


def _audit_shown(request: HttpRequest, action: str, workspace: Workspace) -> None:
    meeting = workspace.meeting
    actor = actor_from_request(request)
    audit_record(
        actor=actor,
        entry=services.meeting_entry(action, meeting, items=len(workspace.items)),
    )
    patients_audit_listed(
        actor=actor,
        patients=workspace.patients,
        part2_ids={p.pk for p in workspace.patients} if meeting.program.is_part2 else set(),
    )


@dataclass(frozen=True, slots=True)
class Failed:
    """A refused write to show on the re-rendered workspace: which item and form (``kind``
    is "add", "discussion", "decision", "task", "discussed" or "meeting"), the bound form
    and the message."""

    kind: str
    message: str
    item_id: int | None = None
    form: Any = None
    current: str | None = None  # the stored discussion, on a conflict


def workspace_page(
    request: HttpRequest, meeting: CareMeeting, *, failed: Failed | None = None, status: int = 200
) -> HttpResponse:
    """Render the workspace (audited CARE_MEETING_VIEWED and PATIENT_LISTED per patient)."""
    workspace = meeting_workspace(meeting)
    _audit_shown(request, "CARE_MEETING_VIEWED", workspace)
    context = {
        "workspace": workspace,
        "meeting": meeting,
        "program": meeting.program,
        "today": clock.localdate(meeting.program.zone),
        "failed": failed,
        "labels": REASON_LABELS,
    }
    return render(request, "care_meetings/workspace.html", context, status=status)


def refused(
    request: HttpRequest, meeting: CareMeeting, error: DomainError, failed: Failed
) -> HttpResponse:
    """Re-render the workspace with ``error``: 409 when the state refused the write (closed
    meeting, task already done, a conflicting save), 400 for bad input."""
    conflict = {"meeting_closed", "task_already_done", "discussion_conflict"}
    return workspace_page(
        request, meeting, failed=failed, status=409 if error.code in conflict else 400
    )


@requires(Capability.CARE_MEETING)
def meeting_list(request: HttpRequest) -> HttpResponse:
    """The user's programs and their meetings by week (counts only, no patient names)."""
    return render(request, "care_meetings/list.html", {"rows": meetings_by_program(request.user)})


@require_POST
@requires(Capability.CARE_MEETING)
def meeting_open(request: HttpRequest, program_id: int) -> HttpResponse:
    """Open this week's meeting of the program (idempotent) and go to it."""
    actor = actor_from_request(request)
    try:
        program = program_for_meetings(
            request.user, program_id, actor=actor, action="CARE_MEETING_OPENED"
        )
    except NotFound as exc:
        raise Http404 from exc
    meeting = services.care_meeting_open(actor=actor, program=program, by=request_user(request))
    return redirect(workspace_url(meeting.pk))


@requires(Capability.CARE_MEETING)
def workspace(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return workspace_page(request, meeting_for(request, meeting_id, "CARE_MEETING_VIEWED"))


@require_POST
@requires(Capability.CARE_MEETING)
def meeting_rebuild(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_for(request, meeting_id, "CARE_MEETING_REBUILT")
    try:
        result = services.care_meeting_rebuild(actor=actor_from_request(request), meeting=meeting)
    except DomainError as error:
        return refused(request, meeting, error, Failed("meeting", error.message))
    messages.success(
        request,
        f"Agenda rebuilt: {result.added} added, {result.refreshed} updated, "
        f"{result.removed} no longer flagged and removed; discussed items kept as they were.",
    )
    return redirect(workspace_url(meeting.pk))


@require_POST
@requires(Capability.CARE_MEETING)
def meeting_close(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_for(request, meeting_id, "CARE_MEETING_CLOSED")
    try:
        services.care_meeting_close(
            actor=actor_from_request(request), meeting=meeting, by=request_user(request)
        )
    except DomainError as error:
        return refused(request, meeting, error, Failed("meeting", error.message))
    messages.success(request, "Meeting closed. Its agenda is now read-only.")
    return redirect(workspace_url(meeting.pk))


def _print_context(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    meeting = meeting_for(request, meeting_id, "CARE_MEETING_PRINTED")
    workspace = meeting_workspace(meeting, editable=False)
    _audit_shown(request, "CARE_MEETING_PRINTED", workspace)
    return {
        "workspace": workspace,
        "meeting": meeting,
        "program": meeting.program,
        "printed_on": clock.localdate(meeting.program.zone),
    }


@requires(Capability.CARE_MEETING)
def meeting_print(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The agenda as a page to print (the site's print styles hide the navigation)."""
    return render(request, "care_meetings/print.html", _print_context(request, meeting_id))


@requires(Capability.CARE_MEETING)
def meeting_print_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The agenda as a PDF (WeasyPrint; the template inlines its styles)."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # heavy; only this export

    context = _print_context(request, meeting_id)
    html = render_to_string("care_meetings/print_pdf.html", context)
    response = HttpResponse(bytes(HTML(string=html).write_pdf()), content_type="application/pdf")
    meeting = context["meeting"]
    response["Content-Disposition"] = (
        f'attachment; filename="care-meeting-{meeting.pk}-{meeting.week_start:%Y-%m-%d}.pdf"'
    )
    return response


@requires(Capability.CARE_MEETING)
def my_tasks(request: HttpRequest) -> HttpResponse:
    """The user's open tasks from care-team meetings; each patient shown is audited."""
    tasks = tasks_open_for(request.user)
    patients = {t.item.episode.patient_id: t.item.episode.patient for t in tasks}
    patients_audit_listed(
        actor=actor_from_request(request),
        patients=list(patients.values()),
        part2_ids={t.item.episode.patient_id for t in tasks if t.item.meeting.program.is_part2},
    )
    return render(request, "care_meetings/my_tasks.html", {"tasks": tasks})


@requires(Capability.VIEW_PATIENTS)
def chart_care_team(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The chart's care-team tab: the meetings' decisions and tasks about this patient."""
    context = chart_context(request, patient_id, "care_team")
    context["entries"] = patient_care_decisions(request.user, context["patient"])
    return render(request, "care_meetings/chart.html", context)
