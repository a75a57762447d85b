"""Stage 2: the week's meetings and sessions for one scope, as a CP-SAT model.

Variables (all Boolean):
- ``primary[p, m]``: clinician m is patient p's primary therapist (H5, H6);
- ``session[p, kind, slot, m]``: a session (H5, H7, H8), created only where the patient and
  clinician are both available and the clinician may work at the patient's site that day;
- ``meet[c, slot]`` with ``lead[c, slot, m]`` and ``room[c, slot, r]`` (H3), created only in
  the cohort's track slots where a member is available, for group-skilled clinicians and
  rooms big enough for the cohort.
Every other hard rule is a constraint (H4 double booking, H6 caps, H9 in the exact mode).
The soft objective is added by ``objective.py``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from engines.scheduling.model import Meeting, Patient, Session, SessionKind
from engines.scheduling.solver.domain import Domain
from engines.scheduling.solver.exprs import add_up
from engines.scheduling.solver.facts import Facts
from engines.scheduling.solver.scope import Scope, active_sites, multi_site

Var = cp_model.IntVar
SessionKey = tuple[str, SessionKind, str, str]  # patient, kind, slot, clinician
MeetingKey = tuple[str, str]  # cohort, slot


@dataclass
class Timetable:
    """The model of one scope and its variables, keyed by what they decide."""

    facts: Facts
    scope: Scope
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    primary: dict[tuple[str, str], Var] = field(default_factory=dict)
    session: dict[SessionKey, Var] = field(default_factory=dict)
    meet: dict[MeetingKey, Var] = field(default_factory=dict)
    lead: dict[tuple[str, str, str], Var] = field(default_factory=dict)
    room: dict[tuple[str, str, str], Var] = field(default_factory=dict)
    guards: dict[str, Var] = field(default_factory=dict)  # group name -> literal (cores)
    by_staff_slot: dict[tuple[str, str], list[Var]] = field(
        default_factory=lambda: defaultdict(list)
    )
    by_patient_slot: dict[tuple[str, str], list[Var]] = field(
        default_factory=lambda: defaultdict(list)
    )
    by_patient_kind: dict[tuple[str, SessionKind], list[Var]] = field(
        default_factory=lambda: defaultdict(list)
    )
    by_staff_day_site: dict[tuple[str, int, str], list[Var]] = field(
        default_factory=lambda: defaultdict(list)
    )
    offset: int = 0  # constant part of the objective
    # The objective as an expression: CP-SAT's reported objective value can differ from the
    # value of the solution it returns (postsolve may improve it), so it is evaluated here.
    objective: cp_model.LinearExpr | int = 0
    kept: list[Var] = field(default_factory=list)  # one literal per keepable previous item


def build(facts: Facts, scope: Scope, items: Domain, *, guarded: bool = False) -> Timetable:
    """The hard part of the stage-2 model for ``scope``, with a variable per item of
    ``items``. ``guarded`` puts an enforcement literal on each patient's individual
    requirement and on each clinician's caps, bookings and sites, for an assumption core."""
    tt = Timetable(facts, scope)
    for patient in scope.patients:
        _add_primary(tt, patient, items, guarded)
    for (patient_id, kind), options in items.sessions.items():
        if kind != SessionKind.INDIVIDUAL and options:
            held = [_new_session(tt, patient_id, kind, slot, m) for slot, m in options]
            tt.model.add_at_most_one(held)  # H7: at most one of each optional kind
    for (cohort_id, slot), (leads, rooms) in items.meetings.items():
        _add_meeting(tt, cohort_id, slot, leads, rooms)
    _add_bookings(tt, guarded)
    _add_caseload(tt, guarded)
    if scope.day_site is None:
        _add_one_site_per_day(tt, guarded)
    return tt


def _guard(tt: Timetable, name: str) -> Var:
    if name not in tt.guards:
        tt.guards[name] = tt.model.new_bool_var(f"guard[{name}]")
    return tt.guards[name]


def _new_session(
    tt: Timetable, patient_id: str, kind: SessionKind, slot: str, member_id: str
) -> Var:
    var = tt.model.new_bool_var(f"s[{patient_id},{kind.value},{slot},{member_id}]")
    tt.session[patient_id, kind, slot, member_id] = var
    tt.by_staff_slot[member_id, slot].append(var)
    tt.by_patient_slot[patient_id, slot].append(var)
    tt.by_patient_kind[patient_id, kind].append(var)
    site = tt.facts.patients[patient_id].site
    tt.by_staff_day_site[member_id, tt.facts.slot_day[slot], site].append(var)
    return var


def _add_primary(tt: Timetable, patient: Patient, items: Domain, guarded: bool) -> None:
    """H5: exactly one primary, with the required individual sessions, all with them. The
    rules allow more, but the objective has no term for a clinician's hour, so a solver free
    to add sessions fills group-hour shortfalls with one-to-one time no program would staff;
    exactly ``needs.individual`` keeps the week realistic and never costs feasibility.
    An empty candidate list makes the scope infeasible, as it must."""
    model = tt.model
    picks = {}
    for member_id in items.primaries[patient.id]:
        picks[member_id] = model.new_bool_var(f"p[{patient.id},{member_id}]")
        tt.primary[patient.id, member_id] = picks[member_id]
    held: dict[str, list[Var]] = defaultdict(list)
    for slot, member_id in items.sessions.get((patient.id, SessionKind.INDIVIDUAL), ()):
        var = _new_session(tt, patient.id, SessionKind.INDIVIDUAL, slot, member_id)
        model.add_implication(var, picks[member_id])
        held[member_id].append(var)
    for member_id, pick in picks.items():
        model.add(add_up(held[member_id]) == patient.needs.individual * pick)
    constraint = model.add_exactly_one(list(picks.values()))
    if guarded:
        constraint.only_enforce_if(_guard(tt, f"individual:{patient.id}"))


def _add_meeting(
    tt: Timetable, cohort_id: str, slot: str, leads: tuple[str, ...], rooms: tuple[str, ...]
) -> None:
    model, facts = tt.model, tt.facts
    meet = model.new_bool_var(f"m[{cohort_id},{slot}]")
    tt.meet[cohort_id, slot] = meet
    site, day = facts.track_site(cohort_id), facts.slot_day[slot]
    lead_vars = []
    for member_id in leads:
        var = model.new_bool_var(f"f[{cohort_id},{slot},{member_id}]")
        tt.lead[cohort_id, slot, member_id] = var
        tt.by_staff_slot[member_id, slot].append(var)
        tt.by_staff_day_site[member_id, day, site].append(var)
        lead_vars.append(var)
    room_vars = []
    for room_id in rooms:
        var = model.new_bool_var(f"r[{cohort_id},{slot},{room_id}]")
        tt.room[cohort_id, slot, room_id] = var
        room_vars.append(var)
    model.add(add_up(lead_vars) == meet)
    model.add(add_up(room_vars) == meet)


def _add_bookings(tt: Timetable, guarded: bool) -> None:
    """H4: one booking per clinician, room and patient per slot."""
    for (member_id, _), held in sorted(tt.by_staff_slot.items()):
        if len(held) > 1:
            constraint = tt.model.add_at_most_one(held)
            if guarded:
                constraint.only_enforce_if(_guard(tt, f"bookings:{member_id}"))
    by_room: dict[tuple[str, str], list[Var]] = defaultdict(list)
    for (_, slot, room_id), var in tt.room.items():
        by_room[room_id, slot].append(var)
    for held in by_room.values():
        if len(held) > 1:
            tt.model.add_at_most_one(held)
    for held in tt.by_patient_slot.values():
        if len(held) > 1:
            tt.model.add_at_most_one(held)


def _add_caseload(tt: Timetable, guarded: bool) -> None:
    """H6, within the quota this scope has of each clinician's cap."""
    chosen: dict[str, list[Var]] = defaultdict(list)
    for (_, member_id), var in tt.primary.items():
        chosen[member_id].append(var)
    for member_id, picks in sorted(chosen.items()):
        limit = tt.scope.quota.get(member_id, tt.facts.staff[member_id].caseload_cap)
        if len(picks) > limit:
            constraint = tt.model.add(add_up(picks) <= limit)
            if guarded:
                constraint.only_enforce_if(_guard(tt, f"caseload:{member_id}"))


def _add_one_site_per_day(tt: Timetable, guarded: bool) -> None:
    """H9: a clinician who may work at several sites picks one per day."""
    active = active_sites(tt.facts)
    works: dict[tuple[str, int], list[Var]] = defaultdict(list)
    for (member_id, day, site), held in sorted(tt.by_staff_day_site.items()):
        if not multi_site(tt.facts.staff[member_id], active):
            continue
        there = tt.model.new_bool_var(f"w[{member_id},{day},{site}]")
        for var in held:
            tt.model.add_implication(var, there)
        works[member_id, day].append(there)
    for (member_id, _), sites in sorted(works.items()):
        if len(sites) > 1:
            constraint = tt.model.add_at_most_one(sites)
            if guarded:
                constraint.only_enforce_if(_guard(tt, f"one_site:{member_id}"))


@dataclass(frozen=True)
class Plan:
    """The decisions read back from a solved timetable."""

    primaries: dict[str, str]
    meetings: tuple[Meeting, ...]
    sessions: tuple[Session, ...]


def read(tt: Timetable, value: cp_model.CpSolver) -> Plan:
    primaries = {p: m for (p, m), var in tt.primary.items() if value.boolean_value(var)}
    sessions = tuple(
        Session(patient=p, kind=kind, slot=slot, clinician=m)
        for (p, kind, slot, m), var in tt.session.items()
        if value.boolean_value(var)
    )
    leads = {(c, s): m for (c, s, m), var in tt.lead.items() if value.boolean_value(var)}
    rooms = {(c, s): r for (c, s, r), var in tt.room.items() if value.boolean_value(var)}
    meetings = tuple(
        Meeting(cohort=c, slot=s, facilitator=leads[c, s], room=rooms[c, s])
        for (c, s), var in tt.meet.items()
        if value.boolean_value(var)
    )
    return Plan(primaries, meetings, sessions)
