"""Approving a proposed plan: its week goes on the calendar in one short transaction.

The plan's sessions are bulk-created; the planned sessions they replace (the week's, or for a
re-plan those from its cutoff on) are cancelled, never deleted; each patient's cohort and
primary therapist follow the plan through the patients services (which audit them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet

from engines.scheduling import codec
from engines.scheduling.model import Instance, Solution
from openiop.accounts.models import User
from openiop.audit.services import audit_record_many
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.core.errors import InvalidTransition
from openiop.patients import services as patients
from openiop.patients.models import EpisodeOfCare, EpisodeState
from openiop.programs.models import Cohort
from openiop.scheduling import grid
from openiop.scheduling.errors import PlanSuperseded
from openiop.scheduling.grid import Ref
from openiop.scheduling.models import (
    PlanState,
    ScheduledSession,
    SchedulePlan,
    SessionParticipant,
)
from openiop.scheduling.services.audit import patient_entries, program_entry
from openiop.scheduling.services.bookings import Booking, check_free, existing_bookings
from openiop.scheduling.sessions import PlannedSession, planned_sessions
from openiop.scheduling.weeks import latest_approved


@transaction.atomic
def plan_approve(*, actor: Actor, plan: SchedulePlan, by: User) -> SchedulePlan:
    """proposed → approved: create the plan's sessions and cancel those it replaces.

    Raises InvalidTransition unless the plan is proposed; PlanSuperseded when the week's
    approved plan is no longer the one this plan was made to replace, when a patient of the plan is no
    longer admitted, or when a replaced session has already begun (plan again then);
    DoubleBooked when a session made since would clash. Audits SCHEDULE_PLAN_APPROVED,
    SESSIONS_SCHEDULED per patient, and through the patients services any cohort or
    primary-therapist change.
    """
    plan = SchedulePlan.objects.select_for_update().select_related("program").get(pk=plan.pk)
    if plan.state != PlanState.PROPOSED:
        raise InvalidTransition(f"Only a proposed plan can be approved; this one is {plan.state}.")
    _check_current(plan)
    instance = codec.instance_from_json(plan.instance)
    solution = codec.solution_from_json(plan.solution)
    episodes = _episodes(instance)
    replaced = _replaced(plan)
    planned = planned_sessions(instance, solution)
    _check_bookings(plan, planned, replaced)
    now = clock.now()
    cancelled = replaced.update(cancelled_at=now)
    created = _create_sessions(plan, planned)
    _follow_assignments(actor, solution, episodes)
    plan.state = PlanState.APPROVED
    plan.approved_by = by
    plan.approved_at = now
    plan.save(update_fields=["state", "approved_by", "approved_at"])
    _audit(actor, plan, planned, episodes, created=len(created), cancelled=cancelled)
    return plan


def _check_current(plan: SchedulePlan) -> None:
    current = latest_approved(plan.program, plan.week_start)
    if current is not None and current.pk != plan.replaces_id:
        raise PlanSuperseded("Another plan of this week was approved after this one was made.")


def _episodes(instance: Instance) -> dict[int, EpisodeOfCare]:
    ids = [Ref.pk(p.id) for p in instance.patients]
    episodes = {
        e.pk: e
        for e in EpisodeOfCare.objects.select_related("program", "care_team").filter(pk__in=ids)
    }
    gone = [pk for pk in ids if pk not in episodes or episodes[pk].state != EpisodeState.ADMITTED]
    if gone:
        raise PlanSuperseded(
            f"{len(gone)} patient(s) of this plan are no longer admitted; re-plan the week."
        )
    return episodes


def _plan_start(plan: SchedulePlan) -> dt.datetime:
    week_begin, _ = grid.week_bounds(plan.week_start, plan.program.zone)
    return max(week_begin, plan.cutoff) if plan.cutoff else week_begin


def _replaced(plan: SchedulePlan) -> QuerySet[ScheduledSession]:
    """The live planned sessions this plan replaces. Hand-made sessions stay: the adapter
    planned around them."""
    _, week_end = grid.week_bounds(plan.week_start, plan.program.zone)
    replaced = ScheduledSession.objects.select_for_update().filter(
        program=plan.program_id,
        plan__isnull=False,
        cancelled_at__isnull=True,
        starts_at__gte=_plan_start(plan),
        starts_at__lt=week_end,
    )
    if replaced.filter(starts_at__lt=clock.now()).exists():
        raise PlanSuperseded(
            "Some sessions this plan replaces have already begun; re-plan the week."
        )
    return replaced


def _check_bookings(
    plan: SchedulePlan, planned: list[PlannedSession], replaced: QuerySet[ScheduledSession]
) -> None:
    if not planned:
        return
    begin = min(p.starts_at for p in planned)
    end = max(p.ends_at for p in planned)
    existing = existing_bookings(begin, end, excluding=replaced.values_list("pk", flat=True))
    new = [
        Booking(p.starts_at, p.ends_at, p.clinician_id, p.room_id, p.episode_ids) for p in planned
    ]
    check_free(new, existing, lambda kind, pk: f"A {kind} of this plan")


def _create_sessions(plan: SchedulePlan, planned: list[PlannedSession]) -> list[ScheduledSession]:
    rows = ScheduledSession.objects.bulk_create(
        ScheduledSession(
            program_id=plan.program_id,
            plan=plan,
            kind=p.kind,
            starts_at=p.starts_at,
            ends_at=p.ends_at,
            cohort_id=p.cohort_id,
            clinician_id=p.clinician_id,
            room_id=p.room_id,
        )
        for p in planned
    )
    SessionParticipant.objects.bulk_create(
        SessionParticipant(session_id=row.pk, episode_id=episode_id)
        for row, p in zip(rows, planned, strict=True)
        for episode_id in p.episode_ids
    )
    return rows


def _follow_assignments(
    actor: Actor, solution: Solution, episodes: dict[int, EpisodeOfCare]
) -> None:
    """Move patients to the plan's cohorts and primary therapists. A changed primary seat is
    emptied first for everyone, then filled, so swaps between two therapists at their caps
    pass the caseload check."""
    cohorts = Cohort.objects.in_bulk([Ref.pk(a.cohort) for a in solution.assignments])
    users = User.objects.in_bulk([Ref.pk(a.primary) for a in solution.assignments])
    moves = []
    for a in solution.assignments:
        episode = episodes[Ref.pk(a.patient)]
        cohort = cohorts[Ref.pk(a.cohort)]
        if episode.cohort_id != cohort.pk:
            patients.episode_assign_cohort(actor=actor, episode=episode, cohort=cohort)
        if episode.care_team.primary_therapist_id != Ref.pk(a.primary):
            moves.append((episode, users[Ref.pk(a.primary)]))
    for episode, _ in moves:
        if episode.care_team.primary_therapist_id is not None:
            patients.care_team_assign(
                actor=actor, episode=episode, seat="primary_therapist", member=None
            )
    for episode, user in moves:
        patients.care_team_assign(
            actor=actor, episode=episode, seat="primary_therapist", member=user
        )


def _audit(
    actor: Actor,
    plan: SchedulePlan,
    planned: Iterable[PlannedSession],
    episodes: dict[int, EpisodeOfCare],
    *,
    created: int,
    cancelled: int,
) -> None:
    per_episode: dict[int, int] = {}
    for p in planned:
        for episode_id in p.episode_ids:
            per_episode[episode_id] = per_episode.get(episode_id, 0) + 1
    entries = [
        program_entry(
            "SCHEDULE_PLAN_APPROVED",
            plan.program,
            "schedule_plan",
            plan.pk,
            created=created,
            cancelled=cancelled,
        )
    ]
    for episode_id in sorted(per_episode):
        entries += patient_entries(
            "SESSIONS_SCHEDULED",
            plan.program,
            [episodes[episode_id]],
            "schedule_plan",
            plan.pk,
            sessions=per_episode[episode_id],
        )
    audit_record_many(actor=actor, entries=entries)
