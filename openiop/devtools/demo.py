"""Apply the demo plan through the services, so every row is validated and audited.

``seed_demo`` writes the whole synthetic organization in one transaction, acting as
``Actor.system("seed-demo")``: the layout (organization, sites, rooms, programs, tracks,
cohorts, measurement schedules), the staff and their memberships, then each patient's
registration, contact, episode transitions, care team, cohort and questionnaires, in the
plan's order (``openiop.devtools.demo_measures`` for the measures). It never saves a model
directly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.db import transaction

from openiop.accounts.models import User
from openiop.accounts.roles import OrgRole, Principal
from openiop.accounts.services import membership_grant, staff_create
from openiop.admissions.services.referrals import Person
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.devtools import demo_admissions as front_door
from openiop.devtools import (
    demo_attendance,
    demo_hours,
    demo_medications,
    demo_meetings,
    demo_notes,
    demo_plans,
)
from openiop.devtools import demo_measures as measures
from openiop.devtools import demo_scheduling as scheduling
from openiop.devtools.layout import ORGANIZATION, PROGRAM_NAMES, PROGRAMS, SITES, ProgramSpec
from openiop.devtools.measures_plan import SCHEDULES, StayMeasures, plan_measures, stay_responses
from openiop.devtools.plan import (
    DemoPlan,
    LoginPlan,
    PatientPlan,
    Stay,
    StayDates,
    plan_demo,
    stay_dates,
)
from openiop.devtools.roster import ALL_PROGRAMS, STAFF, StaffSpec
from openiop.patients import services as patients
from openiop.patients.models import (
    EpisodeOfCare,
    EpisodeState,
    Language,
    Patient,
    PatientContact,
    Phase,
)
from openiop.programs import services as programs
from openiop.programs.models import Cohort, Program, Room, Site, Track

ACTOR = Actor.system("seed-demo")


@dataclass(frozen=True, slots=True)
class DemoLogin:
    username: str
    password: str
    role: str
    programs: str


@dataclass(frozen=True, slots=True)
class DemoResult:
    seed: int
    logins: tuple[DemoLogin, ...]
    counts: tuple[tuple[str, int], ...]
    states: tuple[tuple[str, int], ...]
    phases: tuple[tuple[str, int], ...]
    measures: measures.MeasuresSummary
    front_door: front_door.FrontDoorSummary


@dataclass(frozen=True, slots=True)
class _Built:
    """What the layout and staff steps created, for the patient step to refer to, and each
    admitted stay's planned measures by (patient index, stay index)."""

    programs: dict[str, Program]
    tracks: dict[str, Track]
    staff: dict[str, User]
    cohorts: dict[str, list[Cohort]]
    measures: dict[tuple[int, int], StayMeasures]
    referrals: list[front_door.Planned]


def demo_data_present() -> bool:
    """True when the database already has any program (seeded or real). Reads only."""
    return Program.objects.exists()


@transaction.atomic
def seed_demo(*, seed: int) -> DemoResult:
    """Create the demo organization for ``seed``. Side effects: writes the layout, staff,
    memberships, patients, contacts, episodes, care teams, cohorts, measurement schedules,
    questionnaire responses and safety alerts, scheduling inputs and this week's and next
    week's solver-made sessions, with their audit events, in one transaction (all or
    nothing)."""
    plan = plan_demo(seed)
    planned = plan_measures(plan)
    program_map, tracks = _build_layout()
    measures.build_schedules(ACTOR, program_map)
    front_door.build_fees(ACTOR, program_map)
    built = _Built(
        program_map,
        tracks,
        _build_staff(plan, program_map),
        measures.build_cohorts(tracks),
        {(m.patient, m.stay): m for m in planned.stays},
        [],
    )
    people = [_build_patient(index, p, built) for index, p in enumerate(plan.patients)]
    door = front_door.build_front_door(ACTOR, built.referrals, built.staff)
    schedule = scheduling.build_schedules(ACTOR, program_map, built.staff)
    daily = _build_daily_operations(seed, plan, built)
    summary = measures.summarize(
        planned, alert=people[planned.alert], due=people[planned.due_today]
    )
    summary = replace(
        summary, highlights=(*summary.highlights, schedule.highlight(), *daily.highlights)
    )
    logins = (*_logins(plan), *daily.logins)
    return DemoResult(seed, logins, _counts(), *_episode_counts(), summary, door)


@dataclass(frozen=True, slots=True)
class _Daily:
    highlights: tuple[tuple[str, str], ...]
    logins: tuple[DemoLogin, ...]


def _build_daily_operations(seed: int, plan: DemoPlan, built: _Built) -> _Daily:
    """Issue 6's day-to-day record on top of the admitted stays and their sessions: payer
    minimums and covered stays, attendance, completed treatment plans and safety plans,
    medications and screens, notes, and last (it reads all of them) the team meetings."""
    programs = built.programs
    demo_hours.seed_payer_minimums(ACTOR, programs)
    demo_hours.seed_covered_stays(ACTOR, programs)
    attendance = demo_attendance.build_attendance(ACTOR, programs, seed=seed)
    plans = demo_plans.build_plans(ACTOR, built.staff)
    medications = demo_medications.build_medications(ACTOR, programs)
    passwords = {login.username: login.password for login in plan.logins}
    notes = demo_notes.build_notes(ACTOR, programs, built.staff, passwords, seed=seed)
    meetings = demo_meetings.build_meetings(ACTOR, programs)
    logins: tuple[DemoLogin, ...] = ()
    if notes.trainee_login is not None:
        username, password = notes.trainee_login
        logins = (DemoLogin(username, password, "Therapist (trainee)", "Adult IOP"),)
    return _Daily(
        highlights=tuple(
            step.highlight() for step in (attendance, plans, medications, notes, meetings)
        ),
        logins=logins,
    )


def _build_layout() -> tuple[dict[str, Program], dict[str, Track]]:
    """Create the organization, its sites and rooms, programs and tracks (configuration,
    not PHI: the program services do not audit it). Returns programs by key and tracks by
    name."""
    org = programs.organization_create(name=ORGANIZATION)
    sites: dict[str, Site] = {}
    for spec in SITES:
        sites[spec.name] = programs.site_create(
            organization=org, name=spec.name, address=spec.address
        )
        for room, capacity in spec.rooms:
            programs.room_create(site=sites[spec.name], name=room, capacity=capacity)
    program_map = {spec.key: _build_program(spec, sites[spec.site]) for spec in PROGRAMS}
    tracks = {t.name: t for program in program_map.values() for t in program.tracks.all()}
    return program_map, tracks


def _build_program(spec: ProgramSpec, site: Site) -> Program:
    """Create one program and its tracks."""
    program = programs.program_create(
        site=site,
        name=spec.name,
        level_of_care=spec.level,
        time_zone=spec.time_zone,
        is_part2=spec.is_part2,
    )
    for t in spec.tracks:
        programs.track_create(
            program=program,
            name=t.name,
            weekdays=list(t.weekdays),
            starts_at=t.starts_at,
            ends_at=t.ends_at,
        )
    return program


def _build_staff(plan: DemoPlan, program_map: dict[str, Program]) -> dict[str, User]:
    """Create each staff account with its plan password and grant its memberships.
    Audits USER_CREATED and MEMBERSHIP_GRANTED. Returns users by username."""
    users: dict[str, User] = {}
    for spec, login in zip(STAFF, plan.logins, strict=True):
        users[spec.username] = staff_create(
            actor=ACTOR,
            username=spec.username,
            password=login.password,
            first_name=spec.first_name,
            last_name=spec.last_name,
            credentials=spec.credentials,
            competencies=[c.value for c in spec.competencies],
            org_role=spec.org_role,
        )
        for seat in spec.seats:
            membership_grant(
                actor=ACTOR,
                user=users[spec.username],
                program=program_map[seat.program],
                role=seat.role,
                caseload_cap=seat.caseload_cap,
                on_call=seat.on_call,
            )
    return users


def _build_patient(index: int, plan: PatientPlan, built: _Built) -> Patient:
    """Register the patient (``index`` in the plan) in their first stay's program, add their
    contact, then play each stay's history. Audits through the patient services."""
    first = built.programs[plan.stays[0].program]
    today = clock.localdate(first.zone)
    person = plan.persona
    goal = _front_door_goal(plan, len(built.referrals))
    if goal is not None:
        return _refer(index, plan, first, goal, built)
    patient = patients.patient_register(
        actor=ACTOR,
        program=first,
        legal_given_name=person.given,
        legal_family_name=person.family,
        preferred_name=person.preferred,
        pronouns=person.pronouns,
        language=person.language,
        date_of_birth=today - dt.timedelta(days=plan.age_days),
        phone=plan.phone,
        email=plan.email,
        referred_on=stay_dates(plan.stays[0], today).referred,
    )
    _add_contact(plan, patient, today)
    episode = patient.episodes.get()
    for number, stay in enumerate(plan.stays):
        if number:
            episode = _reopen(patient, stay, built)
        dates = _play_stay(episode, stay, built)
        spec = built.measures.get((index, number))
        if spec is not None:
            _answer(episode, stay, dates, spec, plan, built)
    return patient


# The stories of people who never got past the front door, in turn for the open ones.
_OPEN_GOALS = ("referred", "authorized", "screening", "intake")


def _front_door_goal(plan: PatientPlan, number: int) -> str | None:
    """How far a person whose only stay never reached admission gets in the pipeline, or
    None for everyone else (their history is played through the episode services)."""
    if len(plan.stays) != 1 or plan.stays[0].admitted_ago is not None:
        return None
    stay = plan.stays[0]
    if not stay.ends_open:
        return "closed"
    if stay.waitlisted_ago is not None:
        return "waitlisted"
    return _OPEN_GOALS[number % len(_OPEN_GOALS)]


def _refer(index: int, plan: PatientPlan, program: Program, goal: str, built: _Built) -> Patient:
    """Take the person's referral (received on the plan's referral day) and queue it for
    the front-door step. Audits through the referral service."""
    today = clock.localdate(program.zone)
    person = plan.persona
    referral = front_door.refer(
        ACTOR,
        program=program,
        person=Person(
            legal_given_name=person.given,
            legal_family_name=person.family,
            date_of_birth=today - dt.timedelta(days=plan.age_days),
            phone=plan.phone,
            email=plan.email,
            preferred_name=person.preferred,
            pronouns=person.pronouns,
            language=person.language,
        ),
        received_ago_days=plan.stays[0].referred_ago,
        index=index,
        user=built.staff["intake"],
    )
    patient = referral.episode.patient
    _add_contact(plan, patient, today)
    built.referrals.append(front_door.Planned(referral, goal))
    return patient


def _reopen(patient: Patient, stay: Stay, built: _Built) -> EpisodeOfCare:
    """Open a later stay (a readmission or a step-down). Audits EPISODE_OPENED."""
    program = built.programs[stay.program]
    referred = stay_dates(stay, clock.localdate(program.zone)).referred
    return patients.episode_open(
        actor=ACTOR, patient=patient, program=program, referred_on=referred
    )


def _add_contact(plan: PatientPlan, patient: Patient, today: dt.date) -> None:
    """Add the planned contact, if any. Audits CONTACT_ADDED."""
    contact = plan.contact
    if contact is None:
        return
    expires = (
        None if contact.release_days is None else today + dt.timedelta(days=contact.release_days)
    )
    patients.contact_add(
        actor=ACTOR,
        patient=patient,
        name=contact.name,
        relationship=contact.relationship,
        phone=contact.phone,
        is_emergency_contact=contact.emergency,
        release_of_information=expires is not None,
        release_expires_on=expires,
    )


def _play_stay(episode: EpisodeOfCare, stay: Stay, built: _Built) -> StayDates:
    """Walk ``episode`` through the stay's transitions on their dates, assigning the care
    team and cohort on admission. Audits each transition and assignment. Returns the dates."""
    dates = stay_dates(stay, clock.localdate(episode.program.zone))
    if dates.waitlisted:
        patients.episode_waitlist(actor=ACTOR, episode=episode, on=dates.waitlisted)
    if dates.admitted:
        track = built.tracks[stay.track]
        patients.episode_admit(actor=ACTOR, episode=episode, track=track, on=dates.admitted)
        _assign_team(episode, stay, built)
        measures.join_cohort(ACTOR, episode, built.cohorts[stay.track])
        for phase, on in dates.phases:
            patients.episode_change_phase(actor=ACTOR, episode=episode, phase=phase, on=on)
    if dates.discharged and stay.reason:
        patients.episode_discharge(
            actor=ACTOR, episode=episode, reason=stay.reason, on=dates.discharged
        )
    return dates


def _answer(
    episode: EpisodeOfCare,
    stay: Stay,
    dates: StayDates,
    spec: StayMeasures,
    plan: PatientPlan,
    built: _Built,
) -> None:
    """Record the stay's planned questionnaires, once its dates are all set. Paper forms are
    transcribed by the primary therapist, who also acts on the alerts that were handled."""
    therapist = built.staff.get(stay.therapist)
    planned = stay_responses(
        spec,
        dates,
        clock.localdate(episode.program.zone),
        SCHEDULES[stay.program],
        spanish=plan.persona.language == Language.SPANISH,
        paper=therapist is not None,
    )
    responder = therapist or built.staff["director"]
    measures.record_responses(ACTOR, episode, planned, transcriber=therapist, responder=responder)


def _assign_team(episode: EpisodeOfCare, stay: Stay, built: _Built) -> None:
    """Fill the planned care-team seats. Audits CARE_TEAM_ASSIGNED per seat."""
    seats = (
        ("primary_therapist", stay.therapist),
        ("prescriber", stay.prescriber),
        ("case_manager", stay.case_manager),
    )
    for seat, username in seats:
        if username:
            patients.care_team_assign(
                actor=ACTOR, episode=episode, seat=seat, member=built.staff[username]
            )


def _logins(plan: DemoPlan) -> tuple[DemoLogin, ...]:
    """One row per demo account: username, password, role and where it applies."""
    return tuple(_login(spec, login) for spec, login in zip(STAFF, plan.logins, strict=True))


def _login(spec: StaffSpec, login: LoginPlan) -> DemoLogin:
    if spec.org_role != OrgRole.NONE:
        return DemoLogin(
            login.username, login.password, f"{spec.org_role.label} (organization)", "-"
        )
    keys = [seat.program for seat in spec.seats]
    where = (
        "all programs"
        if set(keys) == set(ALL_PROGRAMS)
        else ", ".join(PROGRAM_NAMES[k] for k in keys)
    )
    return DemoLogin(login.username, login.password, spec.seats[0].role.label, where)


def _counts() -> tuple[tuple[str, int], ...]:
    """What the database now holds, for the summary. Reads only."""
    return (
        ("sites", Site.objects.count()),
        ("rooms", Room.objects.count()),
        ("programs", Program.objects.count()),
        ("tracks", Track.objects.count()),
        ("staff", User.objects.filter(principal=Principal.STAFF).count()),
        ("patients", Patient.objects.count()),
        ("contacts", PatientContact.objects.count()),
        ("episodes", EpisodeOfCare.objects.count()),
    )


def _episode_counts() -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]]:
    """Episodes per state, and admitted episodes per phase, for the summary. Reads only."""
    episodes = EpisodeOfCare.objects
    admitted = episodes.filter(state=EpisodeState.ADMITTED)
    states = tuple((s.label.lower(), episodes.filter(state=s).count()) for s in EpisodeState)
    phases = tuple((p.label.lower(), admitted.filter(phase=p).count()) for p in Phase)
    return states, phases
