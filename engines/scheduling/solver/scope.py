"""What one timetable model covers, and which clinician may work where.

Stage 2 is solved part by part: after stage 1 every patient's cohort is known, and the week
falls apart into components of (site, slot) cells linked by a patient's availability or by
their cohort's track. Two components never share a clinician in one slot (different sites are
kept apart by fixing each cross-site clinician's site per day) and never share a room, so
they interact only through caseload caps, which ``quota`` splits between them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from engines.scheduling.model import Patient, Staff
from engines.scheduling.solver.facts import Facts


@dataclass(frozen=True)
class Scope:
    """One timetable model's part of the week.

    ``day_site`` fixes the site of each cross-site clinician per day; ``None`` leaves it to
    the model (the exact, undecomposed fallback adds the one-site-per-day rule H9 itself).
    ``candidates`` restricts each patient's primary therapist; ``quota`` bounds the number of
    primaries per clinician inside this scope."""

    name: str
    slots: frozenset[str]
    patients: tuple[Patient, ...]
    cohorts: tuple[str, ...]
    cohort_of: Mapping[str, str]
    candidates: Mapping[str, tuple[str, ...]]
    quota: Mapping[str, int]
    day_site: Mapping[tuple[str, int], str] | None

    def size(self, cohort_id: str) -> int:
        return sum(1 for p in self.patients if self.cohort_of[p.id] == cohort_id)


def multi_site(member: Staff, active: frozenset[str]) -> bool:
    """Whether H9 can bind this clinician: they may work at two sites that have patients."""
    return len(set(member.sites) & active) > 1


def active_sites(facts: Facts) -> frozenset[str]:
    return frozenset(p.site for p in facts.instance.patients)


def usable(
    facts: Facts,
    member: Staff,
    slot: str,
    site: str,
    day_site: Mapping[tuple[str, int], str] | None,
) -> bool:
    """May ``member`` work at ``site`` in ``slot`` (availability, sites, the fixed day site)."""
    if slot not in member.available or site not in member.sites:
        return False
    if day_site is None:
        return True
    fixed = day_site.get((member.id, facts.slot_day[slot]))
    return fixed is None or fixed == site


def whole_scope(facts: Facts, cohort_of: Mapping[str, str], name: str) -> Scope:
    """The whole week as one scope: every candidate, full caps, cross-site days left to the
    model. This is exact: what it cannot schedule, no week can."""
    return Scope(
        name=name,
        slots=frozenset(facts.slot_day),
        patients=facts.instance.patients,
        cohorts=tuple(sorted(set(cohort_of.values()))),
        cohort_of=cohort_of,
        candidates={
            p.id: tuple(m.id for m in facts.primary_candidates(p)) for p in facts.instance.patients
        },
        quota={m.id: m.caseload_cap for m in facts.instance.staff},
        day_site=None,
    )
