"""Cohorts of a generated instance and who is in them.

§3.1/§3.2: ⌈n / 9.5⌉ cohorts per site-track of 6–12 members (the minimum is n when the
track has fewer than 6 patients; a standing cohort of a track left with no patients keeps a
minimum of 1, which it meets by staying empty). A cohort may stay empty when the track has too
few patients to fill all of them. Members are grouped by phase (phase mix is penalised) and
continuing patients keep last week's cohort where the sizes allow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from engines.scheduling.model import Cohort, Patient, Track

MIN_SIZE = 6
MAX_SIZE = 12
# ⌈n / 9.5⌉ == ⌈2n / 19⌉: whole numbers only, so no float rounding at exact multiples.
_TWICE_TARGET = 19


def cohort_count(patients: int) -> int:
    return -(-2 * patients // _TWICE_TARGET)


def build_cohorts(
    tracks: Sequence[Track], patients: Sequence[Patient], previous: Sequence[Cohort] = ()
) -> tuple[Cohort, ...]:
    """⌈n / 9.5⌉ open cohorts for each track, n being the patients whose first option it is.

    Cohorts are standing groups, so a track keeps as many as it had in ``previous`` (last
    week's cohorts) even when its census falls: dropping one would force its members to move.
    """
    cohorts: list[Cohort] = []
    for track in tracks:
        n = sum(p.track_options[0] == track.id for p in patients)
        standing = sum(c.track == track.id for c in previous)
        cohorts.extend(
            Cohort(
                id=f"{track.id}-g{k}",
                track=track.id,
                min_size=min(MIN_SIZE, n) or 1,
                max_size=MAX_SIZE,
            )
            for k in range(1, max(cohort_count(n), standing) + 1)
        )
    return tuple(cohorts)


def assign_members(
    cohorts: Sequence[Cohort], patients: Sequence[Patient], previous: Mapping[str, str]
) -> dict[str, str]:
    """Patient id → cohort id with every cohort empty or within its bounds.

    ``previous`` maps continuing patients to last week's cohort; they stay there unless the
    cohort is gone or the sizes force a move, and newcomers are the first to be moved.
    Raises RuntimeError if the sizes cannot be met (a generator bug, never input-driven).
    """
    members: dict[str, str] = {}
    for track in sorted({c.track for c in cohorts}):
        own = [c for c in cohorts if c.track == track]
        joining = [p for p in patients if p.track_options[0] == track]
        groups = _initial_groups(own, joining, previous)
        _balance(groups, own, {p.id: p.phase for p in joining}, previous)
        for cohort_id, ids in groups.items():
            members.update(dict.fromkeys(ids, cohort_id))
    return members


def _initial_groups(
    cohorts: Sequence[Cohort], patients: Sequence[Patient], previous: Mapping[str, str]
) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {c.id: [] for c in cohorts}
    newcomers = sorted(
        (p for p in patients if previous.get(p.id) not in groups), key=lambda p: (p.phase, p.id)
    )
    for p in patients:
        if previous.get(p.id) in groups:
            groups[previous[p.id]].append(p.id)
    if not any(groups.values()):
        # A fresh track: split the phase-sorted patients into the fewest equal chunks that
        # fit the size bounds, so each cohort is as phase-pure as the counts allow.
        used = max(1, min(len(cohorts), len(patients) // max(1, cohorts[0].min_size)))
        for n, p in enumerate(newcomers):
            groups[cohorts[n * used // len(newcomers)].id].append(p.id)
        return groups
    phases = {p.id: p.phase for p in patients}
    for p in newcomers:
        target = min(
            (c.id for c in cohorts if groups[c.id] and len(groups[c.id]) < c.max_size),
            key=lambda c: (_dominant(groups[c], phases) != p.phase, len(groups[c]), c),
            default=None,
        )
        groups[target or _first_empty(groups)].append(p.id)
    return groups


def _dominant(ids: Sequence[str], phases: Mapping[str, int]) -> int:
    counts = [sum(phases[i] == phase for i in ids) for phase in (1, 2, 3)]
    return counts.index(max(counts)) + 1


def _first_empty(groups: Mapping[str, list[str]]) -> str:
    return next(c for c, ids in groups.items() if not ids)


def _balance(
    groups: dict[str, list[str]],
    cohorts: Sequence[Cohort],
    phases: Mapping[str, int],
    previous: Mapping[str, str],
) -> None:
    bounds = {c.id: (c.min_size, c.max_size) for c in cohorts}
    for _ in range(10 * (len(phases) + 1)):
        over = [c for c, ids in groups.items() if len(ids) > bounds[c][1]]
        under = [c for c, ids in groups.items() if 0 < len(ids) < bounds[c][0]]
        if over:
            target = _roomiest(groups, bounds, exclude=over[0])
            _move(groups, over[0], target or _first_empty(groups), phases, previous)
        elif under:
            _fill_or_dissolve(groups, bounds, under[0], phases, previous)
        else:
            return
    raise RuntimeError(f"cannot size the cohorts {sorted(groups)} within their bounds")


def _fill_or_dissolve(
    groups: dict[str, list[str]],
    bounds: Mapping[str, tuple[int, int]],
    cohort: str,
    phases: Mapping[str, int],
    previous: Mapping[str, str],
) -> None:
    """Take one member from the largest cohort that can spare one; when none can, spread
    the undersized cohort's members over the others."""
    donors = [c for c, ids in groups.items() if c != cohort and len(ids) > bounds[c][0]]
    if donors:
        donor = max(donors, key=lambda c: (len(groups[c]), c))
        _move(groups, donor, cohort, phases, previous)
        return
    for _member in list(groups[cohort]):
        target = _roomiest(groups, bounds, exclude=cohort)
        if target is None:
            return
        _move(groups, cohort, target, phases, previous)


def _roomiest(
    groups: Mapping[str, list[str]], bounds: Mapping[str, tuple[int, int]], exclude: str
) -> str | None:
    open_ = [c for c, ids in groups.items() if c != exclude and 0 < len(ids) < bounds[c][1]]
    return min(open_, key=lambda c: (len(groups[c]), c), default=None)


def _move(
    groups: dict[str, list[str]],
    source: str,
    target: str,
    phases: Mapping[str, int],
    previous: Mapping[str, str],
) -> None:
    """Move the member whose move costs least: a newcomer before a continuing patient, and
    one of the target's dominant phase before others."""
    wanted = _dominant(groups[target], phases) if groups[target] else None
    member = min(
        groups[source],
        key=lambda i: (previous.get(i) == source, phases[i] != wanted, i),
    )
    groups[source].remove(member)
    groups[target].append(member)
