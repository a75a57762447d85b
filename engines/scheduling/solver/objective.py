"""The soft objective of a timetable model, term for term as the format defines it.

Every auxiliary variable is tied to its meaning by equalities, not by one-sided bounds, so the
objective of *any* solution CP-SAT reports (not only of the optimum) is exactly the weighted
sum the validator computes for the same week. The stage-1 terms (cohort changes, phase mix)
are fixed by then and added as a constant by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable

from engines.scheduling.model import Meeting, Patient, Session, SessionKind, Weight
from engines.scheduling.solver.exprs import Expr, add_up
from engines.scheduling.solver.timetable import Plan, Timetable, Var


def add_objective(tt: Timetable) -> None:
    """Set the model's objective (and ``tt.offset``, its constant part)."""
    terms: list[Expr] = []
    for patient in tt.scope.patients:
        terms += _patient_terms(tt, patient)
    terms.append(_weight(tt, Weight.MEETING) * add_up(tt.meet.values()))
    terms += _not_kept_terms(tt)
    tt.objective = add_up(terms) + tt.offset
    tt.model.minimize(tt.objective)


def _weight(tt: Timetable, weight: Weight) -> int:
    return tt.facts.weight(weight)


def _patient_terms(tt: Timetable, patient: Patient) -> list[Expr]:
    hours, pull_outs = _hours(tt, patient)
    short = tt.model.new_int_var(0, max(patient.hours_min, 0), f"short[{patient.id}]")
    tt.model.add_max_equality(short, [patient.hours_min - hours, 0])
    excess = tt.model.new_int_var(0, len(tt.facts.slot_day), f"excess[{patient.id}]")
    tt.model.add_max_equality(excess, [hours - patient.hours_max, 0])
    terms: list[Expr] = [
        _weight(tt, Weight.HOUR_SHORTFALL) * short,
        _weight(tt, Weight.HOUR_EXCESS) * excess,
        _weight(tt, Weight.PULL_OUT) * pull_outs,
    ]
    for kind, weight in (
        (SessionKind.PSYCHIATRY, Weight.PSYCHIATRY_MISSING),
        (SessionKind.FAMILY, Weight.FAMILY_MISSING),
    ):
        if kind in tt.facts.wanted_kinds(patient):
            held = tt.by_patient_kind.get((patient.id, kind), [])
            terms.append(_weight(tt, weight) * (1 - add_up(held)))
    terms += _therapist_change(tt, patient)
    return terms


def _hours(tt: Timetable, patient: Patient) -> tuple[Expr, Expr]:
    """hours(p) and p's pull-outs. In a slot with both a session and a meeting the hour
    counts once: h = max(session, meeting), so the pull-out is session + meeting - h."""
    cohort = tt.scope.cohort_of[patient.id]
    hours: list[Expr] = []
    pull_outs: list[Expr] = []
    for slot in sorted(tt.facts.available(patient) & tt.scope.slots, key=tt.facts.rank):
        held = tt.by_patient_slot.get((patient.id, slot), [])
        meet = tt.meet.get((cohort, slot))
        if meet is None:
            hours.append(add_up(held))
        elif not held:
            hours.append(meet)
        else:
            hour = tt.model.new_bool_var(f"h[{patient.id},{slot}]")
            booked = add_up(held)  # at most 1 by H4
            tt.model.add(hour >= booked)
            tt.model.add(hour >= meet)
            tt.model.add(hour <= booked + meet)
            hours.append(hour)
            pull_outs.append(booked + meet - hour)
    return add_up(hours), add_up(pull_outs)


def _therapist_change(tt: Timetable, patient: Patient) -> list[Expr]:
    held = tt.facts.previous.get(patient.id)
    if held is None:
        return []
    weight = _weight(tt, Weight.THERAPIST_CHANGE)
    keep = tt.primary.get((patient.id, held.primary))
    if keep is None:
        tt.offset += weight
        return []
    return [weight * (1 - keep)]


def previous_meetings(tt: Timetable) -> Iterable[Meeting]:
    """Last week's meetings this scope is answerable for (their cohort is in it)."""
    previous = tt.facts.instance.previous
    cohorts = set(tt.scope.cohorts)
    return () if previous is None else (m for m in previous.meetings if m.cohort in cohorts)


def previous_sessions(tt: Timetable) -> Iterable[Session]:
    """Last week's sessions of this scope's patients that the patient still needs."""
    previous = tt.facts.instance.previous
    if previous is None:
        return ()
    patients = {p.id: p for p in tt.scope.patients}
    return (
        s
        for s in previous.sessions
        if s.patient in patients
        and (
            s.kind == SessionKind.INDIVIDUAL or s.kind in tt.facts.wanted_kinds(patients[s.patient])
        )
    )


def _not_kept_terms(tt: Timetable) -> list[Expr]:
    weight = _weight(tt, Weight.NOT_KEPT)
    kept: list[Var] = []
    lost = 0
    for meeting in previous_meetings(tt):
        same = _same_meeting(tt, meeting)
        if same is None:
            lost += 1
        else:
            kept.append(same)
    for session in previous_sessions(tt):
        same = tt.session.get((session.patient, session.kind, session.slot, session.clinician))
        if same is None:
            lost += 1
        else:
            kept.append(same)
    tt.offset += weight * lost
    tt.kept = kept
    return [weight * (len(kept) - add_up(kept))]


def keep_at_least(tt: Timetable, plan: Plan) -> None:
    """Stability first: the model may not keep fewer of last week's items than ``plan``
    does. A re-plan then rearranges only what could not be kept (issue 5: previous meetings
    and sessions stay where they were unless a hard rule forces a change), at the price of
    weeks the plain objective would rate a little better."""
    meetings, sessions = set(plan.meetings), set(plan.sessions)
    floor = sum(m in meetings for m in previous_meetings(tt)) + sum(
        s in sessions for s in previous_sessions(tt)
    )
    if floor:
        tt.model.add(add_up(tt.kept) >= floor)


def _same_meeting(tt: Timetable, meeting: Meeting) -> Var | None:
    lead = tt.lead.get((meeting.cohort, meeting.slot, meeting.facilitator))
    room = tt.room.get((meeting.cohort, meeting.slot, meeting.room))
    if lead is None or room is None:
        return None
    same = tt.model.new_bool_var(f"kept[{meeting.cohort},{meeting.slot}]")
    tt.model.add_bool_and([lead, room]).only_enforce_if(same)
    tt.model.add_bool_or([lead.Not(), room.Not(), same])
    return same
