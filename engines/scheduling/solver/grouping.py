"""A quick first split of a site's patients into cohorts, used as the hint of stage 1.

Patients already placed (continuing patients in a re-plan) stay; the others are sorted by
phase and cut into runs of about the track's average cohort size, so cohorts start out
phase-homogeneous and evenly filled, as a program would fill its groups by hand. Returns
None when the sizes cannot be met this simply; CP-SAT then searches without a hint.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from engines.scheduling.model import Cohort, Patient
from engines.scheduling.solver.facts import Facts


def initial_groups(
    facts: Facts, patients: Sequence[Patient], fixed: Mapping[str, str]
) -> dict[str, str] | None:
    placed = dict(fixed)
    by_track = _free_by_track(facts, [p for p in patients if p.id not in placed])
    for track_id, free in sorted(by_track.items()):
        cohorts = [c for c in facts.cohorts_of_track.get(track_id, ()) if not c.closed]
        if not _fill_track(facts, track_id, cohorts, free, placed):
            return None
    return placed if _sizes_ok(facts, placed) else None


def _free_by_track(facts: Facts, free: Sequence[Patient]) -> dict[str, list[Patient]]:
    """Each free patient on one of their tracks: the one with the fewest patients so far."""
    load: dict[str, float] = defaultdict(float)
    by_track: dict[str, list[Patient]] = defaultdict(list)
    for patient in sorted(free, key=lambda p: (len(_tracks(facts, p)), p.id)):
        tracks = _tracks(facts, patient)
        if not tracks:
            continue
        track = min(
            tracks, key=lambda t: (load[t] / max(len(facts.cohorts_of_track.get(t, ())), 1), t)
        )
        load[track] += 1
        by_track[track].append(patient)
    return by_track


def _tracks(facts: Facts, patient: Patient) -> list[str]:
    return sorted(
        {
            facts.cohorts[c].track
            for c in facts.cohort_options(patient)
            if not facts.cohorts[c].closed
        }
    )


def _fill_track(
    facts: Facts, track_id: str, cohorts: list[Cohort], free: list[Patient], placed: dict[str, str]
) -> bool:
    members: dict[str, list[str]] = {
        c.id: [p for p, k in placed.items() if k == c.id] for c in cohorts
    }
    total = len(free) + sum(len(m) for m in members.values())
    target = max(1, round(total / max(len(cohorts), 1)))
    queue = sorted(free, key=lambda p: (p.phase, p.id))
    started = [c for c in cohorts if members[c.id]]
    for cohort in started:  # top up started cohorts with patients of their main phase
        phase = _main_phase(facts, members[cohort.id])
        while len(members[cohort.id]) < min(target, cohort.max_size):
            pick = next((p for p in queue if p.phase == phase), None) or (
                queue[0] if queue else None
            )
            if pick is None:
                break
            queue.remove(pick)
            members[cohort.id].append(pick.id)
    empty = [c for c in cohorts if not members[c.id]]
    _open_new(queue, empty, target, members)
    _spill(queue, cohorts, members)
    for cohort_id, ids in members.items():
        placed.update(dict.fromkeys(ids, cohort_id))
    return not queue


def _main_phase(facts: Facts, patient_ids: list[str]) -> int:
    phases = [facts.patients[p].phase for p in patient_ids]
    return max(sorted(set(phases)), key=phases.count)


def _open_new(
    queue: list[Patient], empty: list[Cohort], target: int, members: dict[str, list[str]]
) -> None:
    """Cut the queue into consecutive runs (so runs share a phase) for empty cohorts."""
    if not queue or not empty:
        return
    low, high = empty[0].min_size, empty[0].max_size
    count = min(len(empty), max(1, round(len(queue) / target)))
    while count > 1 and len(queue) // count < low:
        count -= 1
    if len(queue) < low:
        return
    count = max(count, min(len(empty), -(-len(queue) // high)))
    sizes = [len(queue) // count + (k < len(queue) % count) for k in range(count)]
    for cohort, size in zip(empty, sizes, strict=False):
        members[cohort.id] = [p.id for p in queue[:size]]
        del queue[:size]


def _spill(queue: list[Patient], cohorts: list[Cohort], members: dict[str, list[str]]) -> None:
    """Leftovers go to the least full started cohort with room."""
    while queue:
        open_ = [c for c in cohorts if members[c.id] and len(members[c.id]) < c.max_size]
        if not open_:
            return
        cohort = min(open_, key=lambda c: (len(members[c.id]), c.id))
        members[cohort.id].append(queue.pop(0).id)


def _sizes_ok(facts: Facts, placed: Mapping[str, str]) -> bool:
    sizes: dict[str, int] = defaultdict(int)
    for cohort_id in placed.values():
        sizes[cohort_id] += 1
    return all(
        facts.cohorts[c].min_size <= n <= facts.cohorts[c].max_size for c, n in sizes.items()
    )
