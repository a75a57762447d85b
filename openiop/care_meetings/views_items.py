"""Writes on the meeting's agenda items: add a patient by hand, save a discussion, mark an
item discussed, record a decision, assign a task and mark it done. Each needs CARE_MEETING in
the meeting's program (another program's meeting, item or task is a 404, audited); bad input
re-renders the workspace with the form's message (400), a closed meeting or a conflicting
save is a 409. Thin: parse → access → one service → redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from openiop.accounts.actors import request_user
from openiop.care_meetings import services
from openiop.care_meetings.access import episode_for_agenda, item_of, task_of
from openiop.care_meetings.errors import DiscussionConflict
from openiop.care_meetings.forms import AgendaItemAddForm, DecisionForm, DiscussionForm, TaskForm
from openiop.care_meetings.models import AgendaItem, CareMeeting
from openiop.care_meetings.selectors import task_owner_get
from openiop.care_meetings.views import Failed, meeting_for, refused, workspace_url
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import DomainError, NotFound
from openiop.core.policy import requires


def _item(request: HttpRequest, meeting: CareMeeting, item_id: int, action: str) -> AgendaItem:
    try:
        return item_of(meeting, item_id, actor=actor_from_request(request), action=action)
    except NotFound as exc:
        raise Http404 from exc


def _first_error(form: forms.Form) -> str:
    return next((str(e) for errors in form.errors.values() for e in errors), "Check the form.")


def _submit(
    request: HttpRequest,
    meeting: CareMeeting,
    form: forms.Form,
    failed: Callable[[str], Failed],
    write: Callable[[], tuple[str, int | None]],
) -> HttpResponse:
    """Run ``write`` (one service call returning the message and the item to return to)
    when the form is valid, then go back to the workspace; re-render it with the problem
    otherwise."""
    if not form.is_valid():
        return refused(request, meeting, DomainError(_first_error(form)), failed(""))
    try:
        message, item_id = write()
    except DiscussionConflict as error:
        conflict = Failed("discussion", error.message, failed("").item_id, form, error.current)
        return refused(request, meeting, error, conflict)
    except DomainError as error:
        return refused(request, meeting, error, failed(error.message))
    except ValidationError as error:
        return refused(request, meeting, DomainError(" ".join(error.messages)), failed(""))
    messages.success(request, message)
    return redirect(workspace_url(meeting.pk, item_id))


def _failed(kind: str, form: forms.Form, item_id: int | None = None) -> Callable[[str], Failed]:
    def make(message: str) -> Failed:
        return Failed(kind, message or _first_error(form), item_id, form)

    return make


@require_POST
@requires(Capability.CARE_MEETING)
def item_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_for(request, meeting_id, "CARE_MEETING_ITEM_ADDED")
    form = AgendaItemAddForm(request.POST, prefix="add")
    actor = actor_from_request(request)

    def write() -> tuple[str, int | None]:
        try:
            episode = episode_for_agenda(
                meeting,
                form.cleaned_data["episode"],
                actor=actor,
                action="CARE_MEETING_ITEM_ADDED",
            )
        except NotFound as exc:
            raise DomainError("Choose a patient admitted to this program.") from exc
        item = services.agenda_item_add(
            actor=actor,
            meeting=meeting,
            episode=episode,
            by=request_user(request),
            reason=form.cleaned_data["reason"],
        )
        return f"{episode.patient.display_name} added to the agenda.", item.pk

    return _submit(request, meeting, form, _failed("add", form), write)


@require_POST
@requires(Capability.CARE_MEETING)
def discussion_save(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    meeting = meeting_for(request, meeting_id, "CARE_MEETING_DISCUSSION_SAVED")
    item = _item(request, meeting, item_id, "CARE_MEETING_DISCUSSION_SAVED")
    form = DiscussionForm(request.POST, prefix=f"discussion-{item.pk}")

    def write() -> tuple[str, int | None]:
        services.agenda_item_discussion_save(
            actor=actor_from_request(request),
            item=item,
            text=form.cleaned_data["text"],
            original=form.cleaned_data["original"],
        )
        return "Discussion saved.", item.pk

    return _submit(request, meeting, form, _failed("discussion", form, item.pk), write)


@require_POST
@requires(Capability.CARE_MEETING)
def item_discussed(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    meeting = meeting_for(request, meeting_id, "CARE_MEETING_ITEM_DISCUSSED")
    item = _item(request, meeting, item_id, "CARE_MEETING_ITEM_DISCUSSED")
    form = forms.Form(request.POST)

    def write() -> tuple[str, int | None]:
        services.agenda_item_mark_discussed(actor=actor_from_request(request), item=item)
        return f"{item.episode.patient.display_name} marked as discussed.", item.pk

    return _submit(request, meeting, form, _failed("discussed", form, item.pk), write)


@require_POST
@requires(Capability.CARE_MEETING)
def decision_add(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    meeting = meeting_for(request, meeting_id, "CARE_MEETING_DECISION_RECORDED")
    item = _item(request, meeting, item_id, "CARE_MEETING_DECISION_RECORDED")
    form = DecisionForm(request.POST, prefix=f"decision-{item.pk}")

    def write() -> tuple[str, int | None]:
        services.meeting_decision_record(
            actor=actor_from_request(request),
            item=item,
            by=request_user(request),
            text=form.cleaned_data["text"],
        )
        return "Decision recorded; it appears in the patient's chart.", item.pk

    return _submit(request, meeting, form, _failed("decision", form, item.pk), write)


@require_POST
@requires(Capability.CARE_MEETING)
def task_add(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    meeting = meeting_for(request, meeting_id, "CARE_MEETING_TASK_ASSIGNED")
    item = _item(request, meeting, item_id, "CARE_MEETING_TASK_ASSIGNED")
    form = TaskForm(request.POST, prefix=f"task-{item.pk}")

    def write() -> tuple[str, int | None]:
        data: dict[str, Any] = form.cleaned_data
        owner = task_owner_get(meeting.program_id, data["owner"])
        if owner is None:
            raise DomainError("Give the task to a staff member of this program's care team.")
        services.meeting_task_assign(
            actor=actor_from_request(request),
            item=item,
            by=request_user(request),
            text=data["text"],
            owner=owner,
            due_on=data["due_on"],
        )
        return f"Task given to {owner.display_name}.", item.pk

    return _submit(request, meeting, form, _failed("task", form, item.pk), write)


@require_POST
@requires(Capability.CARE_MEETING)
def task_done(request: HttpRequest, meeting_id: int, task_id: int) -> HttpResponse:
    """Mark a task done, from the workspace or from "My tasks" (``back=tasks``)."""
    meeting = meeting_for(request, meeting_id, "CARE_MEETING_TASK_COMPLETED")
    actor = actor_from_request(request)
    try:
        task = task_of(meeting, task_id, actor=actor, action="CARE_MEETING_TASK_COMPLETED")
    except NotFound as exc:
        raise Http404 from exc
    form = forms.Form(request.POST)

    def write() -> tuple[str, int | None]:
        services.meeting_task_complete(actor=actor, task=task)
        return "Task marked done.", task.item_id

    response = _submit(request, meeting, form, _failed("task_done", form, task.item_id), write)
    if response.status_code == 302 and request.POST.get("back") == "tasks":
        return redirect(reverse("care_meetings:my_tasks"))
    return response
