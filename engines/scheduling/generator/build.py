"""``generate``: a seeded IOPBench instance whose previous week is a solved week, and the
planted week that proves it feasible."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType

from engines.scheduling.codec import instance_digest
from engines.scheduling.generator.cohorts import assign_members, build_cohorts
from engines.scheduling.generator.grid import (
    SIZE_SPECS,
    SizeSpec,
    build_rooms,
    build_sites,
    build_tracks,
    build_week,
)
from engines.scheduling.generator.planting import WeekPlan, plant_week
from engines.scheduling.generator.population import (
    TURNOVER_SHARE,
    admit,
    discharge,
    draw_patient,
    fresh_ids,
    rotate_flags,
    share_count,
)
from engines.scheduling.generator.staffing import CASELOAD_CAP, Clinician, draw_staff
from engines.scheduling.model import (
    DEFAULT_WEIGHTS,
    Cohort,
    Instance,
    Patient,
    Room,
    Site,
    Solution,
    Staff,
    Track,
    Week,
)
from engines.scheduling.validator import validate

GENERATOR_VERSION = 2
SIZES = ("small", "medium", "large")
SESSION_MINUTES = MappingProxyType({"group": 60, "individual": 60, "psychiatry": 60, "family": 60})
SITE_SPREAD = 0.2  # large: 200 patients per site ± 20 %
CAP_HEADROOM = 1.1


@dataclass(frozen=True, slots=True)
class Generated:
    """A generated instance and its planted (hard-feasible) solution."""

    instance: Instance
    planted: Solution


@dataclass(frozen=True, slots=True)
class _Frame:
    """What both weeks share: the grid, places and people who work there."""

    week: Week
    sites: tuple[Site, ...]
    tracks: tuple[Track, ...]
    rooms: tuple[Room, ...]

    @property
    def slot_days(self) -> dict[str, int]:
        return {slot.id: slot.day for slot in self.week.slots}

    def site_tracks(self, site: str) -> list[Track]:
        return [track for track in self.tracks if track.site == site]


def generate(size: str, seed: int) -> Generated:
    """Generate the ``size`` instance for ``seed`` (IOPBench §3.1, planted, generator v2).

    Deterministic for (GENERATOR_VERSION, size, seed): two calls return equal objects.
    The instance's ``previous`` is a planted week 0; ``planted`` is a hard-feasible week 1
    and ``instance.meta["planted_objective"]`` its validated objective.
    Raises ValueError for a size not in SIZES.
    """
    if size not in SIZE_SPECS:
        raise ValueError(f"unknown size '{size}': expected one of {', '.join(SIZES)}")
    spec = SIZE_SPECS[size]
    rng = random.Random(f"{size}:{seed}")  # noqa: S311 -- seeded synthetic data, not secrets
    sites = build_sites(spec.sites)
    frame = _Frame(
        build_week(), sites, build_tracks(sites), build_rooms(rng, sites, spec.rooms_per_site)
    )
    instance, planted = _two_weeks(rng, frame, spec, f"iopbench-v{GENERATOR_VERSION}-{size}-{seed}")
    meta = {
        "generator": "iopbench",
        "generator_version": GENERATOR_VERSION,
        "size": size,
        "seed": seed,
        "planted_objective": validate(instance, planted).objective,
    }
    return Generated(instance=replace(instance, meta=MappingProxyType(meta)), planted=planted)


def _two_weeks(
    rng: random.Random, frame: _Frame, spec: SizeSpec, instance_id: str
) -> tuple[Instance, Solution]:
    """Plant week 0 for a fresh population, move the population on a week, and plant week 1
    against week 0 (keeping cohorts, primaries and slots where it can)."""
    patients0 = _population(rng, frame, spec.patients)
    clinicians = draw_staff(rng, spec, frame.sites, frame.tracks, patients0)
    cohorts0 = build_cohorts(frame.tracks, patients0)
    plan0 = _plant(rng, frame, cohorts0, patients0, clinicians, previous=None)
    week0 = _instance(frame, f"{instance_id}-week0", cohorts0, clinicians, patients0, plan0, None)
    solution0 = _solution(week0, plan0)
    patients1 = _next_week(rng, frame, patients0)
    cohorts1 = build_cohorts(frame.tracks, patients1, cohorts0)
    plan1 = _plant(rng, frame, cohorts1, patients1, clinicians, previous=solution0)
    instance = _instance(frame, instance_id, cohorts1, clinicians, patients1, plan1, solution0)
    return instance, _solution(instance, plan1)


def _population(rng: random.Random, frame: _Frame, total: int) -> list[Patient]:
    census = _census(rng, total, len(frame.sites))
    ids = fresh_ids(())
    slot_days = frame.slot_days
    return [
        draw_patient(rng, next(ids), frame.site_tracks(site.id), slot_days)
        for site, count in zip(frame.sites, census, strict=True)
        for _ in range(count)
    ]


def _census(rng: random.Random, total: int, sites: int) -> list[int]:
    """Patients per site: the mean ± SITE_SPREAD each, summing to ``total`` exactly."""
    mean = total / sites
    low, high = math.ceil(mean * (1 - SITE_SPREAD)), math.floor(mean * (1 + SITE_SPREAD))
    census = [rng.randint(low, high) for _ in range(sites)]
    while (missing := total - sum(census)) != 0:
        step = 1 if missing > 0 else -1
        movable = [n for n, count in enumerate(census) if low <= count + step <= high]
        census[rng.choice(movable)] += step
    return census


def _next_week(rng: random.Random, frame: _Frame, patients: Sequence[Patient]) -> list[Patient]:
    """Week 1: ~5 % discharged, as many admitted (no history), visit flags rotated."""
    count = share_count(TURNOVER_SHARE, len(patients))
    staying = [rotate_flags(rng, p) for p in discharge(rng, patients, count)]
    census = {site.id: sum(p.site == site.id for p in patients) for site in frame.sites}
    tracks_by_site = {site.id: frame.site_tracks(site.id) for site in frame.sites}
    taken = {p.id for p in patients}
    return staying + admit(rng, count, tracks_by_site, census, frame.slot_days, taken)


def _plant(
    rng: random.Random,
    frame: _Frame,
    cohorts: Sequence[Cohort],
    patients: Sequence[Patient],
    clinicians: Sequence[Clinician],
    previous: Solution | None,
) -> WeekPlan:
    last = {a.patient: a.cohort for a in previous.assignments} if previous else {}
    return plant_week(
        rng,
        tracks=frame.tracks,
        cohorts=cohorts,
        rooms=frame.rooms,
        patients=patients,
        clinicians=clinicians,
        members=assign_members(cohorts, patients, last),
        previous=previous,
    )


def _instance(
    frame: _Frame,
    instance_id: str,
    cohorts: Sequence[Cohort],
    clinicians: Sequence[Clinician],
    patients: Sequence[Patient],
    plan: WeekPlan,
    previous: Solution | None,
) -> Instance:
    """The instance a plan is feasible for: staff availability comes from the (possibly
    extended) patterns, and caps leave headroom over the planted caseloads."""
    loads = plan.caseloads()
    staff: tuple[Staff, ...] = tuple(
        c.to_staff(max(CASELOAD_CAP, math.ceil(CAP_HEADROOM * loads.get(c.id, 0))))
        for c in clinicians
    )
    return Instance(
        id=instance_id,
        week=frame.week,
        sites=frame.sites,
        rooms=frame.rooms,
        tracks=frame.tracks,
        cohorts=tuple(cohorts),
        staff=staff,
        patients=tuple(patients),
        weights=DEFAULT_WEIGHTS,
        session_minutes=SESSION_MINUTES,
        previous=previous,
    )


def _solution(instance: Instance, plan: WeekPlan) -> Solution:
    return Solution(
        instance_id=instance.id,
        instance_digest=instance_digest(instance),
        assignments=plan.assignments,
        meetings=plan.meetings,
        sessions=plan.sessions,
        stats=MappingProxyType({"solver": "planted", "generator_version": GENERATOR_VERSION}),
    )
