"""Splitting stage 2 into independent parts once every patient's cohort is fixed.

Cells are (site, slot) pairs. A patient links every cell of their site in which they are
available or their cohort may meet; connected cells form a component. In the generated
programs (patients available only in their own track) a component is one site's track.
Components share no room and, with cross-site clinicians held to one site per day, no
clinician in any slot, so only caseload caps couple them (see ``quotas``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engines.scheduling.model import Patient
from engines.scheduling.solver.facts import Facts


@dataclass(frozen=True)
class Component:
    name: str
    site: str
    slots: frozenset[str]
    patients: tuple[Patient, ...]
    cohorts: tuple[str, ...]


class _Cells:
    """Union-find over (site, slot) cells."""

    def __init__(self) -> None:
        self.parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(self, cell: tuple[str, str]) -> tuple[str, str]:
        self.parent.setdefault(cell, cell)
        while self.parent[cell] != cell:
            self.parent[cell] = self.parent[self.parent[cell]]
            cell = self.parent[cell]
        return cell

    def join(self, cells: Sequence[tuple[str, str]]) -> None:
        if not cells:
            return
        root = self.find(cells[0])
        for cell in cells[1:]:
            other = self.find(cell)
            if other != root:
                self.parent[other] = root


def components(facts: Facts, cohort_of: Mapping[str, str]) -> tuple[Component, ...]:
    """The independent parts of stage 2, largest first (ties by name, for determinism)."""
    cells = _Cells()
    for patient in facts.instance.patients:
        slots = facts.available(patient) | set(facts.track_slots(cohort_of[patient.id]))
        cells.join([(patient.site, s) for s in sorted(slots, key=facts.rank)])
    grouped: dict[tuple[str, str], list[Patient]] = defaultdict(list)
    for patient in facts.instance.patients:
        anchor = facts.track_slots(cohort_of[patient.id]) or sorted(
            facts.available(patient), key=facts.rank
        )
        root = cells.find((patient.site, anchor[0])) if anchor else (patient.site, "")
        grouped[root].append(patient)
    slots_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for cell in list(cells.parent):
        slots_of[cells.find(cell)].add(cell[1])
    found = []
    for root, patients in grouped.items():
        cohorts = sorted({cohort_of[p.id] for p in patients})
        site = root[0]
        name = f"{site}:{'+'.join(sorted({facts.cohorts[c].track for c in cohorts}))}"
        found.append(
            Component(
                name, site, frozenset(slots_of.get(root, set())), tuple(patients), tuple(cohorts)
            )
        )
    return tuple(sorted(found, key=lambda c: (-len(c.patients), c.name)))
