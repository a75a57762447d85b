"""Drawing patients (§3.1 of the IOPBench design) and moving a population on by one week.

Shared by the generator and by ``perturb`` so that admitted patients look like generated ones.
Every draw comes from the caller's ``random.Random``, over sorted sequences only, so a seed
gives the same people on every run.
"""

from __future__ import annotations

import math
import random
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import replace

from engines.scheduling.model import Needs, Patient, Track

# §3.1: evening patients are the ones who work or study in the day.
TRACK_WEIGHTS: Mapping[str, int] = {"morning": 45, "afternoon": 35, "evening": 20}
OTHER_TRACK_WEIGHT = 30
PHASE_WEIGHTS = (40, 35, 25)
PHASE_DAYS = {1: 5, 2: 4, 3: 3}
# Weekly hour bands by phase (stabilisation, core, taper), inside the 9–19 h IOP band.
PHASE_HOURS = {1: (12, 15), 2: (10, 12), 3: (9, 9)}
EXTRA_DAY_SHARE = 0.10  # availability slack: some patients can come one day more
TWO_INDIVIDUAL_SHARE = 0.20  # of phase 1
EMDR_SHARE = 0.15
PSYCHIATRY_SHARE = 0.40
FAMILY_SHARE = 0.25
# Week-to-week rotation that keeps the shares stationary: 40 % due, half of them seen and no
# longer due next week, and a third of the others becoming due (0.4 * 0.5 == 0.6 / 3).
PSYCHIATRY_STAYS, PSYCHIATRY_STARTS = 0.5, 1 / 3
FAMILY_STAYS, FAMILY_STARTS = 0.6, 0.1 / 0.75
TURNOVER_SHARE = 0.05


def draw_patient(
    rng: random.Random, patient_id: str, site_tracks: Sequence[Track], slot_days: Mapping[str, int]
) -> Patient:
    """One patient of the site whose tracks are ``site_tracks`` (each with at least one slot).

    Available = the chosen track's slots on the attendance days (5/4/3 by phase, plus one day
    for ~10 %). Raises ValueError when the site has no track with slots.
    """
    usable = [track for track in site_tracks if track.slots]
    if not usable:
        raise ValueError(f"patient {patient_id}: the site has no track with slots")
    weights = [TRACK_WEIGHTS.get(track.name.lower(), OTHER_TRACK_WEIGHT) for track in usable]
    track = rng.choices(usable, weights)[0]
    phase = rng.choices((1, 2, 3), PHASE_WEIGHTS)[0]
    days = _attendance_days(rng, track, phase, slot_days)
    hours_min, hours_max = PHASE_HOURS[phase]
    return Patient(
        id=patient_id,
        site=track.site,
        track_options=(track.id,),
        available=frozenset(slot for slot in track.slots if slot_days[slot] in days),
        phase=phase,
        hours_min=hours_min,
        hours_max=hours_max,
        needs=_needs(rng, phase),
    )


def _attendance_days(
    rng: random.Random, track: Track, phase: int, slot_days: Mapping[str, int]
) -> set[int]:
    track_days = sorted({slot_days[slot] for slot in track.slots})
    count = min(PHASE_DAYS[phase], len(track_days))
    days = set(rng.sample(track_days, count))
    spare = [day for day in track_days if day not in days]
    if rng.random() < EXTRA_DAY_SHARE and spare:
        days.add(rng.choice(spare))
    return days


def _needs(rng: random.Random, phase: int) -> Needs:
    twice = phase == 1 and rng.random() < TWO_INDIVIDUAL_SHARE
    return Needs(
        individual=2 if twice else 1,
        emdr=rng.random() < EMDR_SHARE,
        psychiatry=rng.random() < PSYCHIATRY_SHARE,
        family=rng.random() < FAMILY_SHARE,
    )


def fresh_ids(taken: Collection[str], prefix: str = "p") -> Iterator[str]:
    """``p0001``, ``p0002``… skipping every id in ``taken`` (which should include ids still
    named by a previous week, so a newcomer never inherits a discharged patient's history)."""
    number = 0
    while True:
        number += 1
        candidate = f"{prefix}{number:04d}"
        if candidate not in taken:
            yield candidate


def share_count(share: float, total: int) -> int:
    """⌈share × total⌉, without float noise turning 0.05 × 60 into 4."""
    return math.ceil(round(share * total, 9))


def admit(
    rng: random.Random,
    count: int,
    tracks_by_site: Mapping[str, Sequence[Track]],
    site_weights: Mapping[str, int],
    slot_days: Mapping[str, int],
    taken: Collection[str],
) -> list[Patient]:
    """``count`` new patients; each site is drawn with its weight (its current census).

    Raises ValueError when patients are to be admitted but no weighted site has a track.
    """
    sites = sorted(site for site, weight in site_weights.items() if weight > 0)
    sites = [site for site in sites if tracks_by_site.get(site)]
    if count and not sites:
        raise ValueError("no site with a track to admit patients to")
    ids = fresh_ids(taken)
    patients: list[Patient] = []
    for _ in range(count):
        site = rng.choices(sites, [site_weights[site] for site in sites])[0]
        patients.append(draw_patient(rng, next(ids), tracks_by_site[site], slot_days))
    return patients


def discharge(rng: random.Random, patients: Sequence[Patient], count: int) -> list[Patient]:
    """The patients who stay after ``count`` seeded discharges, in their original order."""
    leaving = set(rng.sample(sorted(p.id for p in patients), count))
    return [p for p in patients if p.id not in leaving]


def rotate_flags(rng: random.Random, patient: Patient) -> Patient:
    """Next week's psychiatry-due and family flags: visits come round, so some flags clear and
    others are raised, keeping the population shares steady."""
    needs = patient.needs
    psychiatry = rng.random() < (PSYCHIATRY_STAYS if needs.psychiatry else PSYCHIATRY_STARTS)
    family = rng.random() < (FAMILY_STAYS if needs.family else FAMILY_STARTS)
    return replace(patient, needs=replace(needs, psychiatry=psychiatry, family=family))
