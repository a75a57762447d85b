"""Reads of the care-meeting context, each in a fixed number of queries however many
meetings, items, decisions or tasks there are. Callers authorize first (``access.py`` or the
chart's ``chart_context``) and audit what they show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from openiop.accounts.access import program_ids_with
from openiop.accounts.models import User
from openiop.accounts.roles import PROGRAM_ROLE_CAPABILITIES
from openiop.care_meetings.agenda import week_start_of
from openiop.care_meetings.models import AgendaItem, CareMeeting, MeetingDecision, MeetingTask
from openiop.core import clock
from openiop.core.capabilities import Capability
from openiop.patients.models import EpisodeOfCare, EpisodeState, Patient
from openiop.programs.models import Program

#: Past meetings listed per program on the meetings page.
RECENT_MEETINGS = 12
MEETING_ROLES = tuple(
    role for role, caps in PROGRAM_ROLE_CAPABILITIES.items() if Capability.CARE_MEETING in caps
)


def task_owners(program: Program | int) -> QuerySet[User]:
    """Active staff who take part in ``program``'s meetings (an active membership in a role
    holding CARE_MEETING): the people a task can be given to."""
    program_id = program if isinstance(program, int) else program.pk
    return (
        User.objects.filter(
            is_active=True,
            memberships__program_id=program_id,
            memberships__is_active=True,
            memberships__role__in=MEETING_ROLES,
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def task_owner_get(program_id: int, user_id: int) -> User | None:
    """The staff member ``user_id`` if a task of ``program_id``'s meetings can be theirs."""
    return task_owners(program_id).filter(pk=user_id).first()


@dataclass(slots=True)
class ProgramMeetings:
    """One program on the meetings page: its meetings, newest first, each annotated with
    ``item_count`` and ``discussed_count``; ``current`` is this week's, if opened."""

    program: Program
    week_start: dt.date
    meetings: list[CareMeeting] = field(default_factory=list)

    @property
    def current(self) -> CareMeeting | None:
        return next((m for m in self.meetings if m.week_start == self.week_start), None)


def meetings_by_program(user: Any) -> list[ProgramMeetings]:
    """The programs where ``user`` holds CARE_MEETING, with their recent meetings. Three
    queries (memberships, programs, meetings)."""
    program_ids = program_ids_with(user, Capability.CARE_MEETING)
    programs = list(Program.objects.filter(pk__in=program_ids).order_by("name", "pk"))
    rows = {p.pk: ProgramMeetings(p, week_start_of(clock.localdate(p.zone))) for p in programs}
    meetings = (
        CareMeeting.objects.filter(program_id__in=list(rows))
        .annotate(
            item_count=Count("items"),
            discussed_count=Count("items", filter=Q(items__discussed_at__isnull=False)),
        )
        .order_by("program_id", "-week_start")
    )
    for meeting in meetings:
        row = rows[meeting.program_id]
        if len(row.meetings) < RECENT_MEETINGS:
            row.meetings.append(meeting)
    return list(rows.values())


@dataclass(frozen=True, slots=True)
class Workspace:
    """Everything the meeting page shows: items in agenda order (episode, patient, added_by;
    ``decision_list`` and ``task_list`` with their people), who can own a task, and the
    admitted patients not yet on the agenda (for adding one by hand)."""

    meeting: CareMeeting
    items: list[AgendaItem]
    owners: list[User]
    candidates: list[EpisodeOfCare]

    @property
    def patients(self) -> list[Patient]:
        return [item.episode.patient for item in self.items]


def _items(meeting: CareMeeting) -> QuerySet[AgendaItem]:
    return (
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("episode__patient", "added_by")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=MeetingDecision.objects.select_related("decided_by").order_by(
                    "decided_at", "pk"
                ),
                to_attr="decision_list",
            ),
            Prefetch(
                "tasks",
                queryset=MeetingTask.objects.select_related("owner").order_by("created_at", "pk"),
                to_attr="task_list",
            ),
        )
        .order_by("position", "pk")
    )


def meeting_workspace(meeting: CareMeeting, *, editable: bool = True) -> Workspace:
    """The (authorized) meeting's agenda with decisions and tasks. Three queries; two more
    (task owners and patients to add) while the meeting is open and ``editable``."""
    items = list(_items(meeting))
    if meeting.closed_at is not None or not editable:
        return Workspace(meeting, items, [], [])
    on_agenda = [item.episode_id for item in items]
    candidates = list(
        EpisodeOfCare.objects.filter(program_id=meeting.program_id, state=EpisodeState.ADMITTED)
        .exclude(pk__in=on_agenda)
        .select_related("patient")
        .order_by("patient__legal_family_name", "patient__legal_given_name", "pk")
    )
    return Workspace(meeting, items, list(task_owners(meeting.program_id)), candidates)


def tasks_open_for(user: Any) -> list[MeetingTask]:
    """``user``'s open tasks in the programs where they still take part in meetings, due
    soonest first (undated last). One query after the memberships."""
    program_ids = program_ids_with(user, Capability.CARE_MEETING)
    return list(
        MeetingTask.objects.filter(
            owner=user, done_at__isnull=True, item__meeting__program_id__in=program_ids
        )
        .select_related("item__episode__patient", "item__meeting__program", "created_by")
        .order_by("due_on", "created_at", "pk")
    )


@dataclass(frozen=True, slots=True)
class ChartEntry:
    """A decision or a task about the patient, for the chart's care-team tab."""

    kind: str  # "decision" or "task"
    on: dt.datetime
    meeting: CareMeeting
    item: AgendaItem
    text: str
    person: User  # who decided, or who owns the task
    task: MeetingTask | None = None

    @property
    def status(self) -> str:
        if self.task is None:
            return "Decided"
        return "Done" if self.task.done_at else "Open"


def patient_care_decisions(user: Any, patient: Patient) -> list[ChartEntry]:
    """Decisions and tasks of the care-team meetings about ``patient`` in the programs where
    ``user`` views patients, newest first. Three queries after the memberships."""
    program_ids = program_ids_with(user, Capability.VIEW_PATIENTS)
    items = {
        item.pk: item
        for item in AgendaItem.objects.filter(
            episode__patient=patient, meeting__program_id__in=program_ids
        ).select_related("meeting__program")
    }
    decisions = MeetingDecision.objects.filter(item_id__in=list(items)).select_related("decided_by")
    tasks = MeetingTask.objects.filter(item_id__in=list(items)).select_related("owner")
    entries = [
        ChartEntry(
            "decision",
            d.decided_at,
            items[d.item_id].meeting,
            items[d.item_id],
            d.text,
            d.decided_by,
        )
        for d in decisions
    ]
    entries.extend(
        ChartEntry(
            "task", t.created_at, items[t.item_id].meeting, items[t.item_id], t.text, t.owner, t
        )
        for t in tasks
    )
    entries.sort(key=lambda e: (e.on, e.kind), reverse=True)
    return entries
