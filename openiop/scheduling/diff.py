"""A proposed week against the week it replaces, in words a director can check.

Pure: works on the engine's instance (whose ``previous`` is the current week, see
``previous.py``) and solution, plus a map from engine ids to display names. A meeting is
matched by its cohort and a session by its patient and kind; an item in the same slot with
the same people is *kept*, one of the same cohort or patient elsewhere or with someone else
is *moved*, and the rest are *added* or *removed*.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engines.scheduling.disruption import disruption
from engines.scheduling.model import Instance, Meeting, Session, Solution, Weight
from openiop.scheduling.grid import DAY_NAMES

COMPONENT_LABELS: Mapping[str, str] = {
    Weight.HOUR_SHORTFALL: "Hours below patients' weekly targets",
    Weight.PSYCHIATRY_MISSING: "Psychiatry visits due but not scheduled",
    Weight.FAMILY_MISSING: "Family sessions wanted but not scheduled",
    Weight.THERAPIST_CHANGE: "Patients with a new primary therapist",
    Weight.COHORT_CHANGE: "Continuing patients moved to another cohort",
    Weight.PHASE_MIX: "Group members outside their group's main phase",
    Weight.HOUR_EXCESS: "Hours above patients' weekly targets",
    Weight.MEETING: "Group meetings held",
    Weight.PULL_OUT: "Sessions during the patient's own group",
    Weight.NOT_KEPT: "Meetings and sessions of the current week not kept",
}
_KIND_LABELS = {"group": "Group", "individual": "Individual", "psychiatry": "Psychiatry"}
_REF = re.compile(r"\b(?:patient|staff|cohort|room|track|site)-\d+\b")


@dataclass(frozen=True, slots=True)
class Line:
    """One row of the diff: what it is, and when, with whom and where before and after."""

    what: str
    before: str = ""
    after: str = ""


@dataclass(frozen=True, slots=True)
class Change:
    """A patient's cohort or primary therapist, before and after."""

    patient: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Component:
    label: str
    count: int
    weight: int

    @property
    def cost(self) -> int:
        return self.count * self.weight


@dataclass(frozen=True, slots=True)
class PlanDiff:
    kept: tuple[Line, ...]
    moved: tuple[Line, ...]
    added: tuple[Line, ...]
    removed: tuple[Line, ...]
    cohort_moves: tuple[Change, ...]
    therapist_changes: tuple[Change, ...]
    new_patients: tuple[str, ...]
    components: tuple[Component, ...]
    kept_share: float | None

    @property
    def kept_percent(self) -> int | None:
        return None if self.kept_share is None else round(100 * self.kept_share)


_Item = Meeting | Session


def plan_diff(
    instance: Instance, solution: Solution, components: Mapping[str, int], names: Mapping[str, str]
) -> PlanDiff:
    """The diff of ``solution`` against ``instance.previous`` (everything is *added* when
    there is none). ``components`` are the validator's raw counts by weight name."""
    previous = instance.previous
    before: Sequence[_Item] = [*previous.meetings, *previous.sessions] if previous else []
    after: Sequence[_Item] = [*solution.meetings, *solution.sessions]
    kept, moved, added, removed = _compare(instance, before, after, names)
    moves, changes, new = _assignments(instance, solution, names)
    return PlanDiff(
        kept=tuple(kept),
        moved=tuple(moved),
        added=tuple(added),
        removed=tuple(removed),
        cohort_moves=moves,
        therapist_changes=changes,
        new_patients=new,
        components=tuple(
            Component(COMPONENT_LABELS[w], components.get(w.value, 0), instance.weights[w])
            for w in Weight
        ),
        kept_share=disruption(instance, solution).kept_share if previous else None,
    )


def _key(item: _Item) -> tuple[str, str]:
    if isinstance(item, Meeting):
        return ("group", item.cohort)
    return (item.kind.value, item.patient)


def _compare(
    instance: Instance, before: Sequence[_Item], after: Sequence[_Item], names: Mapping[str, str]
) -> tuple[list[Line], list[Line], list[Line], list[Line]]:
    order = {s.id: n for n, s in enumerate(instance.week.slots)}
    old: dict[tuple[str, str], list[_Item]] = defaultdict(list)
    new: dict[tuple[str, str], list[_Item]] = defaultdict(list)
    for item in sorted(set(before) - set(after), key=lambda i: order.get(i.slot, -1)):
        old[_key(item)].append(item)
    for item in sorted(set(after) - set(before), key=lambda i: order.get(i.slot, -1)):
        new[_key(item)].append(item)
    kept = [
        Line(_what(i, names), _when(i, names), _when(i, names)) for i in after if i in set(before)
    ]
    moved, added, removed = [], [], []
    for key in sorted(set(old) | set(new)):
        pairs = list(zip(old[key], new[key], strict=False))
        moved += [Line(_what(a, names), _when(a, names), _when(b, names)) for a, b in pairs]
        removed += [Line(_what(a, names), before=_when(a, names)) for a in old[key][len(pairs) :]]
        added += [Line(_what(b, names), after=_when(b, names)) for b in new[key][len(pairs) :]]
    return kept, moved, added, removed


def _what(item: _Item, names: Mapping[str, str]) -> str:
    if isinstance(item, Meeting):
        return f"Group · {names.get(item.cohort, item.cohort)}"
    label = _KIND_LABELS.get(item.kind.value, "Family")
    return f"{label} · {names.get(item.patient, item.patient)}"


def slot_label(slot_id: str) -> str:
    """ "mon-0900" → "Mon 09:00"; any other id unchanged."""
    day, _, time = slot_id.partition("-")
    if day not in DAY_NAMES or len(time) != 4:
        return slot_id
    return f"{day.capitalize()} {time[:2]}:{time[2:]}"


def _when(item: _Item, names: Mapping[str, str]) -> str:
    if isinstance(item, Meeting):
        who = names.get(item.facilitator, item.facilitator)
        return f"{slot_label(item.slot)} · {who} · {names.get(item.room, item.room)}"
    return f"{slot_label(item.slot)} · {names.get(item.clinician, item.clinician)}"


def _assignments(
    instance: Instance, solution: Solution, names: Mapping[str, str]
) -> tuple[tuple[Change, ...], tuple[Change, ...], tuple[str, ...]]:
    earlier = {a.patient: a for a in instance.previous.assignments} if instance.previous else {}
    moves, changes, new = [], [], []
    for a in solution.assignments:
        patient = names.get(a.patient, a.patient)
        was = earlier.get(a.patient)
        if was is None:
            new.append(patient)
            continue
        if was.cohort != a.cohort:
            moves.append(
                Change(patient, names.get(was.cohort, was.cohort), names.get(a.cohort, a.cohort))
            )
        if was.primary != a.primary:
            changes.append(
                Change(
                    patient, names.get(was.primary, was.primary), names.get(a.primary, a.primary)
                )
            )
    return tuple(moves), tuple(changes), tuple(sorted(new))


def in_words(message: str, names: Mapping[str, str]) -> str:
    """A solver message with engine ids ("patient-12") replaced by names."""
    return _REF.sub(lambda m: names.get(m.group(0), m.group(0)), message)
