"""A re-plan scenario from a solved week (IOPBench §3.4 "re-solve disruption").

Discharges and admissions happen between the solved week and the re-plan; a clinician may be
out. The solved week becomes the scenario's ``previous``, which the continuity and not-kept
terms of the objective measure against.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from types import MappingProxyType

from engines.scheduling.codec import instance_digest
from engines.scheduling.generator.population import admit, discharge, share_count
from engines.scheduling.model import Cohort, Instance, Patient, Solution, Track

MAX_SHARE = 0.5


def perturb(
    instance: Instance,
    solution: Solution,
    *,
    seed: int,
    admit_share: float = 0.05,
    discharge_share: float = 0.05,
    staff_out: tuple[str, ...] = (),
) -> Instance:
    """The instance to re-plan after ``solution`` of ``instance`` was made.

    ⌈discharge_share × n⌉ seeded patients leave, ⌈admit_share × n⌉ new patients (fresh ids,
    no history, drawn like the generator's, at sites weighted by census and on tracks that
    have a cohort) join, and the ``staff_out`` clinicians are removed. Cohorts stay; a
    cohort's minimum falls to the number of patients who may join its track when that is
    lower (otherwise the track could not be planned at all). ``previous`` is ``solution``;
    ``meta`` records what changed. Deterministic for (instance, solution, seed).

    Raises ValueError for a share outside [0, 0.5], an unknown staff id, a solution made for
    another instance, or admissions to an instance with no track that has a cohort.
    """
    _check_share("admit_share", admit_share)
    _check_share("discharge_share", discharge_share)
    _check_staff(instance, staff_out)
    _check_solution(instance, solution)
    rng = random.Random(f"perturb:{instance.id}:{seed}")  # noqa: S311 -- seeded, not a secret
    total = len(instance.patients)
    staying = discharge(rng, instance.patients, share_count(discharge_share, total))
    admitted = admit(
        rng,
        share_count(admit_share, total),
        _tracks_by_site(instance),
        Counter(p.site for p in instance.patients),
        {slot.id: slot.day for slot in instance.week.slots},
        _named_patients(instance, solution),
    )
    patients = tuple(staying + admitted)
    out = set(staff_out)
    return replace(
        instance,
        id=f"{instance.id}-replan-{seed}",
        cohorts=_lower_minimums(instance, patients),
        staff=tuple(s for s in instance.staff if s.id not in out),
        patients=patients,
        previous=solution,
        meta=MappingProxyType(_meta(instance, seed, staying, admitted, staff_out)),
    )


def _check_share(name: str, share: float) -> None:
    if isinstance(share, bool) or not isinstance(share, int | float):
        raise ValueError(f"{name} must be a number, not {share!r}")
    if not 0 <= share <= MAX_SHARE:  # also refuses NaN
        raise ValueError(f"{name} must be between 0 and {MAX_SHARE}, not {share}")


def _check_staff(instance: Instance, staff_out: tuple[str, ...]) -> None:
    unknown = sorted(set(staff_out) - {s.id for s in instance.staff})
    if unknown:
        raise ValueError(f"staff_out names unknown staff: {', '.join(unknown)}")


def _check_solution(instance: Instance, solution: Solution) -> None:
    if solution.instance_id != instance.id or solution.instance_digest != instance_digest(instance):
        raise ValueError(
            f"the solution is for instance '{solution.instance_id}'"
            f" ({solution.instance_digest or 'no digest'}), not for '{instance.id}'"
        )


def _tracks_by_site(instance: Instance) -> dict[str, list[Track]]:
    with_cohort = {c.track for c in instance.cohorts}
    tracks: dict[str, list[Track]] = {}
    for track in instance.tracks:
        if track.id in with_cohort:
            tracks.setdefault(track.site, []).append(track)
    return tracks


def _named_patients(instance: Instance, solution: Solution) -> set[str]:
    """Every patient id still named anywhere, so no newcomer inherits someone's history."""
    named = {p.id for p in instance.patients}
    for plan in (solution, instance.previous):
        if plan is not None:
            named |= {a.patient for a in plan.assignments} | {s.patient for s in plan.sessions}
    return named


def _lower_minimums(instance: Instance, patients: tuple[Patient, ...]) -> tuple[Cohort, ...]:
    census = Counter(option for p in patients for option in p.track_options)
    return tuple(
        replace(c, min_size=max(1, min(c.min_size, census[c.track]))) for c in instance.cohorts
    )


def _meta(
    instance: Instance,
    seed: int,
    staying: list[Patient],
    admitted: list[Patient],
    staff_out: tuple[str, ...],
) -> dict[str, object]:
    kept = {p.id for p in staying}
    meta = {key: value for key, value in instance.meta.items() if key != "planted_objective"}
    meta["replan"] = {
        "of": instance.id,
        "seed": seed,
        "discharged": sorted(p.id for p in instance.patients if p.id not in kept),
        "admitted": [p.id for p in admitted],
        "staff_out": list(staff_out),
    }
    return meta
