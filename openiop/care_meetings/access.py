"""Fetch-and-authorize for care-team meetings (Zulip's access_stream_by_id pattern).

A meeting belongs to one program; a user reaches it only while holding CARE_MEETING there.
Items, decisions' items and tasks are then fetched *under* that meeting, so an id under the
wrong parent is the same NotFound as a missing one. Every refusal is audited as a denied
attempt that names no patient (security.md R11, R17). Not wrapped in transactions on
purpose: the denial's audit row must survive the NotFound it precedes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet

from openiop.accounts.access import program_ids_with
from openiop.audit.models import DataCategory, Outcome
from openiop.audit.services import Entry, audit_record
from openiop.care_meetings.models import AgendaItem, CareMeeting, MeetingTask
from openiop.core.actor import Actor
from openiop.core.capabilities import Capability
from openiop.core.errors import NotFound
from openiop.patients.models import EpisodeOfCare, EpisodeState
from openiop.programs.models import Program

_MAX_ID = 2**63 - 1


def _denied(actor: Actor, action: str, **detail: str) -> NotFound:
    audit_record(
        actor=actor,
        entry=Entry(
            action=action, category=DataCategory.CARE_MEETING, outcome=Outcome.DENIED, detail=detail
        ),
    )
    return NotFound("No such record.")


def _fetch[M: Model](queryset: QuerySet[M], pk: int, *, actor: Actor, action: str) -> M:
    found = queryset.filter(pk=pk).first() if 0 < pk <= _MAX_ID else None
    if found is None:
        name = queryset.model._meta.model_name or "record"
        raise _denied(actor, action, **{f"requested_{name}_id": str(pk)})
    return found


def meetings_visible_to(user: Any) -> QuerySet[CareMeeting]:
    """Meetings of the programs where ``user`` holds CARE_MEETING; none for anyone else."""
    return CareMeeting.objects.filter(
        program_id__in=program_ids_with(user, Capability.CARE_MEETING)
    )


def program_for_meetings(user: Any, program_id: int, *, actor: Actor, action: str) -> Program:
    """A program where ``user`` holds CARE_MEETING; NotFound (audited as a denied
    ``action``) otherwise."""
    programs = Program.objects.filter(pk__in=program_ids_with(user, Capability.CARE_MEETING))
    return _fetch(programs, program_id, actor=actor, action=action)


def meeting_access(user: Any, meeting_id: int, *, actor: Actor, action: str) -> CareMeeting:
    """The meeting (program loaded) if ``user`` holds CARE_MEETING in its program; NotFound
    (audited as a denied ``action``) when it is missing or another program's."""
    meetings = meetings_visible_to(user).select_related("program", "created_by", "closed_by")
    return _fetch(meetings, meeting_id, actor=actor, action=action)


def item_of(meeting: CareMeeting, item_id: int, *, actor: Actor, action: str) -> AgendaItem:
    """An agenda item (episode and patient loaded) of the (authorized) meeting; NotFound
    otherwise."""
    items = AgendaItem.objects.filter(meeting=meeting).select_related("episode__patient")
    return _fetch(items, item_id, actor=actor, action=action)


def task_of(meeting: CareMeeting, task_id: int, *, actor: Actor, action: str) -> MeetingTask:
    """A task of one of the (authorized) meeting's items; NotFound otherwise."""
    tasks = MeetingTask.objects.filter(item__meeting=meeting)
    return _fetch(tasks, task_id, actor=actor, action=action)


def episode_for_agenda(
    meeting: CareMeeting, episode_id: int, *, actor: Actor, action: str
) -> EpisodeOfCare:
    """An episode admitted to the (authorized) meeting's program, patient loaded; NotFound
    otherwise (another program's patient is never revealed)."""
    episodes = EpisodeOfCare.objects.filter(
        program_id=meeting.program_id, state=EpisodeState.ADMITTED
    ).select_related("patient", "program")
    return _fetch(episodes, episode_id, actor=actor, action=action)
