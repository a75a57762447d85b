"""Reads of the scheduling context, each in a fixed number of queries (no N+1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from engines.scheduling import codec
from engines.scheduling.model import Instance, Solution
from openiop.accounts.access import program_ids_with
from openiop.accounts.models import Membership, User
from openiop.core.capabilities import Capability
from openiop.patients.models import CohortMembership, EpisodeOfCare, EpisodeState, Phase
from openiop.programs.models import Cohort, Program, Room, Track
from openiop.scheduling import grid
from openiop.scheduling.adapter import skills_of
from openiop.scheduling.bands import default_band
from openiop.scheduling.diff import PlanDiff, in_words, plan_diff, slot_label
from openiop.scheduling.grid import Ref
from openiop.scheduling.models import (
    HourBand,
    PlanState,
    ScheduledSession,
    SchedulePlan,
    StaffAvailability,
)
from openiop.scheduling.weeks import current_week, latest_approved


def programs_with(user: Any, capability: Capability) -> QuerySet[Program]:
    """The programs where ``user`` holds ``capability``, by name."""
    return Program.objects.filter(pk__in=program_ids_with(user, capability)).order_by("name")


@dataclass(frozen=True, slots=True)
class ReplanHint:
    """Admissions and discharges since this week's approved plan was made."""

    admitted: tuple[str, ...]
    discharged: tuple[str, ...]
    episodes: tuple[EpisodeOfCare, ...]


@dataclass(frozen=True, slots=True)
class Overview:
    program: Program
    this_week: dt.date
    next_week: dt.date
    approved_this_week: SchedulePlan | None
    approved_next_week: SchedulePlan | None
    sessions_this_week: int
    sessions_next_week: int
    recent: list[SchedulePlan]
    replan: ReplanHint | None
    replan_next_week: ReplanHint | None

    @property
    def changed_episodes(self) -> list[EpisodeOfCare]:
        hints = (self.replan, self.replan_next_week)
        return [e for hint in hints if hint is not None for e in hint.episodes]


def program_overview(program: Program) -> Overview:
    """The program's schedule page: this and next week's approved plans and session counts,
    the latest plans, and whether admissions or discharges since either week was approved
    call for planning it again."""
    this_week = current_week(program)
    next_week = this_week + dt.timedelta(days=7)
    approved = latest_approved(program, this_week)
    approved_next = latest_approved(program, next_week)
    return Overview(
        program=program,
        this_week=this_week,
        next_week=next_week,
        approved_this_week=approved,
        approved_next_week=approved_next,
        sessions_this_week=_live_sessions(program, this_week).count(),
        sessions_next_week=_live_sessions(program, next_week).count(),
        recent=list(
            SchedulePlan.objects.filter(program=program)
            .select_related("created_by", "approved_by")
            .order_by("-created_at", "-pk")[:8]
        ),
        replan=replan_hint(program, approved),
        replan_next_week=replan_hint(program, approved_next),
    )


def _live_sessions(program: Program, week_start: dt.date) -> QuerySet[ScheduledSession]:
    begin, end = grid.week_bounds(week_start, program.zone)
    return ScheduledSession.objects.filter(
        program=program, cancelled_at__isnull=True, starts_at__gte=begin, starts_at__lt=end
    )


def replan_hint(program: Program, approved: SchedulePlan | None) -> ReplanHint | None:
    """Who was admitted or discharged since ``approved`` was planned; None when nobody was
    (or when there is no approved plan this week to re-plan)."""
    if approved is None:
        return None
    planned = {
        Ref.pk(str(p["id"])) for p in approved.instance.get("patients", []) if isinstance(p, dict)
    }
    admitted = set(
        EpisodeOfCare.objects.filter(program=program, state=EpisodeState.ADMITTED).values_list(
            "pk", flat=True
        )
    )
    changed = list(
        EpisodeOfCare.objects.filter(pk__in=planned ^ admitted).select_related("patient")
    )
    if not changed:
        return None
    names = {e.pk: e.patient.display_name for e in changed}
    return ReplanHint(
        admitted=tuple(sorted(names[pk] for pk in admitted - planned if pk in names)),
        discharged=tuple(sorted(names[pk] for pk in planned - admitted if pk in names)),
        episodes=tuple(changed),
    )


@dataclass(frozen=True, slots=True)
class PlanPage:
    plan: SchedulePlan
    diff: PlanDiff | None = None
    conflicts: tuple[str, ...] = ()
    episodes: list[EpisodeOfCare] = field(default_factory=list)


def plan_page(plan: SchedulePlan) -> PlanPage:
    """A plan with, once solved, its diff against the week it replaces or its conflicts in
    words. ``episodes`` are the patients the page names (for the access audit)."""
    if plan.state in (PlanState.QUEUED, PlanState.RUNNING):
        return PlanPage(plan)
    instance = codec.instance_from_json(plan.instance)
    solution = codec.solution_from_json(plan.solution) if plan.solution else None
    names, episodes = engine_names(instance, solution)
    conflicts = tuple(in_words(str(c.get("message", "")), names) for c in plan.conflicts)
    if solution is None or plan.state == PlanState.DISCARDED:
        return PlanPage(plan, conflicts=conflicts, episodes=episodes)
    diff = plan_diff(instance, solution, plan.components, names)
    return PlanPage(plan, diff, conflicts, episodes)


def engine_names(
    instance: Instance, solution: Solution | None
) -> tuple[dict[str, str], list[EpisodeOfCare]]:
    """Display names of every engine id the instance, its previous week and the solution
    mention, and the episodes among them. Four queries."""
    refs: set[str] = {s.id for s in instance.staff}
    for sol in (instance.previous, solution):
        if sol is None:
            continue
        refs |= {a.patient for a in sol.assignments} | {a.primary for a in sol.assignments}
        refs |= {m.facilitator for m in sol.meetings} | {m.room for m in sol.meetings}
        refs |= {s.patient for s in sol.sessions} | {s.clinician for s in sol.sessions}
    refs |= {p.id for p in instance.patients} | {c.id for c in instance.cohorts}
    refs |= {r.id for r in instance.rooms}
    ids: dict[str, list[int]] = {}
    for ref in refs:
        kind, _, _ = ref.rpartition("-")
        ids.setdefault(kind, []).append(Ref.pk(ref))
    episodes = list(
        EpisodeOfCare.objects.select_related("patient").filter(pk__in=ids.get(Ref.PATIENT, []))
    )
    names = {Ref.of(Ref.PATIENT, e.pk): e.patient.display_name for e in episodes}
    for kind, rows in (
        (Ref.STAFF, User.objects.filter(pk__in=ids.get(Ref.STAFF, []))),
        (Ref.COHORT, Cohort.objects.filter(pk__in=ids.get(Ref.COHORT, []))),
        (Ref.ROOM, Room.objects.filter(pk__in=ids.get(Ref.ROOM, []))),
    ):
        names.update({Ref.of(kind, row.pk): _name(row) for row in rows})
    names.update({t.id: t.name for t in instance.tracks})
    return names, episodes


def _name(row: User | Cohort | Room) -> str:
    return row.display_name if isinstance(row, User) else row.name


def plan_sessions(plan: SchedulePlan) -> list[ScheduledSession]:
    """The sessions an approved plan created, with cohort, clinician, room and attendee
    count, in time order. One query."""
    return list(
        plan.sessions.select_related("cohort", "clinician", "room")
        .annotate(attendees=Count("participants"))
        .order_by("starts_at", "pk")
    )


def cohort_list(program: Program) -> list[Cohort]:
    """The program's cohorts with track, facilitator, room and every membership (current
    first, then by join date) with its patient. Two queries."""
    memberships = CohortMembership.objects.select_related("episode__patient").order_by(
        "left_on", "-joined_on", "pk"
    )
    return list(
        Cohort.objects.filter(track__program=program)
        .select_related("track", "facilitator", "room")
        .annotate(size=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
        .prefetch_related(Prefetch("memberships", queryset=memberships, to_attr="history"))
        .order_by("track__starts_at", "track__name", "name")
    )


@dataclass(frozen=True, slots=True)
class StaffRow:
    user: User
    memberships: list[Membership]
    windows: list[StaffAvailability]

    @property
    def roles(self) -> list[str]:
        return [m.get_role_display() for m in self.memberships]

    @property
    def caseload_cap(self) -> int | None:
        caps = [m.caseload_cap for m in self.memberships if m.caseload_cap is not None]
        return max(caps) if caps else None

    @property
    def skills(self) -> list[str]:
        return sorted(s.value for s in skills_of(self.user, self.memberships))


@dataclass(frozen=True, slots=True)
class TrackRow:
    track: Track
    slots: list[str]


@dataclass(frozen=True, slots=True)
class Inputs:
    tracks: list[TrackRow]
    staff: list[StaffRow]
    bands: list[tuple[str, int, int, bool]]  # phase label, min, max, overridden
    episodes: list[EpisodeOfCare]


def planning_inputs(program: Program) -> Inputs:
    """What the planner will read: staff with their roles, caps and windows; the hour band
    of each phase; admitted episodes with availability and needs; the weekly template (each
    track's one-hour slots). Five queries."""
    staff: dict[int, StaffRow] = {}
    for m in Membership.objects.filter(program=program, is_active=True).select_related("user"):
        staff.setdefault(m.user_id, StaffRow(m.user, [], [])).memberships.append(m)
    for w in StaffAvailability.objects.filter(program=program).order_by("weekday", "starts_at"):
        if w.user_id in staff:
            staff[w.user_id].windows.append(w)
    overrides = {b.phase: b for b in HourBand.objects.filter(program=program)}
    bands = [_band(program, phase, overrides) for phase in Phase]
    episodes = list(
        EpisodeOfCare.objects.filter(program=program, state=EpisodeState.ADMITTED)
        .select_related("patient", "track", "cohort", "scheduling_needs")
        .prefetch_related("availability")
        .order_by("patient__legal_family_name", "pk")
    )
    ordered = sorted(staff.values(), key=lambda r: (r.user.last_name, r.user.pk))
    tracks = [
        TrackRow(t, [slot_label(s.id) for s in grid.track_slots(t)])
        for t in program.tracks.order_by("starts_at", "name")
    ]
    return Inputs(tracks, ordered, bands, episodes)


def cohort_current_members(cohort: Cohort) -> list[EpisodeOfCare]:
    """The admitted episodes currently in ``cohort`` (a group session's default attendees)."""
    return list(cohort.episodes.filter(state=EpisodeState.ADMITTED))


def _band(
    program: Program, phase: Phase, overrides: Mapping[str, HourBand]
) -> tuple[str, int, int, bool]:
    band = overrides.get(phase)
    if band is not None:
        return (phase.label, band.min_hours, band.max_hours, True)
    low, high = default_band(program.level_of_care, phase)
    return (phase.label, low, high, False)
