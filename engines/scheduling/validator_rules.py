"""The hard rules H1–H9 of docs/scheduling-format.md, one generator of violations each.

Each rule reads only items that resolve (see PlanIndex), so a plan naming unknown ids gets
unknown_reference violations and never a crash.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

from engines.scheduling.model import SKILL_FOR_KIND, Patient, Session, SessionKind, Skill, Staff
from engines.scheduling.validator_index import PlanIndex, Violation

Rule = Callable[[PlanIndex], Iterator[Violation]]


def unknown_references(index: PlanIndex) -> Iterator[Violation]:
    yield from index.unknown


def assignments(index: PlanIndex) -> Iterator[Violation]:
    """H1: one assignment per patient, to a cohort of one of their tracks at their site."""
    for patient in index.instance.patients:
        count = index.assignment_count[patient.id]
        ref = f"patient:{patient.id}"
        if count == 0:
            yield Violation("unassigned_patient", f"patient {patient.id} has no assignment", (ref,))
        elif count > 1:
            yield Violation(
                "duplicate_assignment", f"patient {patient.id} has {count} assignments", (ref,)
            )
        assignment = index.assignment.get(patient.id)
        if assignment is None:
            continue
        track = index.track_of(assignment.cohort)
        if track.id not in patient.track_options or track.site != patient.site:
            yield Violation(
                "wrong_track",
                f"patient {patient.id} (site {patient.site}, tracks"
                f" {', '.join(patient.track_options)}) is in cohort {assignment.cohort}"
                f" of track {track.id} at site {track.site}",
                (ref, f"cohort:{assignment.cohort}"),
            )


def cohort_sizes(index: PlanIndex) -> Iterator[Violation]:
    """H2: a cohort is empty or within its size bounds; a closed one takes no newcomers."""
    for cohort in index.instance.cohorts:
        members = index.members[cohort.id]
        size = len(members)
        if size and not cohort.min_size <= size <= cohort.max_size:
            yield Violation(
                "cohort_size",
                f"cohort {cohort.id} has {size} members; it must have 0 or"
                f" {cohort.min_size}–{cohort.max_size}",
                (f"cohort:{cohort.id}",),
            )
        for patient in members if cohort.closed else ():
            held = index.previous_assignment.get(patient.id)
            if held is None or held.cohort != cohort.id:
                yield Violation(
                    "closed_cohort",
                    f"patient {patient.id} joins closed cohort {cohort.id}",
                    (f"patient:{patient.id}", f"cohort:{cohort.id}"),
                )


def meetings(index: PlanIndex) -> Iterator[Violation]:
    """H3: one meeting per cohort and slot, in a track slot, with an attending member, a
    qualified available facilitator at the track's site and a room there that fits."""
    for (cohort_id, slot), count in Counter((m.cohort, m.slot) for m in index.meetings).items():
        if count > 1:
            yield Violation(
                "duplicate_meeting",
                f"cohort {cohort_id} meets {count} times in slot {slot}",
                (f"cohort:{cohort_id}", f"slot:{slot}"),
            )
    for m in index.meetings:
        track = index.track_of(m.cohort)
        where = f"meeting of cohort {m.cohort} in slot {m.slot}"
        refs = (f"cohort:{m.cohort}", f"slot:{m.slot}")
        if m.slot not in track.slots:
            yield Violation("meeting_slot", f"{where}: not a slot of track {track.id}", refs)
        if not any(m.slot in p.available for p in index.members[m.cohort]):
            yield Violation("meeting_without_members", f"{where}: no member can attend", refs)
        yield from _facilitator(index.staff[m.facilitator], m.slot, track.site, where, refs)
        yield from _meeting_room(index, m.cohort, m.room, track.site, where, refs)


def _facilitator(
    staff: Staff, slot: str, site: str, where: str, refs: tuple[str, ...]
) -> Iterator[Violation]:
    refs = (*refs, f"staff:{staff.id}")
    if Skill.GROUP not in staff.skills:
        yield Violation(
            "facilitator_unqualified", f"{where}: {staff.id} is not group-trained", refs
        )
    if slot not in staff.available:
        yield Violation("facilitator_unavailable", f"{where}: {staff.id} is unavailable", refs)
    if site not in staff.sites:
        yield Violation("staff_wrong_site", f"{where}: {staff.id} does not work at {site}", refs)


def _meeting_room(
    index: PlanIndex, cohort_id: str, room_id: str, site: str, where: str, refs: tuple[str, ...]
) -> Iterator[Violation]:
    room = index.rooms[room_id]
    refs = (*refs, f"room:{room.id}")
    if room.site != site:
        yield Violation(
            "room_wrong_site", f"{where}: room {room.id} is at {room.site}, not {site}", refs
        )
    if room.capacity < index.size(cohort_id):
        yield Violation(
            "room_too_small",
            f"{where}: room {room.id} holds {room.capacity}, the cohort has"
            f" {index.size(cohort_id)}",
            refs,
        )


def double_bookings(index: PlanIndex) -> Iterator[Violation]:
    """H4: one booking per staff member, room and patient per slot (a session during the
    patient's own group meeting is a pull-out, a soft cost, not a double booking)."""
    staff = Counter((m.facilitator, m.slot) for m in index.meetings)
    staff.update((s.clinician, s.slot) for s in index.sessions)
    rooms = Counter((m.room, m.slot) for m in index.meetings)
    patients = Counter((s.patient, s.slot) for s in index.sessions)
    for code, kind, counts in (
        ("staff_double_booked", "staff", staff),
        ("room_double_booked", "room", rooms),
        ("patient_double_booked", "patient", patients),
    ):
        for (ident, slot), count in counts.items():
            if count > 1:
                yield Violation(
                    code,
                    f"{kind} {ident} is booked {count} times in slot {slot}",
                    (f"{kind}:{ident}", f"slot:{slot}"),
                )


def individual_care(index: PlanIndex) -> Iterator[Violation]:
    """H5 and H6: enough individual sessions, all with an eligible primary within caseload."""
    for patient in index.instance.patients:
        mine = [s for s in index.sessions_of(patient.id) if s.kind is SessionKind.INDIVIDUAL]
        if len(mine) < patient.needs.individual:
            yield Violation(
                "individual_missing",
                f"patient {patient.id} has {len(mine)} of {patient.needs.individual}"
                " individual sessions",
                (f"patient:{patient.id}",),
            )
        assignment = index.assignment.get(patient.id)
        if assignment is not None:
            yield from _with_primary(index, patient, index.staff[assignment.primary], mine)
    yield from _caseloads(index)


def _with_primary(
    index: PlanIndex, patient: Patient, primary: Staff, individual: list[Session]
) -> Iterator[Violation]:
    ref = f"patient:{patient.id}"
    for session in individual:
        if session.clinician != primary.id:
            yield Violation(
                "individual_not_primary",
                f"patient {patient.id}'s individual session in {session.slot} is with"
                f" {session.clinician}, not primary {primary.id}",
                (ref, f"staff:{session.clinician}", f"slot:{session.slot}"),
            )
    lacking = [s.value for s in _primary_skills(patient.needs.emdr) if s not in primary.skills]
    if lacking or patient.site not in primary.sites:
        reason = f"lacks {', '.join(lacking)}" if lacking else f"not at {patient.site}"
        yield Violation(
            "primary_ineligible",
            f"{primary.id} cannot be patient {patient.id}'s primary ({reason})",
            (ref, f"staff:{primary.id}"),
        )


def _primary_skills(emdr: bool) -> tuple[Skill, ...]:
    return (Skill.INDIVIDUAL, Skill.EMDR) if emdr else (Skill.INDIVIDUAL,)


def _caseloads(index: PlanIndex) -> Iterator[Violation]:
    carried = Counter(a.primary for a in index.assignment.values())
    for staff in index.instance.staff:
        if carried[staff.id] > staff.caseload_cap:
            yield Violation(
                "caseload_exceeded",
                f"{staff.id} is primary for {carried[staff.id]} patients; the cap is"
                f" {staff.caseload_cap}",
                (f"staff:{staff.id}",),
            )


def sessions(index: PlanIndex) -> Iterator[Violation]:
    """H7 and H8: psychiatry and family with qualified staff, once and only when needed;
    every session inside both people's availability and at a site the clinician works."""
    given: Counter[tuple[str, SessionKind]] = Counter()
    for s in index.sessions:
        patient, staff = index.patients[s.patient], index.staff[s.clinician]
        where = f"{s.kind.value} session of patient {patient.id} in slot {s.slot}"
        refs = (f"patient:{patient.id}", f"staff:{staff.id}", f"slot:{s.slot}")
        if s.kind is not SessionKind.INDIVIDUAL:
            given[(patient.id, s.kind)] += 1
            yield from _wanted_session(
                s.kind, patient, staff, given[(patient.id, s.kind)], where, refs
            )
        absent = [who.id for who in (patient, staff) if s.slot not in who.available]
        if absent:
            yield Violation(
                "session_outside_availability", f"{where}: {' and '.join(absent)} unavailable", refs
            )
        if patient.site not in staff.sites:
            yield Violation(
                "staff_wrong_site", f"{where}: {staff.id} does not work at {patient.site}", refs
            )


def _wanted_session(
    kind: SessionKind, patient: Patient, staff: Staff, nth: int, where: str, refs: tuple[str, ...]
) -> Iterator[Violation]:
    """A psychiatry or family session: the right skill, and only the first one when due."""
    skill = SKILL_FOR_KIND[kind]
    if skill not in staff.skills:
        yield Violation("session_unqualified", f"{where}: {staff.id} lacks {skill.value}", refs)
    wanted = patient.needs.psychiatry if kind is SessionKind.PSYCHIATRY else patient.needs.family
    if not wanted:
        yield Violation("session_not_needed", f"{where}: patient is not due one", refs)
    elif nth > 1:
        yield Violation("session_not_needed", f"{where}: session {nth} of its kind this week", refs)


def sites_per_day(index: PlanIndex) -> Iterator[Violation]:
    """H9: a clinician works at one site per day."""
    sites: dict[tuple[str, int], set[str]] = {}
    for m in index.meetings:
        day = index.slots[m.slot].day
        sites.setdefault((m.facilitator, day), set()).add(index.track_of(m.cohort).site)
    for s in index.sessions:
        day = index.slots[s.slot].day
        sites.setdefault((s.clinician, day), set()).add(index.patients[s.patient].site)
    for (staff_id, day), found in sites.items():
        if len(found) > 1:
            yield Violation(
                "staff_sites_per_day",
                f"{staff_id} works at {', '.join(sorted(found))} on day {day}",
                (f"staff:{staff_id}",),
            )


HARD_RULES: tuple[Rule, ...] = (
    unknown_references,
    assignments,
    cohort_sizes,
    meetings,
    double_bookings,
    individual_care,
    sessions,
    sites_per_day,
)
