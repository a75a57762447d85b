"""What a program director sees on the today page for each program they run (PLAN_SCHEDULE or
CONFIGURE_PROGRAM there): today's attendance rate and the open flags, each a count with a
list behind it.

Flags (each rule lives in one queryset below, shared by the count and the list):

- open safety alerts: not yet acknowledged (``openiop.measures``);
- open attendance reviews: raised by an attendance policy, not yet resolved;
- notes unsigned for more than ``UNSIGNED_DAYS`` days: drafts and notes awaiting co-sign
  whose service date is more than two days before the program's today (the issue's list;
  programs commonly expect notes within 48 hours of the service, ``Program.late_entry_hours``);
- plans overdue for review: active plans whose review date (``openiop.treatment_plans.reviews``)
  is before today;
- authorizations needing attention within 7 days (``openiop.billing.selectors
  .authorization_alerts``: review due, approval ending, units running out or used up).

A fixed number of queries however many patients, sessions or flags there are: two for the
rates, one per flag count, three for the authorizations.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from openiop.accounts.access import program_ids_with
from openiop.attendance.hours import Pair, Rate, rate_of, statuses_of
from openiop.attendance.models import AttendanceReview
from openiop.billing.selectors import AuthorizationAlert, authorization_alerts
from openiop.clinical_notes.models import Note, NoteEntry, NoteState
from openiop.core import clock
from openiop.core.capabilities import Capability
from openiop.core.errors import NotFound
from openiop.dashboard.selectors import ProgramDay, starts_on_local_day
from openiop.measures.models import SafetyAlert
from openiop.patients.models import EpisodeOfCare, EpisodeState
from openiop.scheduling.models import SessionParticipant
from openiop.treatment_plans.models import PlanStatus, TreatmentPlan
from openiop.treatment_plans.reviews import activated_on, review_due_on

#: A note unsigned for more than this many days (since its service date) is flagged.
UNSIGNED_DAYS = 2
#: The capabilities that make someone the director of a program on this page.
DIRECTOR_CAPABILITIES = (Capability.PLAN_SCHEDULE, Capability.CONFIGURE_PROGRAM)


class Flag(StrEnum):
    SAFETY_ALERTS = "safety-alerts"
    ATTENDANCE_REVIEWS = "attendance-reviews"
    UNSIGNED_NOTES = "unsigned-notes"
    PLANS_OVERDUE = "plans-overdue"
    AUTHORIZATIONS = "authorizations"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Flag.SAFETY_ALERTS: "Open safety alerts",
    Flag.ATTENDANCE_REVIEWS: "Open attendance reviews",
    Flag.UNSIGNED_NOTES: f"Notes unsigned for more than {UNSIGNED_DAYS} days",
    Flag.PLANS_OVERDUE: "Treatment plans overdue for review",
    Flag.AUTHORIZATIONS: "Authorizations needing attention within 7 days",
}


def director_program_ids(user: Any) -> set[int]:
    """Programs the user runs: PLAN_SCHEDULE or CONFIGURE_PROGRAM there."""
    found: set[int] = set()
    for capability in DIRECTOR_CAPABILITIES:
        found |= program_ids_with(user, capability)
    return found


# --- attendance rate -------------------------------------------------------------------------


def attendance_rates(days: Sequence[ProgramDay]) -> dict[int, Rate]:
    """program id → today's attendance rate: of the expected participants of the program's
    non-cancelled sessions that started by now on its local today, how many have a record
    (``recorded``) and how many attended (present, late, left early, telehealth). Expected
    are admitted participants and anyone with a record anyway — the rule of
    ``openiop.attendance.hours.rate_of``, here per program in one pass (``attendance_rate``
    sums programs sharing one local date). Two queries for any number of programs."""
    rows = SessionParticipant.objects.filter(
        starts_on_local_day(days, prefix="session__"),
        session__cancelled_at__isnull=True,
        session__starts_at__lte=clock.now(),
    ).values_list("session_id", "episode_id", "episode__state", "session__program_id")
    by_program: dict[int, dict[Pair, str]] = defaultdict(dict)
    for s, e, state, program_id in rows:
        by_program[program_id][(s, e)] = state
    statuses = statuses_of(s for states in by_program.values() for s, _ in states)
    return {d.pk: rate_of(by_program.get(d.pk, {}), statuses) for d in days}


# --- the flags' rules --------------------------------------------------------------------------


def open_safety_alerts(program_ids: Iterable[int]) -> QuerySet[SafetyAlert]:
    return SafetyAlert.objects.filter(
        acknowledged_at__isnull=True, episode__program_id__in=list(program_ids)
    )


def open_attendance_reviews(program_ids: Iterable[int]) -> QuerySet[AttendanceReview]:
    return AttendanceReview.objects.filter(
        resolved_at__isnull=True, episode__program_id__in=list(program_ids)
    )


def stale_unsigned_notes(days: Sequence[ProgramDay]) -> QuerySet[Note]:
    """Drafts and notes awaiting co-sign whose service date is more than ``UNSIGNED_DAYS``
    before their program's today."""
    older = Q(pk__in=[])
    for day in days:
        cutoff = day.today - dt.timedelta(days=UNSIGNED_DAYS)
        older |= Q(program_id=day.pk, service_date__lt=cutoff)
    return Note.objects.filter(older, state__in=[NoteState.DRAFT, NoteState.AWAITING_COSIGN])


def _active_plans(program_ids: Iterable[int]) -> QuerySet[TreatmentPlan]:
    return TreatmentPlan.objects.filter(
        status=PlanStatus.ACTIVE,
        episode__state=EpisodeState.ADMITTED,
        episode__program_id__in=list(program_ids),
    ).annotate(last_reviewed_on=Max("reviews__reviewed_on"))


@dataclass(frozen=True, slots=True)
class OverduePlan:
    plan: TreatmentPlan
    due_on: dt.date
    today: dt.date

    @property
    def episode(self) -> EpisodeOfCare:
        return self.plan.episode

    @property
    def days_overdue(self) -> int:
        return (self.today - self.due_on).days


def overdue_plans(plans: Iterable[TreatmentPlan], days: Sequence[ProgramDay]) -> list[OverduePlan]:
    """The plans (``episode.program`` loaded, ``last_reviewed_on`` annotated) whose review
    date is before their program's today, most overdue first."""
    todays = {d.pk: d.today for d in days}
    found = []
    for plan in plans:
        started = activated_on(plan)
        if started is None:
            continue
        due = review_due_on(
            activated_on=started,
            last_reviewed_on=plan.last_reviewed_on,  # type: ignore[attr-defined]
            interval_days=plan.episode.program.plan_review_days,
        )
        today = todays[plan.episode.program_id]
        if due < today:
            found.append(OverduePlan(plan, due, today))
    return sorted(found, key=lambda o: (o.due_on, o.plan.pk))


def _authorization_alerts(user: Any, program_ids: set[int]) -> list[AuthorizationAlert]:
    return [a for a in authorization_alerts(user) if a.episode.program_id in program_ids]


# --- the director's section --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProgramFlags:
    day: ProgramDay
    rate: Rate
    counts: dict[Flag, int]

    @property
    def flags(self) -> list[tuple[Flag, int]]:
        return [(flag, self.counts.get(flag, 0)) for flag in Flag]


def _counts_by_program(queryset: QuerySet[Any], field: str) -> dict[int, int]:
    rows = queryset.values(field).annotate(count=Count("pk", distinct=True)).order_by()
    return {row[field]: row["count"] for row in rows}


def director_flags(user: Any, days: Sequence[ProgramDay]) -> list[ProgramFlags]:
    """Each program of ``days`` that ``user`` runs, with today's rate and the flag counts."""
    mine = director_program_ids(user)
    days = [d for d in days if d.pk in mine]
    if not days:
        return []
    ids = [d.pk for d in days]
    plans = _active_plans(ids).select_related("episode__program")
    counts: dict[Flag, dict[int, int]] = {
        Flag.SAFETY_ALERTS: _counts_by_program(open_safety_alerts(ids), "episode__program_id"),
        Flag.ATTENDANCE_REVIEWS: _counts_by_program(
            open_attendance_reviews(ids), "episode__program_id"
        ),
        Flag.UNSIGNED_NOTES: _counts_by_program(stale_unsigned_notes(days), "program_id"),
        Flag.PLANS_OVERDUE: Counter(o.episode.program_id for o in overdue_plans(plans, days)),
        Flag.AUTHORIZATIONS: Counter(
            a.episode.program_id for a in _authorization_alerts(user, set(ids))
        ),
    }
    rates = attendance_rates(days)
    return [
        ProgramFlags(d, rates[d.pk], {flag: by.get(d.pk, 0) for flag, by in counts.items()})
        for d in days
    ]


# --- the lists behind the counts ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FlagList:
    """The rows behind one flag, for the programs the user runs. ``rows`` are model rows
    (alerts, reviews, notes) or ``OverduePlan``; ``patients`` are everyone they name."""

    flag: Flag
    rows: list[Any]
    patients: list[Any]
    part2_ids: set[int]


def flag_list(user: Any, flag: Flag, days: Sequence[ProgramDay]) -> FlagList:
    """The rows behind ``flag`` in the programs of ``days`` that ``user`` runs (oldest
    first). Not for ``Flag.AUTHORIZATIONS``: billing has that list. Raises NotFound when the
    user runs no program. Fixed queries."""
    mine = director_program_ids(user)
    if not mine:
        raise NotFound("No such list.")
    days = [d for d in days if d.pk in mine]
    ids = [d.pk for d in days]
    episode = ("episode__patient", "episode__program")
    rows: list[Any]
    if flag is Flag.SAFETY_ALERTS:
        rows = list(open_safety_alerts(ids).select_related(*episode).order_by("raised_at", "pk"))
    elif flag is Flag.ATTENDANCE_REVIEWS:
        reviews = open_attendance_reviews(ids).select_related(*episode, "policy")
        rows = list(reviews.order_by("raised_at", "pk"))
    elif flag is Flag.PLANS_OVERDUE:
        rows = overdue_plans(_active_plans(ids).select_related(*episode), days)
    elif flag is Flag.UNSIGNED_NOTES:
        rows = _unsigned_notes(days)
    else:
        raise ValueError(f"no list for {flag}")
    return _flag_list(flag, rows)


def _unsigned_notes(days: Sequence[ProgramDay]) -> list[Note]:
    entries = NoteEntry.objects.select_related("episode__patient").order_by(
        "episode__patient__legal_family_name", "pk"
    )
    notes = (
        stale_unsigned_notes(days)
        .select_related("program", "author", "cosigner")
        .prefetch_related(Prefetch("entries", queryset=entries, to_attr="entry_list"))
        .order_by("service_date", "pk")
    )
    todays = {d.pk: d.today for d in days}
    found: list[Note] = list(notes)
    for note in found:
        # Days since the service, for the list (the flag's measure of age).
        note.age_days = (todays[note.program_id] - note.service_date).days  # type: ignore[attr-defined]
    return found


def _named(rows: list[Any]) -> list[tuple[EpisodeOfCare, bool]]:
    """Each episode the rows name, with whether its record is Part 2 protected."""
    named: list[tuple[EpisodeOfCare, bool]] = []
    for row in rows:
        if isinstance(row, Note):
            entries = row.entry_list  # type: ignore[attr-defined]
            named.extend((entry.episode, row.program.is_part2) for entry in entries)
        else:
            named.append((row.episode, row.episode.program.is_part2))
    return named


def _flag_list(flag: Flag, rows: list[Any]) -> FlagList:
    named = _named(rows)
    patients = list({e.patient_id: e.patient for e, _ in named}.values())
    return FlagList(flag, rows, patients, {e.patient_id for e, part2 in named if part2})
