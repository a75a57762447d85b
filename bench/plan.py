"""The synthetic organization, staff, patients and episodes of care, planned in memory.

Pure and seeded: the same seed, episode count and anchor date give the same plan, row for
row. Every row gets its primary key here, so the loader can write with COPY and foreign keys
need no round trip. Episodes are numbered in the order they start, as a live system would
number them.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bench import layout
from openiop.patients.names import name_key

DAY = dt.timedelta(days=1)
READMISSION_SHARE = 0.12
NOT_ADMITTED_SHARE = 0.03
NO_THERAPIST_SHARE = 0.03
NO_COHORT_SHARE = 0.05
CASELOAD = 10  # concurrent patients per primary therapist

# (reason, weight, share of baseline severity lost by discharge: low, high)
DISCHARGES: tuple[tuple[str, float, float, float], ...] = (
    ("goals_met", 0.45, 0.45, 0.85),
    ("step_down", 0.20, 0.30, 0.70),
    ("patient_choice", 0.20, -0.10, 0.50),
    ("no_progress", 0.08, -0.15, 0.15),
    ("step_up", 0.07, -0.30, 0.10),
)
LANGUAGES = (("en", 0.82), ("es", 0.12), ("vi", 0.02), ("zh", 0.02), ("ar", 0.01), ("ko", 0.01))
PRONOUNS = ("she/her", "he/him", "they/them", "")


def seeded(*parts: object) -> random.Random:
    """A generator seeded by ``parts``; str seeds hash with SHA-512, so this is stable across
    processes (unlike ``hash()``)."""
    return random.Random("/".join(map(str, parts)))  # noqa: S311 - synthetic data, not secrets


@dataclass(frozen=True, slots=True)
class Track:
    pk: int
    program_pk: int
    spec: layout.TrackSpec


@dataclass(frozen=True, slots=True)
class Program:
    pk: int
    site_pk: int
    spec: layout.ProgramSpec
    zone: ZoneInfo
    tracks: tuple[Track, ...]


@dataclass(frozen=True, slots=True)
class Staff:
    pk: int
    given: str
    family: str
    credentials: str
    role: str  # a ProgramRole value
    program_pks: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Cohort:
    pk: int
    track_pk: int
    name: str
    started_on: dt.date


@dataclass(frozen=True, slots=True)
class Patient:
    pk: int
    given: str
    family: str
    preferred: str
    pronouns: str
    date_of_birth: dt.date
    language: str
    created_at: dt.datetime

    @property
    def mrn(self) -> str:
        return f"{self.pk:07d}"

    @property
    def name_key(self) -> str:
        return name_key(given=self.given, family=self.family, preferred=self.preferred)


@dataclass(slots=True)
class Episode:
    """One episode and the clinical course its responses follow (baseline severity, the
    share of it lost by discharge, engagement, relapse after discharge)."""

    pk: int
    program: Program
    referred_on: dt.date
    waitlisted_on: dt.date | None
    admitted_on: dt.date | None
    ends_on: dt.date  # planned discharge; in the future for episodes still admitted
    discharged_on: dt.date | None
    state: str
    reason: str
    distress: float
    substance: float
    change: float
    engagement: float
    relapse: float
    patient: int = 0
    language: str = "en"
    track_pk: int | None = None
    cohort_pk: int | None = None
    therapist: int | None = None
    prescriber: int | None = None
    case_manager: int | None = None
    coordinator: int = 0

    @property
    def phase(self) -> tuple[str, dt.date | None]:
        if self.admitted_on is None:
            return "", None
        weeks = ((self.discharged_on or self.ends_on) - self.admitted_on).days // 7
        if weeks < 4:
            return "stabilization", self.admitted_on
        if weeks < 12:
            return "core", self.admitted_on + 28 * DAY
        return "taper", self.admitted_on + 84 * DAY


@dataclass(frozen=True, slots=True)
class Plan:
    programs: tuple[Program, ...]
    staff: tuple[Staff, ...]
    cohorts: tuple[Cohort, ...]
    patients: tuple[Patient, ...]
    episodes: tuple[Episode, ...]


def organization() -> tuple[Program, ...]:
    sites = {name: pk for pk, (name, _) in enumerate(layout.SITES, start=1)}
    programs, track_pk = [], 0
    for pk, spec in enumerate(layout.PROGRAMS, start=1):
        tracks = []
        for track in spec.tracks:
            track_pk += 1
            tracks.append(Track(track_pk, pk, track))
        programs.append(
            Program(pk, sites[spec.site], spec, ZoneInfo(spec.time_zone), tuple(tracks))
        )
    return tuple(programs)


def _draft(rng: random.Random, program: Program, pk: int, today: dt.date, span: int) -> Episode:
    low, mode, high = program.spec.weeks
    admitted = today - rng.randrange(1, span) * DAY
    referred = admitted - rng.randint(2, 21) * DAY
    reason, *_, lost_low, lost_high = rng.choices(DISCHARGES, [d[1] for d in DISCHARGES])[0]
    weeks = rng.triangular(low, high, mode)
    engagement = rng.betavariate(8, 2)
    if reason == "patient_choice":
        weeks, engagement = max(1.0, weeks * rng.uniform(0.2, 0.7)), engagement * 0.8
    shift = {"php": 0.08, "op": -0.1}.get(program.spec.level_of_care, 0.0)
    substance = rng.betavariate(4, 3) if program.spec.is_part2 else rng.betavariate(1.2, 6)
    episode = Episode(
        pk=pk,
        program=program,
        referred_on=referred,
        waitlisted_on=min(admitted, referred + rng.randint(1, 3) * DAY)
        if rng.random() < 0.25
        else None,
        admitted_on=admitted,
        ends_on=admitted + round(weeks * 7) * DAY,
        discharged_on=None,
        state="admitted",
        reason="",
        distress=min(1.0, max(0.05, rng.betavariate(5, 3) + shift)),
        substance=substance,
        change=rng.uniform(lost_low, lost_high),
        engagement=engagement,
        relapse=rng.uniform(0.0, 0.6),
    )
    if rng.random() < NOT_ADMITTED_SHARE:
        closed = referred + rng.randint(7, 30) * DAY
        episode.admitted_on, episode.ends_on = None, closed
        if closed < today:
            episode.state, episode.discharged_on, episode.reason = (
                "discharged",
                closed,
                "not_admitted",
            )
        else:
            episode.state = "waitlisted" if episode.waitlisted_on else "referred"
    elif episode.ends_on < today:
        episode.state, episode.discharged_on, episode.reason = "discharged", episode.ends_on, reason
    return episode


def _start(episode: Episode) -> dt.date:
    return episode.admitted_on or episode.referred_on


def _staff(
    programs: tuple[Program, ...], episodes: list[Episode], span: int
) -> tuple[list[Staff], dict[tuple[int, str], list[int]]]:
    """Staff sized to the load: one primary therapist per CASELOAD concurrent patients, a
    case manager per three therapists, a prescriber per site for every 60 patients."""
    stay = dict.fromkeys((p.pk for p in programs), 0)
    for episode in episodes:
        if episode.admitted_on is not None:
            stay[episode.program.pk] += (episode.ends_on - episode.admitted_on).days
    names = seeded("staff-names")
    staff: list[Staff] = []
    pools: dict[tuple[int, str], list[int]] = {}

    def hire(role: str, credentials: tuple[str, ...], program_pks: tuple[int, ...]) -> int:
        pk = len(staff) + 1
        given, family = names.choice(layout.GIVEN_NAMES), names.choice(layout.FAMILY_NAMES)
        staff.append(Staff(pk, given, family, names.choice(credentials), role, program_pks))
        for program_pk in program_pks:
            pools.setdefault((program_pk, role), []).append(pk)
        return pk

    site_load: dict[int, float] = {}
    for program in programs:
        concurrent = stay[program.pk] / span
        site_load[program.site_pk] = site_load.get(program.site_pk, 0.0) + concurrent
        therapists = max(2, math.ceil(concurrent / CASELOAD))
        for _ in range(therapists):
            hire("therapist", layout.THERAPIST_CREDENTIALS, (program.pk,))
        for _ in range(max(1, therapists // 3)):
            hire("case_manager", ("BSW", "LSW", "CADC"), (program.pk,))
        hire("intake_coordinator", ("",), (program.pk,))
    for site_pk, load in sorted(site_load.items()):
        at_site = tuple(p.pk for p in programs if p.site_pk == site_pk)
        for _ in range(max(1, math.ceil(load / 60))):
            hire("prescriber", layout.PRESCRIBER_CREDENTIALS, at_site)
    return staff, pools


def _patient(rng: random.Random, pk: int, episode: Episode) -> Patient:
    adolescent = episode.program.spec.name.startswith("Adolescent")
    age = rng.randint(13, 17) if adolescent else round(rng.triangular(18, 75, 32))
    born = episode.referred_on - dt.timedelta(days=age * 365 + rng.randrange(365))
    registered = dt.datetime.combine(
        episode.referred_on, dt.time(rng.randint(8, 16), rng.randrange(60)), episode.program.zone
    )
    return Patient(
        pk=pk,
        given=rng.choice(layout.GIVEN_NAMES),
        family=rng.choice(layout.FAMILY_NAMES),
        preferred=rng.choice(layout.GIVEN_NAMES) if rng.random() < 0.08 else "",
        pronouns=rng.choice(PRONOUNS),
        date_of_birth=born,
        language=rng.choices([c for c, _ in LANGUAGES], [w for _, w in LANGUAGES])[0],
        created_at=registered.astimezone(dt.UTC),
    )


def _assign_patients(rng: random.Random, episodes: list[Episode]) -> list[Patient]:
    """New patients, and readmissions of patients whose previous episode has ended."""
    patients: list[Patient] = []
    ended: list[tuple[dt.date, int]] = []  # heap of (free from, patient index)
    free: list[int] = []
    for episode in episodes:
        while ended and ended[0][0] < episode.referred_on:
            free.append(heapq.heappop(ended)[1])
        if free and rng.random() < READMISSION_SHARE:
            at = rng.randrange(len(free))
            free[at], free[-1] = free[-1], free[at]
            index = free.pop()
        else:
            index = len(patients)
            patients.append(_patient(rng, index + 1, episode))
        episode.patient, episode.language = index + 1, patients[index].language
        if episode.discharged_on is not None:
            heapq.heappush(ended, (episode.discharged_on, index))
    return patients


def _assign_care(
    rng: random.Random, episodes: list[Episode], pools: dict[tuple[int, str], list[int]]
) -> list[Cohort]:
    """Track, weekly cohort and care team of each episode."""
    cohorts: dict[tuple[int, dt.date], Cohort] = {}
    for episode in episodes:
        program = episode.program
        episode.coordinator = pools[(program.pk, "intake_coordinator")][0]
        if episode.admitted_on is None:
            continue
        track = rng.choice(program.tracks)
        episode.track_pk = track.pk
        if rng.random() >= NO_COHORT_SHARE:
            monday = episode.admitted_on - episode.admitted_on.weekday() * DAY
            key = (track.pk, monday)
            if key not in cohorts:
                name = f"{program.spec.site.split(' –')[0]} {program.spec.name} {track.spec.name}"
                cohorts[key] = Cohort(len(cohorts) + 1, track.pk, f"{name} {monday}", monday)
            episode.cohort_pk = cohorts[key].pk
        if rng.random() >= NO_THERAPIST_SHARE:
            episode.therapist = rng.choice(pools[(program.pk, "therapist")])
        if rng.random() < 0.7:
            episode.prescriber = rng.choice(pools[(program.pk, "prescriber")])
        if rng.random() < 0.5:
            episode.case_manager = rng.choice(pools[(program.pk, "case_manager")])
    return list(cohorts.values())


def build_plan(seed: int, count: int, today: dt.date, span: int) -> Plan:
    """``count`` episodes admitted over the ``span`` days before ``today``."""
    programs = organization()
    weights = [p.spec.weight for p in programs]
    rng = seeded(seed, "episodes", count)
    drafts = [_draft(rng, rng.choices(programs, weights)[0], 0, today, span) for _ in range(count)]
    drafts.sort(key=_start)
    for pk, episode in enumerate(drafts, start=1):
        episode.pk = pk
    staff, pools = _staff(programs, drafts, span)
    patients = _assign_patients(rng, drafts)
    cohorts = _assign_care(rng, drafts, pools)
    return Plan(programs, tuple(staff), tuple(cohorts), tuple(patients), tuple(drafts))
