"""Clinicians of a generated instance: roles, skills, sites and calibrated working patterns.

A pattern says, for each working day, the one site the clinician is at and the tracks they
work there; availability is derived from it, and the planted week only uses present slots, so
"one site per day" holds by construction. Calibration (§3.1): each therapist's two tracks go
where demand per covering therapist is highest, and prescribers work enough days for the
psychiatry-due patients (within 3–5 days).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from engines.scheduling.generator.cohorts import cohort_count
from engines.scheduling.generator.grid import DAY_NAMES, TRACK_HOURS, TRACK_NAMES, SizeSpec, slot_id
from engines.scheduling.model import Patient, Site, Skill, Staff, Track

CASELOAD_CAP = 14  # §3.1; raised only where the site's census needs more (large instances)
SKILL_SHARES = ((Skill.GROUP, 0.85), (Skill.EMDR, 0.30), (Skill.FAMILY, 0.40))
# EMDR patients per EMDR-trained therapist that the staffing guarantees at least.
EMDR_CASELOAD = 10
TRACKS_PER_THERAPIST = 2
PRESCRIBER_DAYS = (3, 5)
PSYCHIATRY_HEADROOM = 1.15
SLOTS_PER_TRACK_DAY = 3


@dataclass(slots=True)
class Clinician:
    """A clinician while the week is being planted; ``days`` maps a working day to the site
    and the names of the tracks worked there, and may grow when a patient needs it."""

    id: str
    name: str
    skills: frozenset[Skill]
    sites: list[str]
    days: dict[int, tuple[str, set[str]]] = field(default_factory=dict)

    def present(self, site: str, day: int, track_name: str) -> bool:
        entry = self.days.get(day)
        return entry is not None and entry[0] == site and track_name in entry[1]

    def extend(self, site: str, day: int, track_name: str) -> bool:
        """Add a track on a day; False when that day is spent at another site."""
        entry = self.days.get(day)
        if entry is None:
            self.days[day] = (site, {track_name})
            return True
        if entry[0] != site:
            return False
        entry[1].add(track_name)
        return True

    def available(self) -> frozenset[str]:
        hours = dict(TRACK_HOURS)
        return frozenset(
            slot_id(day, hour)
            for day, (_, names) in self.days.items()
            for name in names
            for hour in hours[name]
        )

    def to_staff(self, caseload_cap: int) -> Staff:
        return Staff(
            id=self.id,
            name=self.name,
            skills=self.skills,
            sites=tuple(self.sites),
            available=self.available(),
            caseload_cap=caseload_cap,
        )


def apportion(total: int, weights: Sequence[int], minimum: int = 1) -> list[int]:
    """Split ``total`` by ``weights`` (largest remainder), at least ``minimum`` each."""
    counts = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError(f"cannot give {minimum} each of {total} to {len(weights)} parts")
    whole = sum(weights) or 1
    shares = [rest * weight // whole for weight in weights]
    remainders = sorted(range(len(weights)), key=lambda n: (-(rest * weights[n] % whole), n))
    for n in remainders[: rest - sum(shares)]:
        shares[n] += 1
    return [count + share for count, share in zip(counts, shares, strict=True)]


def draw_staff(
    rng: random.Random,
    spec: SizeSpec,
    sites: Sequence[Site],
    tracks: Sequence[Track],
    patients: Sequence[Patient],
) -> list[Clinician]:
    """The clinicians of an instance, with patterns calibrated to ``patients`` (week 0)."""
    census = [sum(p.site == site.id for p in patients) for site in sites]
    homes = [
        site.id
        for count in (spec.prescribers, spec.therapists)
        for site, n in zip(sites, apportion(count, census), strict=True)
        for _ in range(n)
    ]
    everyone: list[Clinician] = []
    for n, home in enumerate(homes, start=1):
        prescriber = n <= spec.prescribers
        everyone.append(
            Clinician(
                id=f"s{n:03d}",
                name=f"{'Prescriber' if prescriber else 'Therapist'} {n:03d}",
                skills=frozenset({Skill.PRESCRIBER}) if prescriber else _therapist_skills(rng),
                sites=[home],
            )
        )
    prescribers, therapists = everyone[: spec.prescribers], everyone[spec.prescribers :]
    _guarantee_skills(rng, therapists, sites, patients)
    _spread_sites(rng, everyone, sites, spec.multi_site_share)
    track_name = {track.id: track.name for track in tracks}
    _prescriber_days(rng, prescribers, patients, track_name)
    _therapist_days(rng, therapists, patients, track_name, spec.rooms_per_site)
    return everyone


def _therapist_skills(rng: random.Random) -> frozenset[Skill]:
    skills = {Skill.INDIVIDUAL}
    for skill, share in SKILL_SHARES:
        if rng.random() < share:
            skills.add(skill)
    return frozenset(skills)


def _guarantee_skills(
    rng: random.Random,
    therapists: Sequence[Clinician],
    sites: Sequence[Site],
    patients: Sequence[Patient],
) -> None:
    """At least one therapist of each skill per site, and enough EMDR-trained ones to be
    primary for the site's EMDR patients (the only hard skill requirement of a primary)."""
    for site in sites:
        local = [c for c in therapists if c.sites[0] == site.id]
        emdr = sum(p.site == site.id and p.needs.emdr for p in patients)
        for skill, _ in SKILL_SHARES:
            wanted = max(1, math.ceil(emdr / EMDR_CASELOAD)) if skill is Skill.EMDR else 1
            untrained = [c for c in local if skill not in c.skills]
            missing = wanted - (len(local) - len(untrained))
            for chosen in rng.sample(untrained, max(0, min(missing, len(untrained)))):
                chosen.skills = chosen.skills | {skill}


def _spread_sites(
    rng: random.Random, clinicians: Sequence[Clinician], sites: Sequence[Site], share: float
) -> None:
    """~``share`` of clinicians also cover one or two other sites (§3.1, large)."""
    count = round(share * len(clinicians)) if len(sites) > 1 else 0
    for clinician in rng.sample(list(clinicians), count):
        others = [site.id for site in sites if site.id != clinician.sites[0]]
        clinician.sites += rng.sample(others, min(len(others), rng.choice((1, 2))))


def _work_days(rng: random.Random, clinician: Clinician, count: int, names: set[str]) -> None:
    days = sorted(rng.sample(range(len(DAY_NAMES)), count))
    for n, day in enumerate(days):
        clinician.days[day] = (clinician.sites[n % len(clinician.sites)], set(names))


def _prescriber_days(
    rng: random.Random,
    prescribers: Sequence[Clinician],
    patients: Sequence[Patient],
    track_name: Mapping[str, str],
) -> None:
    due: dict[tuple[str, str], int] = {}
    for p in patients:
        if p.needs.psychiatry:
            key = (p.site, track_name[p.track_options[0]])
            due[key] = due.get(key, 0) + 1
    for clinician in prescribers:
        home = clinician.sites[0]
        colleagues = sum(c.sites[0] == home for c in prescribers)
        busiest = max((due.get((home, name), 0) for name in TRACK_NAMES), default=0)
        wanted = math.ceil(PSYCHIATRY_HEADROOM * busiest / (SLOTS_PER_TRACK_DAY * colleagues))
        low, high = PRESCRIBER_DAYS
        _work_days(rng, clinician, min(high, max(low, wanted)), set(TRACK_NAMES))


def _therapist_days(
    rng: random.Random,
    therapists: Sequence[Clinician],
    patients: Sequence[Patient],
    track_name: Mapping[str, str],
    rooms_per_site: int,
) -> None:
    demand = _therapist_demand(patients, track_name, rooms_per_site)
    cover: dict[tuple[str, str], int] = {}
    for clinician in therapists:
        home = clinician.sites[0]
        ranked = sorted(
            TRACK_NAMES,
            key=lambda name: -demand.get((home, name), 0) / (cover.get((home, name), 0) + 1),
        )
        chosen = set(ranked[:TRACKS_PER_THERAPIST])
        _work_days(rng, clinician, rng.choice((4, 5)), chosen)
        for site, names in clinician.days.values():
            for name in names:
                cover[(site, name)] = cover.get((site, name), 0) + SLOTS_PER_TRACK_DAY


def _therapist_demand(
    patients: Sequence[Patient], track_name: Mapping[str, str], rooms_per_site: int
) -> dict[tuple[str, str], int]:
    """Therapist slots a site-track wants: its meetings (as many cohorts as rooms allow, every
    slot) plus its patients' individual and family sessions."""
    census: dict[tuple[str, str], int] = {}
    sessions: dict[tuple[str, str], int] = {}
    for p in patients:
        key = (p.site, track_name[p.track_options[0]])
        census[key] = census.get(key, 0) + 1
        sessions[key] = sessions.get(key, 0) + p.needs.individual + int(p.needs.family)
    slots_per_track = len(DAY_NAMES) * SLOTS_PER_TRACK_DAY
    return {
        key: min(cohort_count(n), rooms_per_site) * slots_per_track + sessions[key]
        for key, n in census.items()
    }
