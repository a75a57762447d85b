"""The demo's people and histories, drawn from one ``random.Random(seed)``: a pure plan.

Nothing here touches the database or the clock. Dates are kept as "days ago" so a plan is
equal to any other plan made from the same seed, on any day; ``stay_dates`` turns them into
calendar dates against a program's local "today" when the plan is applied
(``openiop.devtools.demo``). The same seed always draws the same values in the same order.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace
from enum import StrEnum

from openiop.accounts.roles import ProgramRole
from openiop.devtools.layout import ADULT_IOP, ADULT_PHP, PROGRAMS, SUD_IOP
from openiop.devtools.names import CONTACTS, FEATURED, POOL, Persona
from openiop.devtools.passphrases import passphrase
from openiop.devtools.roster import STAFF, members
from openiop.patients.models import DischargeReason, Language, Phase
from openiop.patients.names import fold
from openiop.programs.models import LevelOfCare

# Adults only: at least 18 whole years (366-day years leave room for leap days), under 70.
AGE_DAYS = (18 * 366, 70 * 365)
# Treatment phases start at weeks 1, 5 and 13 of an admission (Phase).
PHASE_STARTS: tuple[tuple[Phase, int], ...] = ((Phase.CORE, 4), (Phase.TAPER, 12))


class Course(StrEnum):
    """How a patient's story in the program goes."""

    REFERRED = "referred"
    WAITLISTED = "waitlisted"
    STABILIZATION = "stabilization"
    CORE = "core"
    TAPER = "taper"
    GOALS_MET = "goals_met"
    STEP_DOWN = "step_down"
    NO_PROGRESS = "no_progress"
    PATIENT_CHOICE = "patient_choice"
    NOT_ADMITTED = "not_admitted"
    READMITTED = "readmitted"
    STEPPED_DOWN_TO_IOP = "stepped_down_to_iop"
    ALUMNUS = "alumnus"  # discharged 2-11 months ago, so follow-ups have come due


# How many patients of each course each program gets: 25 + 16 + 20 = 61.
CASELOAD: dict[str, tuple[tuple[Course, int], ...]] = {
    ADULT_IOP: (
        (Course.REFERRED, 2),
        (Course.WAITLISTED, 2),
        (Course.STABILIZATION, 3),
        (Course.CORE, 4),
        (Course.TAPER, 2),
        (Course.GOALS_MET, 2),
        (Course.STEP_DOWN, 1),
        (Course.NO_PROGRESS, 1),
        (Course.NOT_ADMITTED, 1),
        (Course.ALUMNUS, 7),
    ),
    ADULT_PHP: (
        (Course.REFERRED, 1),
        (Course.WAITLISTED, 1),
        (Course.STABILIZATION, 4),
        (Course.CORE, 2),
        (Course.GOALS_MET, 1),
        (Course.STEPPED_DOWN_TO_IOP, 2),
        (Course.NO_PROGRESS, 1),
        (Course.ALUMNUS, 4),
    ),
    SUD_IOP: (
        (Course.REFERRED, 2),
        (Course.WAITLISTED, 2),
        (Course.STABILIZATION, 2),
        (Course.CORE, 3),
        (Course.TAPER, 2),
        (Course.GOALS_MET, 1),
        (Course.NO_PROGRESS, 1),
        (Course.PATIENT_CHOICE, 1),
        (Course.READMITTED, 1),
        (Course.ALUMNUS, 5),
    ),
}

_LEVELS = {p.key: p.level for p in PROGRAMS}
_TRACKS = {p.key: tuple(t.name for t in p.tracks) for p in PROGRAMS}
# Length of stay in days (low, high) for each discharge, shorter in PHP.
_STAY_DAYS: dict[tuple[Course, bool], tuple[int, int]] = {
    (Course.GOALS_MET, False): (91, 115),  # at least a week of taper
    (Course.GOALS_MET, True): (18, 30),
    (Course.STEP_DOWN, False): (42, 75),
    (Course.STEPPED_DOWN_TO_IOP, True): (15, 30),
    (Course.NO_PROGRESS, False): (21, 49),
    (Course.NO_PROGRESS, True): (10, 21),
    (Course.PATIENT_CHOICE, False): (7, 30),
}
# How earlier patients' stays ended, by level (PHP or not): mostly with their goals met.
_ALUMNI_COURSES: dict[bool, tuple[Course, ...]] = {
    False: (
        Course.GOALS_MET,
        Course.GOALS_MET,
        Course.GOALS_MET,
        Course.STEP_DOWN,
        Course.NO_PROGRESS,
        Course.PATIENT_CHOICE,
    ),
    True: (Course.GOALS_MET, Course.GOALS_MET, Course.GOALS_MET, Course.NO_PROGRESS),
}


@dataclass(frozen=True, slots=True)
class Stay:
    """One episode of care, its dates as days before today and its care team by username."""

    program: str
    referred_ago: int
    waitlisted_ago: int | None = None
    admitted_ago: int | None = None
    track: str = ""
    discharged_ago: int | None = None
    reason: DischargeReason | None = None
    therapist: str = ""
    prescriber: str = ""
    case_manager: str = ""

    @property
    def ends_open(self) -> bool:
        return self.discharged_ago is None


@dataclass(frozen=True, slots=True)
class ContactPlan:
    name: str
    relationship: str
    phone: str
    emergency: bool
    release_days: int | None  # the release of information expires this many days from today


@dataclass(frozen=True, slots=True)
class PatientPlan:
    persona: Persona
    age_days: int
    phone: str
    email: str
    contact: ContactPlan | None
    stays: tuple[Stay, ...]


@dataclass(frozen=True, slots=True)
class LoginPlan:
    username: str
    password: str


@dataclass(frozen=True, slots=True)
class DemoPlan:
    seed: int
    logins: tuple[LoginPlan, ...]
    patients: tuple[PatientPlan, ...]
    due_today: int  # index in ``patients`` of the one whose weekly measures fall due today


@dataclass(frozen=True, slots=True)
class StayDates:
    referred: dt.date
    waitlisted: dt.date | None
    admitted: dt.date | None
    phases: tuple[tuple[Phase, dt.date], ...]
    discharged: dt.date | None


def plan_demo(seed: int) -> DemoPlan:
    """Draw the whole demo from ``random.Random(seed)``. Pure: no I/O, no clock."""
    rng = random.Random(seed)
    logins = tuple(LoginPlan(s.username, passphrase(rng)) for s in STAFF)
    slots = [
        (program, course)
        for program, rows in CASELOAD.items()
        for course, n in rows
        for _ in range(n)
    ]
    people = list(FEATURED) + rng.sample(POOL, len(slots) - len(FEATURED))
    rng.shuffle(people)
    drafts = [
        _patient(rng, person, _course(rng, program, course))
        for person, (program, course) in zip(people, slots, strict=True)
    ]
    # Registration order follows referral dates, so MRNs rise with time as in a real chart.
    drafts.sort(key=lambda p: -p.stays[0].referred_ago)
    patients, due_today = _with_weekly_due_today(rng, _with_care_teams(rng, drafts))
    return DemoPlan(seed=seed, logins=logins, patients=patients, due_today=due_today)


def _intake(rng: random.Random, program: str, admitted_ago: int) -> Stay:
    """An admission ``admitted_ago`` days back, after a referral and, for some, a wait."""
    track = rng.choice(_TRACKS[program])
    if rng.random() < 0.5:
        waitlisted = admitted_ago + rng.randint(4, 18)
        return Stay(program, waitlisted + rng.randint(1, 4), waitlisted, admitted_ago, track)
    return Stay(program, admitted_ago + rng.randint(2, 10), None, admitted_ago, track)


def _discharged(
    rng: random.Random, program: str, course: Course, reason: DischargeReason, discharged: int
) -> Stay:
    """An admission that ended with ``reason`` ``discharged`` days back."""
    low, high = _STAY_DAYS[course, _LEVELS[program] == LevelOfCare.PHP]
    stay = _intake(rng, program, discharged + rng.randint(low, high))
    return replace(stay, discharged_ago=discharged, reason=reason)


def _alumnus(rng: random.Random, program: str) -> Stay:
    """A stay that ended 2-11 months ago, mostly with goals met: the outcomes report's history."""
    course = rng.choice(_ALUMNI_COURSES[_LEVELS[program] == LevelOfCare.PHP])
    return _discharged(rng, program, course, DischargeReason(course.value), rng.randint(60, 340))


def _waitlisted(rng: random.Random, program: str) -> Stay:
    referred = rng.randint(6, 24)
    return Stay(program, referred, referred - rng.randint(1, 5))


def _not_admitted(rng: random.Random, program: str) -> Stay:
    """Referred, waited, and closed before admission (e.g. the patient went elsewhere)."""
    referred = rng.randint(20, 50)
    waitlisted = referred - rng.randint(1, 4)
    closed = waitlisted - rng.randint(7, 14)
    return Stay(program, referred, waitlisted, None, "", closed, DischargeReason.NOT_ADMITTED)


def _readmitted(rng: random.Random, program: str) -> tuple[Stay, ...]:
    """An earlier stay that ended without progress, then a new referral and admission."""
    reason = DischargeReason.NO_PROGRESS
    first = _discharged(rng, program, Course.NO_PROGRESS, reason, rng.randint(70, 100))
    return first, _intake(rng, program, rng.randint(1, 20))


def _stepped_down(rng: random.Random, program: str) -> tuple[Stay, ...]:
    """PHP → Adult IOP: discharged to the lower level, referred there the same day and
    admitted a few days later."""
    left = rng.randint(8, 40)
    reason = DischargeReason.STEP_DOWN
    php = _discharged(rng, program, Course.STEPPED_DOWN_TO_IOP, reason, left)
    track = rng.choice(_TRACKS[ADULT_IOP])
    return php, Stay(ADULT_IOP, left, None, left - rng.randint(1, 3), track)


def _course(rng: random.Random, program: str, course: Course) -> tuple[Stay, ...]:
    """The stays of one patient following ``course`` in ``program``. Draws from ``rng``."""
    recent = (2, 50)
    match course:
        case Course.REFERRED:
            return (Stay(program, rng.randint(0, 6)),)
        case Course.WAITLISTED:
            return (_waitlisted(rng, program),)
        case Course.STABILIZATION | Course.CORE | Course.TAPER:
            span = {Course.STABILIZATION: (0, 24), Course.CORE: (30, 80), Course.TAPER: (88, 120)}
            return (_intake(rng, program, rng.randint(*span[course])),)
        case Course.NOT_ADMITTED:
            return (_not_admitted(rng, program),)
        case Course.READMITTED:
            return _readmitted(rng, program)
        case Course.STEPPED_DOWN_TO_IOP:
            return _stepped_down(rng, program)
        case Course.ALUMNUS:
            return (_alumnus(rng, program),)
        case _:
            reason = DischargeReason(course.value)
            return (_discharged(rng, program, course, reason, rng.randint(*recent)),)


AREA_CODES = ("312", "773", "872")


def _patient(rng: random.Random, person: Persona, stays: tuple[Stay, ...]) -> PatientPlan:
    """Age, phone, maybe an e-mail address and a contact for ``person``. Draws from ``rng``."""
    phone = _phone(rng)
    email = _email(person) if rng.random() < 0.4 else ""
    return PatientPlan(person, rng.randint(*AGE_DAYS), phone, email, _contact(rng), stays)


def _email(person: Persona) -> str:
    """given.family@example.com in plain ASCII, or "" when the name has no Latin letters."""
    parts = [
        "".join(c for c in fold(n) if c.isascii() and c.isalnum())
        for n in (person.given, person.family)
    ]
    return f"{parts[0]}.{parts[1]}@example.com" if all(parts) else ""


def _contact(rng: random.Random) -> ContactPlan | None:
    """Six in ten patients name a contact; half of those signed a release of information."""
    if rng.random() >= 0.6:
        return None
    name, relationship = rng.choice(CONTACTS)
    phone = _phone(rng)
    emergency = rng.random() < 0.8
    release = rng.randint(60, 365) if rng.random() < 0.5 else None
    return ContactPlan(name, relationship, phone, emergency, release)


def _phone(rng: random.Random) -> str:
    """A number in 555-0100…0199, the range reserved for fiction."""
    return f"({rng.choice(AREA_CODES)}) 555-01{rng.randrange(100):02d}"


def _with_care_teams(rng: random.Random, drafts: list[PatientPlan]) -> tuple[PatientPlan, ...]:
    """Give every stay that reached admission a care team, in the order the stays will be
    applied, keeping each therapist under their caseload cap in that program."""
    load: dict[tuple[str, str], int] = {}
    return tuple(
        replace(p, stays=tuple(_care_team(rng, stay, load) for stay in p.stays)) for p in drafts
    )


def _care_team(rng: random.Random, stay: Stay, load: dict[tuple[str, str], int]) -> Stay:
    """``stay`` with its team filled in; counts an open stay against its therapist's load."""
    if stay.admitted_ago is None:
        return stay
    therapist = _least_loaded(rng, stay.program, load)
    if therapist and stay.ends_open:
        load[therapist, stay.program] = load.get((therapist, stay.program), 0) + 1
    prescribers = [u for u, _ in members(stay.program, ProgramRole.PRESCRIBER)]
    managers = [u for u, _ in members(stay.program, ProgramRole.CASE_MANAGER)]
    return replace(
        stay,
        therapist=therapist,
        prescriber=rng.choice(prescribers),
        case_manager=rng.choice(managers),
    )


def _least_loaded(rng: random.Random, program: str, load: dict[tuple[str, str], int]) -> str:
    """A therapist in ``program`` with the fewest open stays and room under their cap."""
    room = [
        (load.get((user, program), 0), user)
        for user, cap in members(program, ProgramRole.THERAPIST)
        if cap is None or load.get((user, program), 0) < cap
    ]
    if not room:
        return ""
    fewest = min(n for n, _ in room)
    return rng.choice([user for n, user in room if n == fewest])


def _with_weekly_due_today(
    rng: random.Random, patients: tuple[PatientPlan, ...]
) -> tuple[tuple[PatientPlan, ...], int]:
    """Pick one patient admitted two or more weeks ago, still in treatment and with a
    therapist, and move the admission back to a whole number of weeks, so their weekly
    questionnaires fall due on the seeding day (the demo's portal-link journey). Prefers an
    English-speaking Adult PHP patient, whose link holds just the PHQ-9 and GAD-7."""
    fits = [
        i
        for i, p in enumerate(patients)
        if p.stays[-1].ends_open and p.stays[-1].therapist and _admitted_weeks(p.stays[-1]) >= 2
    ]
    english = [i for i in fits if patients[i].persona.language == Language.ENGLISH]
    php = [i for i in english if patients[i].stays[-1].program == ADULT_PHP]
    index = rng.choice(php or english or fits)
    *earlier, stay = patients[index].stays
    moved = replace(stay, admitted_ago=7 * _admitted_weeks(stay))  # never later than before
    chosen = replace(patients[index], stays=(*earlier, moved))
    return (*patients[:index], chosen, *patients[index + 1 :]), index


def _admitted_weeks(stay: Stay) -> int:
    return -1 if stay.admitted_ago is None else stay.admitted_ago // 7


def service_day(today: dt.date, ago: int) -> dt.date:
    """``ago`` days before ``today``, moved back to Friday if that falls on a weekend.

    Monotone (a later offset never gives an earlier day), so the order of a stay's dates
    survives the move, and never after ``today``.
    """
    day = today - dt.timedelta(days=ago)
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def _day(today: dt.date, ago: int | None) -> dt.date | None:
    return None if ago is None else service_day(today, ago)


def phase_changes(admitted: dt.date, until: dt.date) -> tuple[tuple[Phase, dt.date], ...]:
    """The phase changes of an admission on ``admitted`` that happen by ``until``: core from
    week 5, taper from week 13."""
    starts = ((phase, admitted + dt.timedelta(weeks=weeks)) for phase, weeks in PHASE_STARTS)
    return tuple((phase, on) for phase, on in starts if on <= until)


def stay_dates(stay: Stay, today: dt.date) -> StayDates:
    """Calendar dates of ``stay`` for a program whose local date is ``today``. Pure."""
    admitted = _day(today, stay.admitted_ago)
    discharged = _day(today, stay.discharged_ago)
    return StayDates(
        referred=service_day(today, stay.referred_ago),
        waitlisted=_day(today, stay.waitlisted_ago),
        admitted=admitted,
        phases=phase_changes(admitted, discharged or today) if admitted else (),
        discharged=discharged,
    )
