"""Can every patient get a primary therapist within the caseload caps (H5 + H6)?

A bipartite b-matching (patients to eligible therapists, each therapist up to their cap)
found by augmenting paths. When some patient stays unmatched, the patients and therapists
reachable from them by alternating paths form a Hall violator: more patients than the caps of
all the therapists they may have. That set is what the explanation names.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from engines.scheduling.solver.facts import Facts


def caseload_shortage(facts: Facts) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """None when a b-matching covers every patient, else (patients, therapists) of a Hall
    violator. Patients without any candidate are left to the ``no_eligible_therapist``
    check."""
    options = {
        p.id: tuple(m.id for m in facts.primary_candidates(p)) for p in facts.instance.patients
    }
    caps = {m.id: m.caseload_cap for m in facts.instance.staff}
    _, short = match(options, caps)
    return short


def match(
    options: Mapping[str, tuple[str, ...]], caps: Mapping[str, int]
) -> tuple[dict[str, str], tuple[tuple[str, ...], tuple[str, ...]] | None]:
    """A b-matching of patients to therapists within ``caps``, each patient's options tried
    in the order given (so earlier options are preferred), and the Hall violator of the
    first patient left over (None when everyone with an option is matched)."""
    matched: dict[str, str] = {}
    holders: dict[str, list[str]] = {m: [] for m in caps}
    for patient_id, candidates in options.items():
        if candidates and not _augment(patient_id, options, matched, holders, caps):
            return matched, _violator(patient_id, options, holders)
    return matched, None


def _augment(
    start: str,
    options: Mapping[str, tuple[str, ...]],
    matched: dict[str, str],
    holders: dict[str, list[str]],
    caps: Mapping[str, int],
) -> bool:
    """Breadth-first search for an alternating path from ``start`` to a therapist with a free
    place; applies it and returns True when found."""
    came_from: dict[str, tuple[str, str | None]] = {}  # therapist -> (patient, previous therapist)
    queue: deque[tuple[str, str | None]] = deque([(start, None)])
    seen_patients = {start}
    while queue:
        patient, via = queue.popleft()
        for therapist in options[patient]:
            if therapist in came_from:
                continue
            came_from[therapist] = (patient, via)
            if len(holders[therapist]) < caps[therapist]:
                _apply(therapist, came_from, matched, holders)
                return True
            for holder in holders[therapist]:
                if holder not in seen_patients:
                    seen_patients.add(holder)
                    queue.append((holder, therapist))
    return False


def _apply(
    therapist: str | None,
    came_from: dict[str, tuple[str, str | None]],
    matched: dict[str, str],
    holders: dict[str, list[str]],
) -> None:
    while therapist is not None:
        patient, previous = came_from[therapist]
        if previous is not None:
            holders[previous].remove(patient)
        holders[therapist].append(patient)
        matched[patient] = therapist
        therapist = previous


def _violator(
    start: str, options: Mapping[str, tuple[str, ...]], holders: dict[str, list[str]]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    patients, therapists = {start}, set()
    queue = deque([start])
    while queue:
        for therapist in options[queue.popleft()]:
            if therapist in therapists:
                continue
            therapists.add(therapist)
            for holder in holders[therapist]:
                if holder not in patients:
                    patients.add(holder)
                    queue.append(holder)
    return tuple(sorted(patients)), tuple(sorted(therapists))
