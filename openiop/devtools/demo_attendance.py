"""Attendance in the demo, through the audited services (nothing is saved directly).

Each program gets the default attendance policies (``openiop.attendance.policy``). The weeks
before this one get the same sessions as this (solver-made) week, created by hand, so there
is a history to count hours and trends over; then every past session of an admitted patient
gets a record: sessions of earlier days as late entries from the paper sign-in sheet (the
service for sessions of an earlier day), today's sessions that have started through the
roster. Today's later sessions stay open for the roster and the kiosk. No kiosk is created.

Patterns: mostly present, some late, left early or by telehealth, a few absences (at most
two per patient, one unexcused). In the first mental-health program one patient's
attendance falls over the last two weeks, and another reaches "3 unexcused absences in 30
days", which opens a review. Deterministic for a seed (``random.Random``). All synthetic.

Call after the schedules are built (``openiop.devtools.demo_scheduling``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from openiop.attendance.models import ABSENT, Attendance, AttendanceReview, AttendanceStatus
from openiop.attendance.policy import DEFAULT_POLICIES
from openiop.attendance.services import (
    attendance_policy_set,
    attendance_record,
    attendance_record_late,
)
from openiop.attendance.timing import service_date_of, session_minutes
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.core.errors import DomainError
from openiop.patients.models import EpisodeOfCare, EpisodeState
from openiop.programs.models import Program
from openiop.scheduling.models import ScheduledSession, SessionKind
from openiop.scheduling.services import session_create
from openiop.scheduling.weeks import current_week

HISTORY_WEEKS = 4
FALLING_DAYS = 14
SHEET = "Paper sign-in sheet (demo history)"
S = AttendanceStatus
# Ordinary weights: mostly present.
WEIGHTS = (
    (S.PRESENT, 82),
    (S.LATE, 6),
    (S.LEFT_EARLY, 4),
    (S.TELEHEALTH, 4),
    (S.ABSENT_EXCUSED, 3),
    (S.ABSENT_UNEXCUSED, 1),
)
# The falling patient's last two weeks, in order, repeated as needed (capped at four
# absences, two unexcused, so the review that opens in the demo is the other patient's).
FALLING = (
    S.LEFT_EARLY,
    S.ABSENT_EXCUSED,
    S.LATE,
    S.ABSENT_EXCUSED,
    S.LEFT_EARLY,
    S.ABSENT_UNEXCUSED,
    S.ABSENT_EXCUSED,
)


@dataclass(frozen=True, slots=True)
class AttendanceSummary:
    records: int
    late_entries: int
    reviews: int
    falling: str
    review: str

    def highlight(self) -> tuple[str, str]:
        """The "Start here" line naming the attendance pages."""
        return (
            "Attendance review open (3 unexcused absences in 30 days)",
            f"{self.review}: Attendance tab of the chart; today's group rosters at "
            "/attendance/sessions/<id>/ (from Today); falling attendance: " + self.falling,
        )


@dataclass
class _Plan:
    """Who gets which pattern: episode ids of the falling and the review patient."""

    falling: int | None
    review: int | None
    review_sessions: set[int]
    rng: random.Random
    absences: dict[int, int]
    unexcused: dict[int, int]
    falling_step: int = 0


def build_attendance(
    actor: Actor, programs: Mapping[str, Program], *, seed: int
) -> AttendanceSummary:
    """Seed the policies, the history weeks and the attendance records of every program in
    ``programs`` (see the module docstring). Audits through the services."""
    for program in programs.values():
        for rule in DEFAULT_POLICIES:
            attendance_policy_set(
                actor=actor,
                program=program,
                name=rule.name,
                statuses=[s.value for s in rule.statuses],
                threshold=rule.threshold,
                window_days=rule.window_days,
            )
        _history(actor, program)
    past = {key: _past_sessions(p) for key, p in programs.items()}
    plan = _choose(programs, past, random.Random(f"attendance:{seed}"))
    late = 0
    for key in programs:
        for session, episodes in past[key]:
            for episode in episodes:
                late += _record(actor, session, episode, plan)
    return AttendanceSummary(
        records=Attendance.objects.count(),
        late_entries=late,
        reviews=AttendanceReview.objects.filter(resolved_at__isnull=True).count(),
        falling=_who(plan.falling),
        review=_who(plan.review),
    )


def _history(actor: Actor, program: Program) -> None:
    """Copy this week's sessions to each of the HISTORY_WEEKS weeks before, at the same local
    times, with the patients who were admitted by then. A copy that would clash is skipped."""
    monday = current_week(program)
    zone = program.zone
    first = dt.datetime.combine(monday, dt.time(), tzinfo=zone)
    week = ScheduledSession.objects.filter(
        program=program,
        cancelled_at__isnull=True,
        starts_at__gte=first,
        starts_at__lt=first + dt.timedelta(days=7),
    ).prefetch_related("participants__episode")
    for session in week.select_related("cohort", "room", "clinician").order_by("starts_at", "pk"):
        start, end = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
        for back in range(1, HISTORY_WEEKS + 1):
            day = start.date() - dt.timedelta(weeks=back)
            episodes = [
                p.episode
                for p in session.participants.all()
                if p.episode.state == EpisodeState.ADMITTED
                and p.episode.admitted_on is not None
                and p.episode.admitted_on <= day
            ]
            if not episodes:
                continue
            try:
                session_create(
                    actor=actor,
                    program=program,
                    kind=SessionKind(session.kind),
                    starts_at=dt.datetime.combine(day, start.time(), tzinfo=zone),
                    ends_at=dt.datetime.combine(day, end.time(), tzinfo=zone),
                    clinician=session.clinician,
                    cohort=session.cohort,
                    room=session.room,
                    episodes=episodes,
                )
            except DomainError:
                continue  # a clash with another program's copy: that history has a gap


def _past_sessions(program: Program) -> list[tuple[ScheduledSession, list[EpisodeOfCare]]]:
    """Sessions of ``program`` that have started, oldest first, with their admitted
    participants in id order."""
    sessions = (
        ScheduledSession.objects.filter(
            program=program, cancelled_at__isnull=True, starts_at__lte=clock.now()
        )
        .select_related("program", "clinician")
        .prefetch_related("participants__episode__program")
        .order_by("starts_at", "pk")
    )
    return [
        (
            s,
            sorted(
                (
                    p.episode
                    for p in s.participants.all()
                    if p.episode.state == EpisodeState.ADMITTED
                ),
                key=lambda e: e.pk,
            ),
        )
        for s in sessions
    ]


def _choose(
    programs: Mapping[str, Program],
    past: Mapping[str, list[tuple[ScheduledSession, list[EpisodeOfCare]]]],
    rng: random.Random,
) -> _Plan:
    """The falling and the review patient: the two admitted patients of the first
    mental-health program with the most past sessions (at least three), in id order."""
    key = next((k for k, p in programs.items() if not p.is_part2), None)
    sessions_of: dict[int, list[ScheduledSession]] = defaultdict(list)
    for session, episodes in past.get(key, []) if key else []:
        for episode in episodes:
            sessions_of[episode.pk].append(session)
    ranked = sorted(
        (pk for pk, s in sessions_of.items() if len(s) >= 3),
        key=lambda pk: (-len(sessions_of[pk]), pk),
    )
    falling = ranked[0] if ranked else None
    review = ranked[1] if len(ranked) > 1 else None
    recent = sessions_of[review][::-1] if review else []
    # Three unexcused absences spread over the recent sessions, the last one most recent.
    chosen = recent[0:6:2] if len(recent) >= 5 else recent[:3]
    return _Plan(
        falling=falling,
        review=review,
        review_sessions={s.pk for s in chosen},
        rng=rng,
        absences=defaultdict(int),
        unexcused=defaultdict(int),
    )


def _status(session: ScheduledSession, episode: EpisodeOfCare, plan: _Plan) -> AttendanceStatus:
    if episode.pk == plan.review:
        return S.ABSENT_UNEXCUSED if session.pk in plan.review_sessions else S.PRESENT
    today = clock.localdate(session.program.zone)
    if episode.pk == plan.falling and (today - service_date_of(session)).days < FALLING_DAYS:
        status = FALLING[plan.falling_step % len(FALLING)]
        plan.falling_step += 1
        if status == S.ABSENT_UNEXCUSED and plan.unexcused[episode.pk] >= 2:
            status = S.ABSENT_EXCUSED
        if status in ABSENT and plan.absences[episode.pk] >= 4:
            status = S.LEFT_EARLY  # below both policies' thresholds: no review for them
        return status
    if episode.pk == plan.falling:
        return S.PRESENT
    status = plan.rng.choices([s for s, _ in WEIGHTS], [w for _, w in WEIGHTS])[0]
    if status in ABSENT and (
        plan.absences[episode.pk] >= 2
        or (status == S.ABSENT_UNEXCUSED and plan.unexcused[episode.pk] >= 1)
    ):
        return S.PRESENT
    return status


def _minutes(status: AttendanceStatus, session: ScheduledSession, rng: random.Random) -> int | None:
    """Minutes attended for late (5-25 missed) and left early (15-45 missed); None (the full
    session or 0) otherwise."""
    length = session_minutes(session)
    if status == S.LATE:
        return min(length, max(1, length - rng.randint(5, 25)))
    if status == S.LEFT_EARLY:
        return min(length, max(1, length - rng.randint(15, 45)))
    return None


def _record(actor: Actor, session: ScheduledSession, episode: EpisodeOfCare, plan: _Plan) -> int:
    """Record one patient at one session as its clinician; returns 1 for a late entry."""
    status = _status(session, episode, plan)
    minutes = _minutes(status, session, plan.rng)
    if status in ABSENT:
        plan.absences[episode.pk] += 1
        plan.unexcused[episode.pk] += status == S.ABSENT_UNEXCUSED
    if service_date_of(session) == clock.localdate(session.program.zone):
        attendance_record(
            actor=actor,
            session=session,
            episode=episode,
            status=status,
            minutes=minutes,
            by=session.clinician,
        )
        return 0
    attendance_record_late(
        actor=actor,
        session=session,
        episode=episode,
        status=status,
        minutes=minutes,
        by=session.clinician,
        reason=SHEET,
    )
    return 1


def _who(episode_id: int | None) -> str:
    if episode_id is None:
        return "(none)"
    episode = EpisodeOfCare.objects.select_related("patient", "program").get(pk=episode_id)
    return f"{episode.patient} in {episode.program.name}"
