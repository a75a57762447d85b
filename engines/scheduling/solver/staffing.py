"""Between the stages: a tentative primary therapist for every patient and, for clinicians
who may work at several sites, the site of each day (H9).

Fixing cross-site clinicians' days first is what lets the sites be timetabled independently
(scheduling.md §3.6: per-site solves plus a coordination step). The tentative primaries
split each clinician's caseload cap between the components (see ``decompose.py``); the
timetable may still swap a patient to another candidate inside its share.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from engines.scheduling.model import Patient, Skill, Staff, Weight
from engines.scheduling.solver.decompose import Component
from engines.scheduling.solver.exprs import Expr, add_up
from engines.scheduling.solver.facts import Facts
from engines.scheduling.solver.scope import active_sites, multi_site

BUSY_SHARE = {True: 0.5, False: 0.9}  # target session load of group / non-group clinicians
KEEP_FACTOR = 3  # continuity of care weighs more here than its weight: later stages can't repair it


@dataclass
class StaffingModel:
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    pick: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    works: dict[tuple[str, int, str], cp_model.IntVar] = field(default_factory=dict)
    days_at: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(list))
    terms: list[Expr] = field(default_factory=list)


@dataclass(frozen=True)
class Staffing:
    primary_of: dict[str, str]
    day_site: dict[tuple[str, int], str]  # cross-site clinicians only; "" = works nowhere


def _days(facts: Facts, member: Staff) -> dict[int, list[str]]:
    days: dict[int, list[str]] = defaultdict(list)
    for slot in sorted(facts.staff_available(member), key=facts.rank):
        days[facts.slot_day[slot]].append(slot)
    return days


def build(
    facts: Facts,
    parts: Sequence[Component],
    *,
    keep: bool = False,
    with_load: bool = True,
    hint: Staffing | None = None,
) -> StaffingModel:
    """The staffing model. With ``keep`` every continuing patient keeps last week's primary
    when still eligible (a re-plan's first attempt, and a much smaller model); without
    ``with_load`` the per-component load limits are dropped (the last attempt); ``hint`` is
    a staffing to start from (see rota.py)."""
    sm = StaffingModel()
    active = active_sites(facts)
    crossing = [m for m in facts.instance.staff if multi_site(m, active)]
    for member in crossing:
        for day in sorted(_days(facts, member)):
            sites = [s for s in member.sites if s in active]
            there = [sm.model.new_bool_var(f"w[{member.id},{day},{s}]") for s in sites]
            for site, var in zip(sites, there, strict=True):
                sm.works[member.id, day, site] = var
                sm.days_at[member.id, site].append(day)
            sm.model.add_at_most_one(there)
    for part in parts:
        for patient in part.patients:
            _add_patient(facts, sm, patient, keep)
    _add_caps(facts, sm)
    if with_load:
        _add_load(facts, sm, parts)
    _add_coverage(facts, sm, parts)
    sm.model.minimize(add_up(sm.terms))
    if hint is not None:
        _add_hints(sm, hint)
    return sm


def _add_hints(sm: StaffingModel, hint: Staffing) -> None:
    for (patient_id, member_id), pick in sm.pick.items():
        sm.model.add_hint(pick, hint.primary_of.get(patient_id) == member_id)
    for (member_id, day, site), works in sm.works.items():
        sm.model.add_hint(works, hint.day_site.get((member_id, day)) == site)


def _add_patient(facts: Facts, sm: StaffingModel, patient: Patient, keep: bool) -> None:
    held = facts.previous.get(patient.id)
    change = facts.weight(Weight.THERAPIST_CHANGE) * KEEP_FACTOR
    options = facts.primary_candidates(patient)
    if keep and held is not None and any(m.id == held.primary for m in options):
        options = (facts.staff[held.primary],)
    picks = []
    for member in options:
        pick = sm.model.new_bool_var(f"y[{patient.id},{member.id}]")
        sm.pick[patient.id, member.id] = pick
        picks.append(pick)
        common = facts.common_slots(patient, member)
        sm.terms.append(max(0, 3 - (len(common) - patient.needs.individual)) * pick)
        if held is not None and held.primary != member.id:
            sm.terms.append(change * pick)
        days = sm.days_at.get((member.id, patient.site), [])
        if days and patient.needs.individual:
            per_day = Counter(facts.slot_day[s] for s in common)
            shared = add_up(per_day[day] * sm.works[member.id, day, patient.site] for day in days)
            sm.model.add(shared >= patient.needs.individual * pick)
    sm.model.add_exactly_one(picks)


def _add_caps(facts: Facts, sm: StaffingModel) -> None:
    chosen: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for (_, member_id), pick in sm.pick.items():
        chosen[member_id].append(pick)
    for member_id, picks in sorted(chosen.items()):
        sm.model.add(add_up(picks) <= facts.staff[member_id].caseload_cap)


def _usable_slots(facts: Facts, sm: StaffingModel, member: Staff, part: Component) -> Expr:
    if part.site not in member.sites:
        return 0
    total: list[Expr] = []
    for day, slots in _days(facts, member).items():
        inside = sum(1 for s in slots if s in part.slots)
        works = sm.works.get((member.id, day, part.site))
        total.append(inside * works if works is not None else inside)
    return add_up(total)


def _add_load(facts: Facts, sm: StaffingModel, parts: Sequence[Component]) -> None:
    """A clinician's required sessions in a component fit in their slots there, and stay
    under a share of them that leaves group facilitators time to lead groups."""
    part_of = {p.id: part for part in parts for p in part.patients}
    loads: dict[tuple[str, str], list[Expr]] = defaultdict(list)
    for (patient_id, member_id), pick in sm.pick.items():
        need = facts.patients[patient_id].needs.individual
        loads[part_of[patient_id].name, member_id].append(need * pick)
    parts_by_name = {part.name: part for part in parts}
    for (name, member_id), load in sorted(loads.items()):
        member = facts.staff[member_id]
        room = _usable_slots(facts, sm, member, parts_by_name[name])
        sm.model.add(add_up(load) <= room)
        share = BUSY_SHARE[Skill.GROUP in member.skills]
        over = sm.model.new_int_var(0, len(load) * 3, f"over[{member_id},{name}]")
        sm.model.add(100 * add_up(load) - int(100 * share) * room <= 100 * over)
        sm.terms.append(2 * over)


def _add_coverage(facts: Facts, sm: StaffingModel, parts: Sequence[Component]) -> None:
    """Cross-site clinicians' days go where their skills are wanted: psychiatry and family
    needs and cohort meeting slots, per site."""
    if not sm.works:
        return
    demand: dict[tuple[str, Skill], int] = defaultdict(int)
    for part in parts:
        for patient in part.patients:
            demand[part.site, Skill.PRESCRIBER] += patient.needs.psychiatry
            demand[part.site, Skill.FAMILY] += patient.needs.family
        demand[part.site, Skill.GROUP] += sum(len(facts.track_slots(c)) for c in part.cohorts)
    value = {
        Skill.PRESCRIBER: facts.weight(Weight.PSYCHIATRY_MISSING),
        Skill.FAMILY: facts.weight(Weight.FAMILY_MISSING),
        Skill.GROUP: facts.weight(Weight.HOUR_SHORTFALL),
    }
    for (site, skill), wanted in sorted(demand.items()):
        supply = _supply(facts, sm, site, skill)
        short = sm.model.new_int_var(0, wanted, f"short[{site},{skill.value}]")
        sm.model.add(wanted - supply <= short)
        sm.terms.append(value[skill] * short)
    _keep_previous_days(facts, sm)


def _supply(facts: Facts, sm: StaffingModel, site: str, skill: Skill) -> Expr:
    total: list[Expr] = []
    for member in facts.instance.staff:
        if skill not in member.skills or site not in member.sites:
            continue
        for day, slots in _days(facts, member).items():
            works = sm.works.get((member.id, day, site))
            total.append(len(slots) * works if works is not None else len(slots))
    return add_up(total)


def _keep_previous_days(facts: Facts, sm: StaffingModel) -> None:
    previous = facts.instance.previous
    if previous is None:
        return
    worked: dict[tuple[str, int, str], int] = defaultdict(int)
    patients = facts.patients
    for meeting in previous.meetings:
        if meeting.cohort in facts.cohorts and meeting.slot in facts.slot_day:
            worked[
                meeting.facilitator, facts.slot_day[meeting.slot], facts.track_site(meeting.cohort)
            ] += 1
    for session in previous.sessions:
        if session.patient in patients and session.slot in facts.slot_day:
            worked[
                session.clinician, facts.slot_day[session.slot], patients[session.patient].site
            ] += 1
    keep = facts.weight(Weight.NOT_KEPT)
    for key, count in sorted(worked.items()):
        works = sm.works.get(key)
        if works is not None:
            sm.terms.append(keep * count * (1 - works))


def read(facts: Facts, solver: cp_model.CpSolver, sm: StaffingModel) -> Staffing:
    primary_of = {p: m for (p, m), var in sm.pick.items() if solver.boolean_value(var)}
    day_site: dict[tuple[str, int], str] = {}
    for (member_id, day, site), var in sorted(sm.works.items()):
        day_site.setdefault((member_id, day), "")
        if solver.boolean_value(var):
            day_site[member_id, day] = site
    return Staffing(primary_of, day_site)


def quotas(
    facts: Facts, parts: Sequence[Component], primary_of: Mapping[str, str]
) -> dict[str, dict[str, int]]:
    """Each clinician's cap split between components: a component may use the cap less what
    the current primaries use in every other component. Solving components one at a time and
    re-splitting before each keeps the total within the cap."""
    used: dict[str, dict[str, int]] = {part.name: defaultdict(int) for part in parts}
    for part in parts:
        for patient in part.patients:
            used[part.name][primary_of[patient.id]] += 1
    quota: dict[str, dict[str, int]] = {}
    for part in parts:
        quota[part.name] = {}
        for member in facts.instance.staff:
            elsewhere = sum(used[o.name][member.id] for o in parts if o.name != part.name)
            quota[part.name][member.id] = max(0, member.caseload_cap - elsewhere)
    return quota
