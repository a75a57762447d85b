"""A fast constructive week for one scope: the first hard-feasible week, and the hint CP-SAT
improves from.

It picks only items of the scope's domain and keeps every hard constraint of the timetable
model (bookings, caseload quota, at most one psychiatry and one family session), so the model
accepts it as a solution. The order follows the objective: last week's sessions first (a
dropped one costs ``not_kept``), then the required individual sessions, then last week's
meetings, then the meetings that gain the most group hours, then psychiatry and family.
When some patient's required sessions cannot be placed greedily the plan is returned as
incomplete, and the caller lets CP-SAT search from it.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Mapping

from engines.scheduling.model import Meeting, Patient, Session, SessionKind, Weight
from engines.scheduling.solver.domain import Domain, SessionOption
from engines.scheduling.solver.facts import Facts
from engines.scheduling.solver.scope import Scope
from engines.scheduling.solver.timetable import Plan

INDIVIDUAL = SessionKind.INDIVIDUAL


class _Week:
    """The partial week and who is busy when."""

    def __init__(self, facts: Facts, scope: Scope, items: Domain) -> None:
        self.facts, self.scope, self.items = facts, scope, items
        self.busy: set[tuple[str, str, str]] = set()  # (what, id, slot)
        self.sessions: list[Session] = []
        self.meetings: dict[tuple[str, str], Meeting] = {}
        self.primary: dict[str, str] = {}
        self.count: dict[tuple[str, SessionKind], int] = defaultdict(int)
        self.hours: dict[str, set[str]] = defaultdict(set)
        self.load: dict[str, int] = defaultdict(int)
        self.members: dict[str, list[Patient]] = defaultdict(list)
        for patient in scope.patients:
            self.members[scope.cohort_of[patient.id]].append(patient)
        self.facilitators = sorted({m for leads, _ in items.meetings.values() for m in leads})
        last = self.previous()[0]
        self.leading = {(m.facilitator, m.slot) for m in last}  # who led a group when
        self.grouped = {(m.cohort, m.slot) for m in last}  # which cohort met when

    def free(self, *keys: tuple[str, str, str]) -> bool:
        return not any(k in self.busy for k in keys)

    def session_free(self, patient_id: str, slot: str, member_id: str) -> bool:
        return self.free(("staff", member_id, slot), ("patient", patient_id, slot))

    def add_session(self, session: Session) -> None:
        self.busy |= {
            ("staff", session.clinician, session.slot),
            ("patient", session.patient, session.slot),
        }
        self.sessions.append(session)
        self.count[session.patient, session.kind] += 1
        self.hours[session.patient].add(session.slot)

    def drop_session(self, session: Session) -> None:
        self.busy -= {
            ("staff", session.clinician, session.slot),
            ("patient", session.patient, session.slot),
        }
        self.sessions.remove(session)
        self.count[session.patient, session.kind] -= 1
        self.hours[session.patient].discard(session.slot)

    def add_meeting(self, meeting: Meeting) -> None:
        self.busy |= {
            ("staff", meeting.facilitator, meeting.slot),
            ("room", meeting.room, meeting.slot),
        }
        self.meetings[meeting.cohort, meeting.slot] = meeting
        for patient in self.members[meeting.cohort]:
            if meeting.slot in patient.available:
                self.hours[patient.id].add(meeting.slot)

    def has_room(self, member_id: str) -> bool:
        quota = self.scope.quota.get(member_id, self.facts.staff[member_id].caseload_cap)
        return self.load[member_id] < quota

    def previous(self) -> tuple[tuple[Meeting, ...], tuple[Session, ...]]:
        last = self.facts.instance.previous
        return ((), ()) if last is None else (last.meetings, last.sessions)


def construct(
    facts: Facts, scope: Scope, items: Domain, preferred: Mapping[str, str]
) -> tuple[Plan, bool]:
    """A plan of ``scope`` from ``items`` and whether it is complete (hard-feasible). An
    incomplete plan lacks some required individual sessions (or primaries): still a useful
    hint for CP-SAT. ``preferred`` is each patient's tentative primary (last week's primary
    is tried first)."""
    week = _Week(facts, scope, items)
    complete = _choose_primaries(week, preferred)
    _keep_previous_sessions(week)
    complete = _required_sessions(week) and complete
    if complete:
        _keep_previous_meetings(week)
        _add_meetings(week)
        _optional_sessions(week)
    return Plan(dict(week.primary), tuple(week.meetings.values()), tuple(week.sessions)), complete


def _choose_primaries(week: _Week, preferred: Mapping[str, str]) -> bool:
    complete = True
    for patient in week.scope.patients:
        held = week.facts.previous.get(patient.id)
        options = week.items.primaries[patient.id]
        order = [preferred.get(patient.id, ""), held.primary if held else "", *options]
        pick = next((m for m in order if m in options and week.has_room(m)), None)
        if pick is None:
            complete = False
            continue
        week.primary[patient.id] = pick
        week.load[pick] += 1
    return complete


def _keep_previous_sessions(week: _Week) -> None:
    patients = {p.id for p in week.scope.patients}
    for session in week.previous()[1]:
        if session.patient in patients and _session_ok(week, session):
            week.add_session(session)


def _session_ok(week: _Week, session: Session) -> bool:
    options = week.items.sessions.get((session.patient, session.kind), ())
    if (session.slot, session.clinician) not in options:
        return False
    if not week.session_free(session.patient, session.slot, session.clinician):
        return False
    if session.kind == INDIVIDUAL:
        return week.primary.get(session.patient) == session.clinician
    return week.count[session.patient, session.kind] == 0


def _keep_previous_meetings(week: _Week) -> None:
    for meeting in week.previous()[0]:
        key = (meeting.cohort, meeting.slot)
        if key not in week.items.meetings or key in week.meetings:
            continue
        leads, rooms = week.items.meetings[key]
        if (
            meeting.facilitator in leads
            and meeting.room in rooms
            and week.free(
                ("staff", meeting.facilitator, meeting.slot), ("room", meeting.room, meeting.slot)
            )
        ):
            week.add_meeting(meeting)


def _required_sessions(week: _Week) -> bool:
    """Book each patient's missing individual sessions, those with the fewest options first;
    whether every patient got theirs."""
    sessions = week.items.sessions
    spare = _free_facilitators(week)
    complete = True
    pending = [
        p
        for p in week.scope.patients
        if p.id in week.primary and week.count[p.id, INDIVIDUAL] < p.needs.individual
    ]
    pending.sort(key=lambda p: (len(sessions.get((p.id, INDIVIDUAL), ())), p.id))
    for patient in pending:
        ranked = _ranked_slots(week, patient, spare)
        booked = _book_individual(week, patient, ranked) or _bump(week, patient)
        if booked is None:
            complete = False
            continue
        for slot, member_id in booked:
            spare[slot] -= member_id in week.facilitators
    return complete


def _ranked_slots(week: _Week, patient: Patient, spare: Mapping[str, int]) -> list[SessionOption]:
    """The patient's individual-session options, best first: slots that leave last week's
    meetings their facilitator, that fall outside the patient's own group last week, and in
    which the most group facilitators are still free (so groups can still meet)."""
    cohort = week.scope.cohort_of[patient.id]
    return sorted(
        week.items.sessions.get((patient.id, INDIVIDUAL), ()),
        key=lambda o: (
            (o[1], o[0]) in week.leading,
            (cohort, o[0]) in week.grouped,
            -spare[o[0]],
            week.facts.rank(o[0]),
        ),
    )


def _bump(week: _Week, patient: Patient) -> list[SessionOption] | None:
    """When the primary has no free common slot: move one of the primary's other individual
    sessions to a free slot of that patient, and take its place (one ejection)."""
    member_id = week.primary[patient.id]
    mine = week.items.sessions.get((patient.id, INDIVIDUAL), ())
    if patient.needs.individual - week.count[patient.id, INDIVIDUAL] != 1:
        return None
    for slot, _ in (
        o for o in mine if o[1] == member_id and week.free(("patient", patient.id, o[0]))
    ):
        taken = next(
            (x for x in week.sessions if x.clinician == member_id and x.slot == slot), None
        )
        if taken is None or taken.kind != INDIVIDUAL:
            continue
        moves = week.items.sessions.get((taken.patient, INDIVIDUAL), ())
        target = next(
            (o for o in moves if o[1] == member_id and week.session_free(taken.patient, *o)), None
        )
        if target is None:
            continue
        week.drop_session(taken)
        week.add_session(Session(taken.patient, INDIVIDUAL, target[0], member_id))
        week.add_session(Session(patient.id, INDIVIDUAL, slot, member_id))
        return [(slot, member_id)]
    return None


def _free_facilitators(week: _Week) -> dict[str, int]:
    """Per slot, the group facilitators of this scope not yet booked."""
    spare: dict[str, int] = defaultdict(int)
    for slot in week.scope.slots:
        spare[slot] = sum(1 for m in week.facilitators if week.free(("staff", m, slot)))
    return spare


def _book_individual(
    week: _Week, patient: Patient, ranked: list[SessionOption]
) -> list[SessionOption] | None:
    """Book with the chosen primary; a patient with no session yet may switch to another
    candidate who has room in the caseload quota and enough free slots. Returns what was
    booked, or None."""
    need = patient.needs.individual - week.count[patient.id, INDIVIDUAL]
    current = week.primary[patient.id]
    order = [current]
    if week.count[patient.id, INDIVIDUAL] == 0:
        order += [m for m in week.items.primaries[patient.id] if m != current]
    for member_id in order:
        free = [o for o in ranked if o[1] == member_id and week.session_free(patient.id, *o)]
        if len(free) < need or (member_id != current and not week.has_room(member_id)):
            continue
        if member_id != current:
            week.load[current] -= 1
            week.load[member_id] += 1
            week.primary[patient.id] = member_id
        chosen = _spread(free, need, week.facts.slot_day)
        for slot, _ in chosen:
            week.add_session(Session(patient.id, INDIVIDUAL, slot, member_id))
        return chosen
    return None


def _spread(free: list[SessionOption], need: int, day: Mapping[str, int]) -> list[SessionOption]:
    """The best-ranked options, on different days where possible (two sessions on one day
    serve a patient worse than on two)."""
    chosen: list[SessionOption] = []
    for index, option in enumerate(free):
        if len(chosen) == need:
            break
        other_day = all(day[option[0]] != day[c[0]] for c in chosen)
        if other_day or len(free) - index <= need - len(chosen):
            chosen.append(option)
    return chosen


def _gain(week: _Week, cohort_id: str, slot: str) -> int:
    """Objective decrease from a meeting in ``slot``: hours gained or overdone by the
    members available then, minus the meeting itself and any pull-out it creates."""
    weight = week.facts.weight
    gain = -weight(Weight.MEETING)
    for patient in week.members[cohort_id]:
        if slot not in patient.available:
            continue
        hours = week.hours[patient.id]
        if slot in hours:
            gain -= weight(Weight.PULL_OUT)  # a session is already booked then
        elif len(hours) < patient.hours_min:
            gain += weight(Weight.HOUR_SHORTFALL)
        elif len(hours) >= patient.hours_max:
            gain -= weight(Weight.HOUR_EXCESS)
    return gain


def _add_meetings(week: _Week) -> None:
    """Lazy greedy: a meeting's gain only falls as its members' hours grow, so a stale
    heap entry is re-scored and pushed back instead of re-scoring every meeting each time."""
    heap = [
        (-_gain(week, c, s), c, s) for c, s in week.items.meetings if (c, s) not in week.meetings
    ]
    heapq.heapify(heap)
    while heap:
        stale, cohort, slot = heapq.heappop(heap)
        gain = _gain(week, cohort, slot)
        if gain <= 0:
            continue
        if -gain > stale:
            heapq.heappush(heap, (-gain, cohort, slot))
            continue
        leads, rooms = week.items.meetings[cohort, slot]
        lead = next((m for m in leads if week.free(("staff", m, slot))), None)
        room = next((r for r in rooms if week.free(("room", r, slot))), None)  # smallest first
        if lead is not None and room is not None:
            week.add_meeting(Meeting(cohort, slot, lead, room))


def _optional_sessions(week: _Week) -> None:
    for patient in week.scope.patients:
        cohort = week.scope.cohort_of[patient.id]
        for kind in week.facts.wanted_kinds(patient):
            if week.count[patient.id, kind]:
                continue
            ranked = sorted(
                week.items.sessions.get((patient.id, kind), ()),
                key=lambda o: ((cohort, o[0]) in week.meetings, week.facts.rank(o[0])),
            )
            pick = next((o for o in ranked if week.session_free(patient.id, *o)), None)
            if pick is not None:
                week.add_session(Session(patient.id, kind, *pick))
