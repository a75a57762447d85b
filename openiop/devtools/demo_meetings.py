"""The weekly care-team meeting in the demo, through the audited services (nothing is saved
directly): this week's meeting of every program, opened by its director, with the agenda
the builder makes from the seeded data (the open safety alert, deteriorating and plateaued
measure courses, attendance, plans, screens and authorizations seeded before), and in the
first mental-health program one earlier meeting, last week's, recorded during seeding and
closed, whose first items carry a discussion, a decision and tasks, so the chart's care-team
tab and "My tasks" have something to show.

Run it last, after measures, attendance, plans and medications are seeded. Deterministic
without randomness: texts are chosen by each item's first reason. All synthetic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from openiop.accounts.models import User
from openiop.accounts.roles import ProgramRole
from openiop.care_meetings.agenda import ReasonCode, week_start_of
from openiop.care_meetings.models import AgendaItem, CareMeeting, MeetingDecision, MeetingTask
from openiop.care_meetings.selectors import task_owners
from openiop.care_meetings.services import (
    agenda_item_discussion_save,
    agenda_item_mark_discussed,
    care_meeting_close,
    care_meeting_open,
    meeting_decision_record,
    meeting_task_assign,
    meeting_task_complete,
)
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.programs.models import Program

DAY = dt.timedelta(days=1)
#: Items of last week's meeting that get a discussion, a decision and tasks.
RECORDED_ITEMS = 4

# What the team said and decided, by the item's first reason: (discussion, decision, task
# for the primary therapist, task for the case manager or director).
_NOTES: dict[str, tuple[str, str, str, str]] = {
    ReasonCode.FUNCTIONAL_RELAPSE: (
        "Team reviewed the relapse signal component by component with the primary therapist.",
        "Review the safety plan with the patient this week; prescriber to reassess medication.",
        "Safety-plan review in the next individual session",
        "Check in by phone about attendance and transport",
    ),
    ReasonCode.AUTHORIZATION_ENDING: (
        "Authorization ends soon; attendance and scores support continued stay.",
        "Request a concurrent review with this week's scores and attendance.",
        "Update the treatment plan progress notes for the review",
        "Call the payer to schedule the concurrent review",
    ),
    ReasonCode.ATTENDANCE_REVIEW: (
        "Unexcused absences reached the program's policy; barriers discussed.",
        "Meet with the patient about attendance; offer telehealth for evening sessions.",
        "Attendance conversation in the next individual session",
        "Look into transportation assistance",
    ),
    ReasonCode.PHASE_TRANSITION_DUE: (
        "Patient is past the stabilization weeks and engaged in groups.",
        "Move to the core phase; revise the plan's objectives for the core weeks.",
        "Revise the treatment plan objectives",
        "Tell the patient about the schedule change",
    ),
    ReasonCode.DISCHARGE_READINESS: (
        "Goals largely met and scores stable over the last weeks.",
        "Plan a step-down to outpatient care in two weeks; start discharge planning.",
        "Draft the discharge summary and relapse-prevention plan",
        "Arrange aftercare referrals and the first outpatient appointment",
    ),
    ReasonCode.NEW_ADMISSION: (
        "Introduced to the team; first week went smoothly.",
        "Continue stabilization; offer a family session in the coming weeks.",
        "Check in after the first week of groups",
        "Confirm the schedule and a family-session preference",
    ),
}


@dataclass(frozen=True, slots=True)
class MeetingsSummary:
    meetings: int
    items: int
    decisions: int
    tasks: int
    program: str
    patients_this_week: int

    def highlight(self) -> tuple[str, str]:
        """The "Start here" line naming the meeting page."""
        return (
            "Weekly care-team meeting",
            f"/meetings/ as director: {self.program}, {self.patients_this_week} patients on "
            "this week's agenda; last week's decisions on each patient's Team decisions tab",
        )


def build_meetings(actor: Actor, programs: Mapping[str, Program]) -> MeetingsSummary:
    """Open this week's meeting of every program (as its director), then record and close
    last week's meeting of the first mental-health program. Audits through the services.
    Returns the counts for the summary."""
    for program in programs.values():
        director = _director(program)
        if director is not None:
            care_meeting_open(actor=actor, program=program, by=director)
    main = next((p for p in programs.values() if not p.is_part2), None)
    director = _director(main) if main is not None else None
    if main is not None and director is not None:
        _last_week(actor, main, director)
    return summarize(programs)


def summarize(programs: Mapping[str, Program]) -> MeetingsSummary:
    """The counts for the summary, from what the database holds. Reads only."""
    main = next((p for p in programs.values() if not p.is_part2), None)
    first = (
        CareMeeting.objects.filter(program=main).order_by("-week_start").first()
        if main is not None
        else None
    )
    return MeetingsSummary(
        meetings=CareMeeting.objects.count(),
        items=AgendaItem.objects.count(),
        decisions=MeetingDecision.objects.count(),
        tasks=MeetingTask.objects.count(),
        program=main.name if main is not None else "",
        patients_this_week=first.items.count() if first is not None else 0,
    )


def _member(program: Program, role: ProgramRole) -> User | None:
    """The program's first active member in ``role``, by name."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__program=program,
            memberships__is_active=True,
            memberships__role=role,
        )
        .order_by("last_name", "first_name", "pk")
        .first()
    )


def _director(program: Program) -> User | None:
    """The program's director, who opens its meetings."""
    return _member(program, ProgramRole.PROGRAM_DIRECTOR)


def _last_week(actor: Actor, program: Program, director: User) -> None:
    """Last week's meeting, recorded late: discussions, decisions and tasks on its first
    items, those items discussed, one task done, then closed."""
    this_week = week_start_of(clock.localdate(program.zone))
    meeting = care_meeting_open(
        actor=actor, program=program, by=director, week_start=this_week - 7 * DAY
    )
    owners = {u.pk: u for u in task_owners(program)}
    helper = _member(program, ProgramRole.CASE_MANAGER) or director
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("episode__patient", "episode__care_team")
        .order_by("position")[:RECORDED_ITEMS]
    )
    for n, item in enumerate(items):
        discussion, decision, therapist_task, other_task = _NOTES.get(
            item.reasons[0]["code"], _NOTES[ReasonCode.NEW_ADMISSION]
        )
        agenda_item_discussion_save(actor=actor, item=item, text=discussion)
        meeting_decision_record(actor=actor, item=item, by=director, text=decision)
        therapist = _therapist(item, owners) or director
        first = meeting_task_assign(
            actor=actor,
            item=item,
            by=director,
            text=therapist_task,
            owner=therapist,
            due_on=clock.localdate(program.zone) + (n + 1) * DAY,
        )
        meeting_task_assign(actor=actor, item=item, by=director, text=other_task, owner=helper)
        if n == 0:
            meeting_task_complete(actor=actor, task=first)
        agenda_item_mark_discussed(actor=actor, item=item)
    care_meeting_close(actor=actor, meeting=meeting, by=director)


def _therapist(item: AgendaItem, owners: dict[int, User]) -> User | None:
    team = getattr(item.episode, "care_team", None)
    therapist_id = team.primary_therapist_id if team is not None else None
    return owners.get(therapist_id) if therapist_id is not None else None
