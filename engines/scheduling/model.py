"""The plain, frozen data of a weekly scheduling problem and of its solution.

The JSON format these classes read and write is documented in docs/scheduling-format.md and
pinned by the JSON Schema files in docs/schemas/. Nothing here reads a clock or a database.

Vocabulary:

- a **slot** is one cell of the week's time grid (one hour in format version 1); every session
  occupies exactly one slot;
- a **track** (morning, afternoon, evening) owns the slots its cohort groups may meet in;
- a **cohort** is a standing group of one track; each patient belongs to exactly one;
- a **meeting** is one cohort meeting in one slot with one facilitator in one room;
- a **session** is an individual, psychiatry or family appointment of one patient with one
  clinician in one slot (held in the clinician's office, so it takes no pooled room).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

INSTANCE_FORMAT = "openiop.schedule.instance"
SOLUTION_FORMAT = "openiop.schedule.solution"
FORMAT_VERSION = 1


class FormatError(ValueError):
    """A file that is not a well-formed instance or solution.

    ``code`` is stable for programs (``not_json``, ``wrong_format``, ``unsupported_version``,
    ``missing_field``, ``wrong_type``, ``invalid_value``, ``duplicate_id``,
    ``unknown_reference``, ``inverted_window``, ``overlapping_window``,
    ``unsupported_duration``, ``nonexistent_local_time``, ``ambiguous_local_time``,
    ``wrong_instance``); ``path`` points at the offending field (``patients[3].track_options``).
    """

    def __init__(self, code: str, message: str, *, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.code = code
        self.message = message
        self.path = path


class Skill(StrEnum):
    """What a clinician is trained and licensed to deliver."""

    GROUP = "group"
    INDIVIDUAL = "individual"
    EMDR = "emdr"
    FAMILY = "family"
    PRESCRIBER = "prescriber"


class SessionKind(StrEnum):
    """The appointments a patient can have outside the group (one slot each in version 1)."""

    INDIVIDUAL = "individual"
    PSYCHIATRY = "psychiatry"
    FAMILY = "family"


SKILL_FOR_KIND: Mapping[SessionKind, Skill] = MappingProxyType(
    {
        SessionKind.INDIVIDUAL: Skill.INDIVIDUAL,
        SessionKind.PSYCHIATRY: Skill.PRESCRIBER,
        SessionKind.FAMILY: Skill.FAMILY,
    }
)


class Weight(StrEnum):
    """The soft objectives and their unit (scheduling.md §3.3). Lower totals are better."""

    HOUR_SHORTFALL = "hour_shortfall"  # per hour below the patient's weekly band
    PSYCHIATRY_MISSING = "psychiatry_missing"  # per patient due and not seen
    FAMILY_MISSING = "family_missing"  # per patient flagged and not seen
    THERAPIST_CHANGE = "therapist_change"  # per patient whose primary therapist changed
    COHORT_CHANGE = "cohort_change"  # per continuing patient in another cohort
    PHASE_MIX = "phase_mix"  # per member not in their cohort's most common phase
    HOUR_EXCESS = "hour_excess"  # per hour above the band
    MEETING = "meeting"  # per group meeting held (staff time)
    PULL_OUT = "pull_out"  # per session held while the patient's cohort meets
    NOT_KEPT = "not_kept"  # per previous meeting or session slot not kept (re-plans)


DEFAULT_WEIGHTS: Mapping[Weight, int] = MappingProxyType(
    {
        Weight.HOUR_SHORTFALL: 10,
        Weight.PSYCHIATRY_MISSING: 30,
        Weight.FAMILY_MISSING: 10,
        Weight.THERAPIST_CHANGE: 15,
        Weight.COHORT_CHANGE: 20,
        Weight.PHASE_MIX: 3,
        Weight.HOUR_EXCESS: 3,
        Weight.MEETING: 1,
        Weight.PULL_OUT: 1,
        Weight.NOT_KEPT: 5,
    }
)


@dataclass(frozen=True, slots=True)
class Slot:
    """One grid cell: ``day`` counts from the week's Monday (0–6), ``start`` is local time."""

    id: str
    day: int
    start: dt.time


@dataclass(frozen=True, slots=True)
class Week:
    """The week being planned: its Monday, the program's IANA zone and the grid."""

    start: dt.date
    time_zone: str
    slot_minutes: int
    slots: tuple[Slot, ...]


@dataclass(frozen=True, slots=True)
class Site:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Room:
    """A group room. Individual, psychiatry and family sessions use the clinician's office."""

    id: str
    site: str
    capacity: int


@dataclass(frozen=True, slots=True)
class Track:
    """A time band of one site (morning, afternoon, evening) and the slots its groups use."""

    id: str
    site: str
    name: str
    slots: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Cohort:
    """A standing group. A closed cohort takes no new members; an open one may be left empty
    (size 0) when the track has too few patients to fill it."""

    id: str
    track: str
    min_size: int
    max_size: int
    closed: bool = False


@dataclass(frozen=True, slots=True)
class Staff:
    """A clinician: skills, the sites they may work at, the slots they are available in, and
    the most patients they may carry as primary therapist."""

    id: str
    name: str
    skills: frozenset[Skill]
    sites: tuple[str, ...]
    available: frozenset[str]
    caseload_cap: int


@dataclass(frozen=True, slots=True)
class Needs:
    """What the patient must or should get this week.

    ``individual`` sessions are required (a hard rule); ``emdr`` restricts the primary
    therapist to EMDR-trained staff; ``psychiatry`` and ``family`` are wanted (soft).
    """

    individual: int = 1
    emdr: bool = False
    psychiatry: bool = False
    family: bool = False


@dataclass(frozen=True, slots=True)
class Patient:
    """A patient's constraints. ``hours_min``/``hours_max`` are the weekly band for the phase
    (1 stabilization, 2 core, 3 taper); ``available`` is every slot they can attend."""

    id: str
    site: str
    track_options: tuple[str, ...]
    available: frozenset[str]
    phase: int
    hours_min: int
    hours_max: int
    needs: Needs


@dataclass(frozen=True, slots=True)
class Meeting:
    cohort: str
    slot: str
    facilitator: str
    room: str


@dataclass(frozen=True, slots=True)
class Session:
    patient: str
    kind: SessionKind
    slot: str
    clinician: str


@dataclass(frozen=True, slots=True)
class Assignment:
    """A patient's cohort and primary therapist for the week."""

    patient: str
    cohort: str
    primary: str


@dataclass(frozen=True, slots=True)
class Solution:
    """A week's plan. ``instance_digest`` ties it to the instance it solves
    (``codec.instance_digest``); ``stats`` is whatever the producer wants to report (solver
    status, times, bound)."""

    instance_id: str
    instance_digest: str
    assignments: tuple[Assignment, ...]
    meetings: tuple[Meeting, ...]
    sessions: tuple[Session, ...]
    stats: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class Instance:
    """Everything the solver needs for one week.

    ``session_minutes`` gives the length of ``group`` meetings and of each SessionKind; format
    version 1 accepts only lengths equal to ``week.slot_minutes`` (60). ``previous`` is last
    week's plan in the same grid (the basis of continuity terms and of minimal-disruption
    re-plans). ``meta`` carries provenance such as the generator's version, size, seed and the
    planted objective; no rule reads it."""

    id: str
    week: Week
    sites: tuple[Site, ...]
    rooms: tuple[Room, ...]
    tracks: tuple[Track, ...]
    cohorts: tuple[Cohort, ...]
    staff: tuple[Staff, ...]
    patients: tuple[Patient, ...]
    weights: Mapping[Weight, int]
    session_minutes: Mapping[str, int]
    previous: Solution | None = None
    meta: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
