"""The agenda benchmark's program: 200 admitted patients (by default) in one substance-use
IOP, with everything the care-meeting agenda builder reads, written in bulk.

Rows mirror what the write services produce (an admitted episode has its date and a phase,
an absence has no minutes, an approval has its units, dates and number, a response's answers
add up to its total) but go in with ``bulk_create``, without the services and their audit
events: the database is a throwaway and the audit trail is not what the builder reads.

What a program of this size holds, anchored on ``today`` (the program's local date) and
drawn from a seeded ``random.Random`` so a rerun on the same day loads the same rows:

* patients admitted 0–100 days ago in 20 cohorts of 10, most in the phase of their week and
  some behind; a care team each (10 therapists, 2 prescribers, a case manager);
* PHQ-9 and GAD-7 at intake and weekly (about 1 in 10 missed), with improving, plateauing and
  worsening courses; four open safety alerts;
* the last eight weeks of three-hour evening groups (Mon, Tue, Thu) and a weekly individual
  session, with attendance (mostly present; a tenth of the patients stop coming in the last
  two weeks), a weekly drug screen for four weeks (1 in 20 positive), an insurance approval
  of 60 days from admission, an active treatment plan for half of them (some with every
  objective met) and an attendance policy with a few open reviews.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password

from openiop.accounts.models import Membership, User
from openiop.accounts.roles import Principal, ProgramRole
from openiop.attendance.models import Attendance, AttendancePolicy, AttendanceReview
from openiop.billing.models import Authorization, Coverage
from openiop.measures.models import MeasureResponse, SafetyAlert, ScheduleEntry
from openiop.medications.models import DrugScreen
from openiop.patients.models import CareTeam, EpisodeOfCare, Patient, Phase
from openiop.programs.models import Cohort, Organization, Program, Site, Track
from openiop.scheduling.models import ScheduledSession, SessionParticipant
from openiop.treatment_plans.models import (
    PlanGoal,
    PlanObjective,
    PlanProblem,
    TreatmentPlan,
)

ZONE = ZoneInfo("America/Chicago")
DAY = dt.timedelta(days=1)
COHORT_SIZE = 10
THERAPISTS = 10
WEEKS_OF_SESSIONS = 8
GROUP_DAYS = (0, 1, 3)  # Mon, Tue, Thu, 18:00–21:00
MAX_STAY_DAYS = 100
SCALES = {"phq9": (9, 27), "gad7": (7, 21)}  # items, maximum total


@dataclass
class Loaded:
    program: Program
    director: User
    counts: dict[str, int] = field(default_factory=dict)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


def _answers(total: int, items: int, *, last: int = 0) -> list[int]:
    """Item answers (0–3) adding up to ``total``, the last item set to ``last``."""
    answers = [0] * items
    answers[-1] = last
    left = total - last
    for i in range(items - 1):
        answers[i] = min(3, left)
        left -= answers[i]
    return answers


def _phase(days: int, rng: random.Random) -> Phase:
    expected = Phase.STABILIZATION if days < 28 else Phase.CORE if days < 84 else Phase.TAPER
    if expected != Phase.STABILIZATION and rng.random() < 0.1:
        return Phase.STABILIZATION if expected == Phase.CORE else Phase.CORE  # behind
    return expected


def _structure(today: dt.date, patients: int) -> tuple[Program, Track, list[Cohort]]:
    org = Organization.objects.create(name="Agenda Bench (synthetic)")
    site = Site.objects.create(organization=org, name="Bench Site")
    program = Program.objects.create(
        site=site,
        name="Bench Substance Use IOP",
        level_of_care="iop",
        time_zone=str(ZONE),
        min_weekly_hours=Decimal("9.0"),
        max_weekly_hours=Decimal("19.0"),
        is_part2=True,
    )
    track = Track.objects.create(
        program=program,
        name="Evening",
        weekdays=list(GROUP_DAYS),
        starts_at=dt.time(18),
        ends_at=dt.time(21),
    )
    cohorts = Cohort.objects.bulk_create(
        Cohort(track=track, name=f"Cohort {n + 1}", started_on=today - 200 * DAY, min_size=1)
        for n in range(-(-patients // COHORT_SIZE))
    )
    ScheduleEntry.objects.bulk_create(
        ScheduleEntry(program=program, instrument=i, timepoint=t)
        for i in SCALES
        for t in ("intake", "weekly")
    )
    return program, track, cohorts


def _staff(program: Program, now: dt.datetime) -> dict[str, list[User]]:
    password = make_password(None)
    roles = {
        ProgramRole.PROGRAM_DIRECTOR: 1,
        ProgramRole.THERAPIST: THERAPISTS,
        ProgramRole.GROUP_FACILITATOR: 4,
        ProgramRole.PRESCRIBER: 2,
        ProgramRole.CASE_MANAGER: 1,
    }
    staff: dict[str, list[User]] = {}
    for role, count in roles.items():
        users = User.objects.bulk_create(
            User(
                username=f"bench-{role.value}-{n}",
                password=password,
                first_name=role.label.split()[0],
                last_name=f"Bench{n}",
                principal=Principal.STAFF,
                date_joined=now,
            )
            for n in range(count)
        )
        Membership.objects.bulk_create(
            Membership(user=u, program=program, role=role) for u in users
        )
        staff[role.value] = users
    return staff


def _episodes(
    program: Program,
    track: Track,
    cohorts: list[Cohort],
    staff: dict[str, list[User]],
    today: dt.date,
    now: dt.datetime,
    rng: random.Random,
    patients: int,
) -> list[EpisodeOfCare]:
    people = Patient.objects.bulk_create(
        Patient(
            mrn=f"B{n:07d}",
            legal_given_name=f"Given{n}",
            legal_family_name=f"Family{n}",
            name_key=f"given{n} family{n}",
            date_of_birth=dt.date(1990, 1, 1) + n * DAY,
            created_at=now,
        )
        for n in range(patients)
    )
    episodes = []
    for n, person in enumerate(people):
        days = rng.randint(0, MAX_STAY_DAYS)
        admitted = today - days * DAY
        episodes.append(
            EpisodeOfCare(
                patient=person,
                program=program,
                track=track,
                cohort=cohorts[n // COHORT_SIZE],
                level_of_care="iop",
                state="admitted",
                phase=_phase(days, rng),
                referred_on=admitted - 7 * DAY,
                admitted_on=admitted,
                phase_since=admitted,
            )
        )
    episodes = EpisodeOfCare.objects.bulk_create(episodes)
    therapists = staff[ProgramRole.THERAPIST.value]
    CareTeam.objects.bulk_create(
        CareTeam(
            episode=e,
            primary_therapist=therapists[n % len(therapists)],
            prescriber=staff[ProgramRole.PRESCRIBER.value][n % 2],
            case_manager=staff[ProgramRole.CASE_MANAGER.value][0],
        )
        for n, e in enumerate(episodes)
    )
    return episodes


def _course(rng: random.Random) -> float:
    """Where scores settle as a fraction of intake: improving, plateau or worsening."""
    roll = rng.random()
    if roll < 0.7:
        return rng.uniform(0.2, 0.5)
    return rng.uniform(0.85, 1.05) if roll < 0.9 else rng.uniform(1.3, 1.6)


def _responses(
    episodes: list[EpisodeOfCare], today: dt.date, rng: random.Random
) -> list[MeasureResponse]:
    rows = []
    for episode in episodes:
        if episode.admitted_on is None:  # every bench episode is admitted
            continue
        settle = _course(rng)
        for instrument, (items, ceiling) in SCALES.items():
            intake = rng.randint(ceiling // 2, ceiling - 3)
            week = 0
            while (due := episode.admitted_on + 7 * week * DAY) <= today:
                if week and rng.random() < 0.1:
                    week += 1
                    continue
                level = settle + (1 - settle) * 0.6**week
                total = max(0, min(ceiling, round(intake * level + rng.uniform(-2, 2))))
                rows.append(
                    MeasureResponse(
                        patient_id=episode.patient_id,
                        episode=episode,
                        instrument=instrument,
                        version="1",
                        language="en",
                        timepoint="weekly" if week else "intake",
                        due_on=due,
                        collected_on=due,
                        submitted_at=_at(due, 12),
                        source="portal",
                        answers=_answers(total, items),
                        total=total,
                        answered=items,
                    )
                )
                week += 1
    return MeasureResponse.objects.bulk_create(rows)


def _alerts(responses: list[MeasureResponse], rng: random.Random) -> int:
    latest = {}
    for r in responses:
        if r.instrument == "phq9":
            latest[r.episode_id] = r
    chosen = rng.sample(sorted(latest), 4)
    SafetyAlert.objects.bulk_create(
        SafetyAlert(
            patient_id=latest[e].patient_id,
            episode_id=e,
            response=latest[e],
            reasons=[{"code": "phq9_item9", "label": "PHQ-9 item 9 above 0"}],
            raised_at=latest[e].submitted_at,
        )
        for e in chosen
    )
    return len(chosen)


def _sessions(
    program: Program,
    cohorts: list[Cohort],
    episodes: list[EpisodeOfCare],
    staff: dict[str, list[User]],
    today: dt.date,
) -> list[tuple[ScheduledSession, list[EpisodeOfCare]]]:
    """The last eight weeks' groups of each cohort and everyone's weekly individual
    session, each with its expected patients (those admitted by then)."""
    made: list[tuple[ScheduledSession, list[EpisodeOfCare]]] = []
    facilitators = staff[ProgramRole.GROUP_FACILITATOR.value]
    by_cohort: dict[int, list[EpisodeOfCare]] = {}
    for e in episodes:
        by_cohort.setdefault(e.cohort_id or 0, []).append(e)
    for day in (today - n * DAY for n in range(WEEKS_OF_SESSIONS * 7, -1, -1)):
        if day.weekday() in GROUP_DAYS:
            for n, cohort in enumerate(cohorts):
                members = [
                    e for e in by_cohort[cohort.pk] if e.admitted_on and e.admitted_on <= day
                ]
                session = ScheduledSession(
                    program=program,
                    kind="group",
                    starts_at=_at(day, 18),
                    ends_at=_at(day, 21),
                    cohort=cohort,
                    clinician=facilitators[n % len(facilitators)],
                )
                made.append((session, members))
        if day.weekday() == 2:  # Wednesdays: one individual session each
            therapists = staff[ProgramRole.THERAPIST.value]
            for n, e in enumerate(episodes):
                if e.admitted_on and e.admitted_on <= day:
                    start = _at(day, 8) + (n // len(therapists)) * dt.timedelta(minutes=50)
                    session = ScheduledSession(
                        program=program,
                        kind="individual",
                        starts_at=start,
                        ends_at=start + dt.timedelta(minutes=50),
                        clinician=therapists[n % len(therapists)],
                    )
                    made.append((session, [e]))
    ScheduledSession.objects.bulk_create([s for s, _ in made])
    SessionParticipant.objects.bulk_create(
        SessionParticipant(session=s, episode=e) for s, members in made for e in members
    )
    return made


def _status(rng: random.Random, *, falling: bool) -> tuple[str, float]:
    """A status and the share of the session attended."""
    roll = rng.random()
    if falling and roll < 0.6:
        return "absent_unexcused", 0.0
    if roll < 0.85:
        return "present", 1.0
    if roll < 0.9:
        return "late", 0.8
    return ("absent_excused", 0.0) if roll < 0.94 else ("absent_unexcused", 0.0)


def _attendance(
    made: list[tuple[ScheduledSession, list[EpisodeOfCare]]],
    now: dt.datetime,
    today: dt.date,
    rng: random.Random,
) -> list[Attendance]:
    falling = {e.pk for _, members in made for e in members if e.pk % 10 == 3}
    rows = []
    for session, members in made:
        if session.ends_at > now:
            continue
        length = int((session.ends_at - session.starts_at).total_seconds() // 60)
        day = session.starts_at.astimezone(ZONE).date()
        for e in members:
            recent = day >= today - 14 * DAY
            status, share = _status(rng, falling=recent and e.pk in falling)
            rows.append(
                Attendance(
                    session=session,
                    episode=e,
                    status=status,
                    minutes=round(length * share),
                    service_date=day,
                    recorded_via="roster",
                    recorded_by=session.clinician,
                    recorded_at=session.ends_at,
                    updated_at=session.ends_at,
                )
            )
    return Attendance.objects.bulk_create(rows)


def _screens(
    episodes: list[EpisodeOfCare], staff: dict[str, list[User]], today: dt.date, rng: random.Random
) -> int:
    prescriber = staff[ProgramRole.PRESCRIBER.value][0]
    rows = []
    for e in episodes:
        for week in range(4):
            day = today - (7 * week + 1) * DAY
            if e.admitted_on is None or day < e.admitted_on:
                continue
            positive = rng.random() < 0.05
            rows.append(
                DrugScreen(
                    episode=e,
                    collected_on=day,
                    specimen="urine",
                    results=[
                        {"substance": "Opiates", "result": "positive" if positive else "negative"}
                    ],
                    positive=positive,
                    recorded_by=prescriber,
                    recorded_at=_at(day, 12),
                )
            )
    return len(DrugScreen.objects.bulk_create(rows))


def _authorizations(
    episodes: list[EpisodeOfCare], staff: dict[str, list[User]], now: dt.datetime
) -> int:
    coverages = Coverage.objects.bulk_create(
        Coverage(
            patient_id=e.patient_id,
            order="primary",
            payer_name="Bench Health",
            member_id=f"BH{e.pk:07d}",
            subscriber_name="Synthetic Subscriber",
            subscriber_relationship="self",
            effective_from=dt.date(2026, 1, 1),
            created_at=now,
        )
        for e in episodes
    )
    requester = staff[ProgramRole.CASE_MANAGER.value][0]
    rows = []
    for e, coverage in zip(episodes, coverages, strict=True):
        if e.admitted_on is None:  # every bench episode is admitted
            continue
        ends = e.admitted_on + 59 * DAY
        rows.append(
            Authorization(
                episode=e,
                coverage=coverage,
                level="iop",
                requested_units=36,
                requested_from=e.admitted_on,
                requested_to=ends,
                requested_at=now,
                requested_by=requester,
                auth_number=f"A{e.pk:07d}",
                approved_units=36,
                approved_from=e.admitted_on,
                approved_to=ends,
                next_review_on=e.admitted_on + 28 * DAY,
                decided_at=now,
            )
        )
    return len(Authorization.objects.bulk_create(rows))


def _plans(
    episodes: list[EpisodeOfCare], staff: dict[str, list[User]], now: dt.datetime, today: dt.date
) -> int:
    chosen = episodes[::2]
    director = staff[ProgramRole.PROGRAM_DIRECTOR.value][0]
    plans = TreatmentPlan.objects.bulk_create(
        TreatmentPlan(
            episode=e, status="active", created_at=now, activated_at=now, activated_by=director
        )
        for e in chosen
    )
    problems = PlanProblem.objects.bulk_create(
        PlanProblem(plan=p, position=1, statement="Depressed mood", source="staff") for p in plans
    )
    goals = PlanGoal.objects.bulk_create(
        PlanGoal(problem=p, position=1, statement="Feel better day to day") for p in problems
    )
    objectives: list[PlanObjective] = []
    for n, goal in enumerate(goals):
        met = n % 10 == 0
        objectives.extend(
            PlanObjective(
                goal=goal,
                position=k,
                statement=f"Objective {k}",
                measure="PHQ-9",
                target_date=today + 30 * DAY,
                phase="core",
                status="met" if met else "open",
                status_on=today if met else None,
            )
            for k in (1, 2, 3)
        )
    PlanObjective.objects.bulk_create(objectives)
    return len(plans)


def _reviews(
    program: Program, episodes: list[EpisodeOfCare], now: dt.datetime, today: dt.date
) -> int:
    policy = AttendancePolicy.objects.create(
        program=program,
        name="3 unexcused absences in 30 days",
        statuses=["absent_unexcused"],
        threshold=3,
        window_days=30,
    )
    rows = [
        AttendanceReview(
            episode=e,
            policy=policy,
            count=3,
            window_start=today - 29 * DAY,
            window_end=today,
            raised_at=now,
        )
        for e in episodes
        if e.pk % 25 == 7
    ]
    return len(AttendanceReview.objects.bulk_create(rows))


def load(*, patients: int, seed: int, today: dt.date, now: dt.datetime) -> Loaded:
    """Write the program; returns it, its director and how many rows of each kind."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    program, track, cohorts = _structure(today, patients)
    staff = _staff(program, now)
    episodes = _episodes(program, track, cohorts, staff, today, now, rng, patients)
    responses = _responses(episodes, today, rng)
    made = _sessions(program, cohorts, episodes, staff, today)
    counts: dict[str, Any] = {
        "patients": len(episodes),
        "measure_responses": len(responses),
        "open_safety_alerts": _alerts(responses, rng),
        "sessions": len(made),
        "attendance": len(_attendance(made, now, today, rng)),
        "drug_screens": _screens(episodes, staff, today, rng),
        "authorizations": _authorizations(episodes, staff, now),
        "active_plans": _plans(episodes, staff, now, today),
        "open_attendance_reviews": _reviews(program, episodes, now, today),
    }
    return Loaded(program, staff[ProgramRole.PROGRAM_DIRECTOR.value][0], counts)
