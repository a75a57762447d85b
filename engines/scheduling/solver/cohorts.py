"""Stage 1: put every patient in one cohort (H1, H2), site by site.

The exact soft terms of this stage are cohort changes and phase mix. Two proxies steer it
towards weeks that stage 2 can staff: a cohort pays one meeting for every track slot in which
some member is available (so members with overlapping days are grouped), and a slot in which
more cohorts would meet than the site has rooms or facilitators pays as lost group hours.
In a re-plan a cohort change costs far more than its weight, because moving a continuing
patient breaks the group they know (issue 5: 0 cohort moves); the pipeline first tries the
model with every continuing patient fixed in their cohort, which is also much smaller.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from engines.scheduling.model import Patient, Weight
from engines.scheduling.solver.exprs import Expr, add_up
from engines.scheduling.solver.facts import Facts
from engines.scheduling.solver.grouping import initial_groups

REPLAN_CHANGE_FACTOR = 50  # a continuing patient moves only when the sizes leave no choice


@dataclass
class CohortModel:
    model: cp_model.CpModel
    fixed: Mapping[str, str]  # patients placed before the search
    choice: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    patient_guards: dict[str, cp_model.IntVar] = field(default_factory=dict)
    cohort_guards: dict[str, cp_model.IntVar] = field(default_factory=dict)
    holders: dict[str, list[Patient]] = field(default_factory=lambda: defaultdict(list))
    hint: dict[str, str] | None = None  # a complete split within the sizes, when one was found

    def size(
        self, cohort_id: str, patients: Sequence[Patient] | None = None
    ) -> cp_model.LinearExpr:
        """Members of the cohort (among ``patients`` if given): variables plus fixed ones."""
        chosen = self.holders[cohort_id] if patients is None else patients
        free = [self.choice[p.id, cohort_id] for p in chosen if (p.id, cohort_id) in self.choice]
        return add_up(free) + sum(1 for p in chosen if self.fixed.get(p.id) == cohort_id)


def site_patients(facts: Facts) -> dict[str, list[Patient]]:
    grouped: dict[str, list[Patient]] = defaultdict(list)
    for patient in facts.instance.patients:
        grouped[patient.site].append(patient)
    return dict(sorted(grouped.items()))


def continuing(facts: Facts, patients: Sequence[Patient]) -> dict[str, str]:
    """Continuing patients whose last cohort is still one of their options."""
    kept = {}
    for patient in patients:
        held = facts.previous.get(patient.id)
        if held is not None and held.cohort in facts.cohort_options(patient):
            kept[patient.id] = held.cohort
    return kept


def build(
    facts: Facts,
    patients: Sequence[Patient],
    *,
    fixed: Mapping[str, str] | None = None,
    guarded: bool = False,
) -> CohortModel:
    """The stage-1 model of one site's ``patients``; those in ``fixed`` are placed already.
    With ``guarded`` every patient's "exactly one cohort" and every cohort's size bounds get
    an enforcement literal and the objective is left out, so an assumption core names the
    patients and cohorts in conflict."""
    cm = CohortModel(cp_model.CpModel(), fixed or {})
    for patient in patients:
        options = (
            (cm.fixed[patient.id],) if patient.id in cm.fixed else facts.cohort_options(patient)
        )
        for cohort_id in options:
            cm.holders[cohort_id].append(patient)
            if patient.id not in cm.fixed:
                cm.choice[patient.id, cohort_id] = cm.model.new_bool_var(
                    f"x[{patient.id},{cohort_id}]"
                )
        if patient.id not in cm.fixed:
            picks = [cm.choice[patient.id, c] for c in options]
            constraint = cm.model.add_exactly_one(picks)
            if guarded:
                cm.patient_guards[patient.id] = _guard(cm, constraint, f"assign[{patient.id}]")
    for cohort_id in sorted(cm.holders):
        _add_size_bounds(facts, cm, cohort_id, guarded)
    if not guarded:
        _break_symmetry(facts, cm)
        _add_objective(facts, cm, patients)
        _add_hints(facts, cm, patients)
    return cm


def _guard(cm: CohortModel, constraint: cp_model.Constraint, name: str) -> cp_model.IntVar:
    literal = cm.model.new_bool_var(name)
    constraint.only_enforce_if(literal)
    return literal


def _add_size_bounds(facts: Facts, cm: CohortModel, cohort_id: str, guarded: bool) -> None:
    """H2: size 0 or within [min, max]."""
    cohort = facts.cohorts[cohort_id]
    used = cm.model.new_bool_var(f"used[{cohort_id}]")
    size = cm.size(cohort_id)
    low = cm.model.add(size >= cohort.min_size * used)
    high = cm.model.add(size <= cohort.max_size * used)
    if guarded:
        guard = _guard(cm, low, f"size[{cohort_id}]")
        high.only_enforce_if(guard)
        cm.cohort_guards[cohort_id] = guard


def _break_symmetry(facts: Facts, cm: CohortModel) -> None:
    """Open cohorts of one track with the same bounds, the same possible members and no
    history are interchangeable; order their sizes so the search skips relabelled copies."""
    history = {a.cohort for a in facts.previous.values()} | set(cm.fixed.values())
    if facts.instance.previous is not None:
        history |= {m.cohort for m in facts.instance.previous.meetings}
    classes: dict[tuple[str, int, int, frozenset[str]], list[str]] = defaultdict(list)
    for cohort_id in sorted(cm.holders):
        cohort = facts.cohorts[cohort_id]
        if not cohort.closed and cohort_id not in history:
            holders = frozenset(p.id for p in cm.holders[cohort_id])
            classes[cohort.track, cohort.min_size, cohort.max_size, holders].append(cohort_id)
    for ids in classes.values():
        for first, second in itertools.pairwise(ids):
            cm.model.add(cm.size(first) >= cm.size(second))


def _add_objective(facts: Facts, cm: CohortModel, patients: Sequence[Patient]) -> None:
    change = facts.weight(Weight.COHORT_CHANGE)
    if facts.instance.previous is not None:
        change = max(change, 1) * REPLAN_CHANGE_FACTOR
    terms: list[Expr] = []
    for patient in patients:
        held = facts.previous.get(patient.id)
        if held is not None and (patient.id, held.cohort) in cm.choice:
            terms.append(change * (1 - cm.choice[patient.id, held.cohort]))
    terms += _phase_mix_terms(facts, cm)
    terms += _meeting_proxy_terms(facts, cm, patients[0].site if patients else "")
    terms += _room_keep_terms(facts, cm)
    cm.model.minimize(add_up(terms))


def _room_keep_terms(facts: Facts, cm: CohortModel) -> list[Expr]:
    """A cohort that outgrows a room it met in last week loses those meetings (not_kept):
    newcomers should rather join a cohort whose rooms still fit."""
    previous = facts.instance.previous
    if previous is None:
        return []
    capacity = {r.id: r.capacity for r in facts.instance.rooms}
    rooms: dict[str, list[int]] = defaultdict(list)
    for meeting in previous.meetings:
        if meeting.cohort in cm.holders and meeting.room in capacity:
            rooms[meeting.cohort].append(capacity[meeting.room])
    terms: list[Expr] = []
    for cohort_id, held in sorted(rooms.items()):
        outgrown = cm.model.new_bool_var(f"outgrown[{cohort_id}]")
        cm.model.add(cm.size(cohort_id) <= min(held) + len(cm.holders[cohort_id]) * outgrown)
        terms.append(facts.weight(Weight.NOT_KEPT) * len(held) * outgrown)
    return terms


def _phase_mix_terms(facts: Facts, cm: CohortModel) -> list[Expr]:
    weight = facts.weight(Weight.PHASE_MIX)
    terms: list[Expr] = []
    for cohort_id, holders in sorted(cm.holders.items()):
        by_phase: dict[int, list[Patient]] = defaultdict(list)
        for patient in holders:
            by_phase[patient.phase].append(patient)
        if weight == 0 or len(by_phase) < 2:
            continue
        counts = [cm.size(cohort_id, group) for _, group in sorted(by_phase.items())]
        largest = cm.model.new_int_var(0, facts.cohorts[cohort_id].max_size, f"phase[{cohort_id}]")
        cm.model.add_max_equality(largest, counts)
        terms.append(weight * (cm.size(cohort_id) - largest))
    return terms


def _meeting_proxy_terms(facts: Facts, cm: CohortModel, site: str) -> list[Expr]:
    """Slots with the same possible attendees share one "meets" literal (in the generated
    programs: the slots of one day)."""
    meeting = max(facts.weight(Weight.MEETING), 1)
    lost_hours = max(facts.weight(Weight.HOUR_SHORTFALL), 1) * 3
    in_slot: dict[str, list[Expr]] = defaultdict(list)
    terms: list[Expr] = []
    for cohort_id, holders in sorted(cm.holders.items()):
        groups: dict[frozenset[str], list[str]] = defaultdict(list)
        for slot in facts.track_slots(cohort_id):
            present = frozenset(p.id for p in holders if slot in p.available)
            if present:
                groups[present].append(slot)
        for present, slots in groups.items():
            meets = _meets(cm, cohort_id, [p for p in holders if p.id in present])
            terms.append(meeting * len(slots) * meets)
            for slot in slots:
                in_slot[slot].append(meets)
        terms += _oversize_terms(facts, cm, cohort_id, lost_hours)
    for slot, meeting_now in sorted(in_slot.items()):
        room_for = _meeting_capacity(facts, site, slot)
        if len(meeting_now) > room_for:
            over = cm.model.new_int_var(0, len(meeting_now), f"over[{slot}]")
            cm.model.add(add_up(meeting_now) - room_for <= over)
            terms.append(lost_hours * over)
    return terms


def _meets(cm: CohortModel, cohort_id: str, present: list[Patient]) -> Expr:
    """1 when some of ``present`` is in the cohort (a constant when a fixed member is)."""
    if any(cm.fixed.get(p.id) == cohort_id for p in present):
        return 1
    meets = cm.model.new_bool_var(f"meets[{cohort_id}]")
    cm.model.add(cm.size(cohort_id, present) <= len(present) * meets)
    return meets


def _oversize_terms(facts: Facts, cm: CohortModel, cohort_id: str, lost_hours: int) -> list[Expr]:
    """A cohort bigger than every room at its site can never meet."""
    site = facts.track_site(cohort_id)
    largest = max((r.capacity for r in facts.rooms_of_site.get(site, ())), default=0)
    if facts.cohorts[cohort_id].max_size <= largest:
        return []
    over = cm.model.new_int_var(0, len(cm.holders[cohort_id]), f"oversize[{cohort_id}]")
    cm.model.add(cm.size(cohort_id) - largest <= over)
    return [lost_hours * 5 * over]


def _meeting_capacity(facts: Facts, site: str, slot: str) -> int:
    rooms = len(facts.rooms_of_site.get(site, ()))
    facilitators = sum(1 for m in facts.group_staff if site in m.sites and slot in m.available)
    return min(rooms, facilitators)


def _add_hints(facts: Facts, cm: CohortModel, patients: Sequence[Patient]) -> None:
    """A complete first split when the simple one meets the sizes, else last week's
    cohorts of continuing patients."""
    split = initial_groups(facts, patients, cm.fixed)
    cm.hint = split
    for patient in patients:
        if patient.id in cm.fixed:
            continue
        held = facts.previous.get(patient.id)
        wanted = split.get(patient.id) if split is not None else held.cohort if held else None
        if wanted is None:
            continue
        for cohort_id in facts.cohort_options(patient):
            cm.model.add_hint(cm.choice[patient.id, cohort_id], cohort_id == wanted)


def read(solver: cp_model.CpSolver, cm: CohortModel) -> dict[str, str]:
    """The cohort of each patient of the model."""
    chosen = {p: c for (p, c), var in cm.choice.items() if solver.boolean_value(var)}
    return {**cm.fixed, **chosen}
