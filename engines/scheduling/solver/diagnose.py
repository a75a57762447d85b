"""Cheap structural pre-checks that explain an infeasible instance before any search.

Each check is *sound*: a blocking conflict is reported only when no week can satisfy the hard
rules, so a planted (feasible) instance never gets one. Advisory findings (a track no
facilitator or room can serve, a psychiatry need no prescriber can meet) leave the instance
feasible, because group meetings and psychiatry/family sessions are optional under the hard
rules; they are returned next to the solution so the planner learns why hours will be short.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from engines.scheduling.model import Patient, SessionKind, Skill
from engines.scheduling.solver.caseload import caseload_shortage
from engines.scheduling.solver.facts import Facts
from engines.scheduling.solver.options import Conflict

BLOCKING = frozenset(
    {
        "no_available_slot",
        "no_cohort",
        "no_eligible_therapist",
        "caseload_short",
        "cohort_below_minimum",
        "cohort_capacity_short",
        "infeasible_core",
    }
)


def names(ids: Sequence[str], limit: int = 8) -> str:
    """A readable list of ids for a message: all of them, or the first few and a count."""
    shown = ", ".join(ids[:limit])
    return shown if len(ids) <= limit else f"{shown} and {len(ids) - limit} more"


def precheck(facts: Facts) -> tuple[Conflict, ...]:
    """All structural findings, blocking ones first (see ``BLOCKING``)."""
    found = [
        *_patient_checks(facts),
        *_caseload_check(facts),
        *_cohort_size_checks(facts),
        *_track_service_checks(facts),
        *_optional_session_checks(facts),
    ]
    return tuple(sorted(found, key=lambda c: c.code not in BLOCKING))


def _patient_checks(facts: Facts) -> Iterable[Conflict]:
    for patient in facts.instance.patients:
        available = facts.available(patient)
        if len(available) < patient.needs.individual:
            yield Conflict(
                "no_available_slot",
                f"Patient {patient.id} is available in {len(available)} slot(s) of the week "
                f"but needs {patient.needs.individual} individual session(s).",
                patients=(patient.id,),
            )
        elif not facts.primary_candidates(patient):
            yield _no_therapist(facts, patient)
        if not facts.cohort_options(patient):
            yield Conflict(
                "no_cohort",
                f"Patient {patient.id} has no open cohort in their track options at site "
                f"{patient.site}.",
                patients=(patient.id,),
            )
        elif not any(available & set(facts.track_slots(c)) for c in facts.cohort_options(patient)):
            yield Conflict(
                "no_group_slot",
                f"Patient {patient.id} is available in none of the slots of their tracks, so "
                "they cannot attend a group meeting.",
                patients=(patient.id,),
            )


def _no_therapist(facts: Facts, patient: Patient) -> Conflict:
    qualified = [m.id for m in facts.instance.staff if facts.may_be_primary(patient, m)]
    skill = "individual and EMDR" if patient.needs.emdr else "individual"
    if not qualified:
        reason = f"no clinician with {skill} skills works at site {patient.site}"
    else:
        reason = (
            f"none of the qualified clinicians ({names(qualified)}) shares "
            f"{patient.needs.individual} available slot(s) with them"
        )
    return Conflict(
        "no_eligible_therapist",
        f"Patient {patient.id} has no eligible primary therapist: {reason}.",
        patients=(patient.id,),
        staff=tuple(qualified),
    )


def _caseload_check(facts: Facts) -> Iterable[Conflict]:
    shortage = caseload_shortage(facts)
    if shortage is None:
        return
    patients, staff = shortage
    capacity = sum(facts.staff[s].caseload_cap for s in staff)
    yield Conflict(
        "caseload_short",
        f"{len(patients)} patients ({names(patients)}) can only have primary therapists "
        f"{names(staff) or '(none)'}, whose caseload caps total {capacity}.",
        patients=patients,
        staff=staff,
    )


def _reachable_sizes(ranges: Iterable[tuple[int, int]]) -> int:
    """Bit n is set when n patients can be split into cohorts of sizes 0 or lo..hi."""
    reachable = 1
    for low, high in ranges:
        step = reachable
        for size in range(max(low, 1), high + 1):
            step |= reachable << size
        reachable = step
    return reachable


def _cohort_size_checks(facts: Facts) -> Iterable[Conflict]:
    """For each track whose patients have no other option (so it is a closed sub-problem),
    check that its patient count splits into cohort sizes allowed by H2."""
    members: dict[str, list[str]] = {}
    spilled: set[str] = set()
    for patient in facts.instance.patients:
        tracks = {facts.cohorts[c].track for c in facts.cohort_options(patient)}
        if len(tracks) == 1:
            members.setdefault(tracks.pop(), []).append(patient.id)
        else:
            spilled |= tracks
    for track_id, patient_ids in sorted(members.items()):
        if track_id not in spilled:
            yield from _track_size_conflict(facts, track_id, patient_ids)


def _track_size_conflict(facts: Facts, track_id: str, patient_ids: list[str]) -> Iterable[Conflict]:
    cohorts = facts.cohorts_of_track.get(track_id, ())
    ranges = []
    for cohort in cohorts:
        high = cohort.max_size
        if cohort.closed:  # only last week's members may stay in it
            high = min(high, sum(1 for p in patient_ids if cohort.id in _options(facts, p)))
        ranges.append((cohort.min_size, high))
    count = len(patient_ids)
    reachable = _reachable_sizes(ranges)
    if reachable >> count & 1:
        return
    ids = tuple(c.id for c in cohorts)
    most = reachable.bit_length() - 1
    if count > most:
        code, why = "cohort_capacity_short", f"its cohorts ({names(ids)}) hold at most {most}"
    else:
        code = "cohort_below_minimum"
        why = f"no mix of its cohorts ({names(ids)}) within their minimum and maximum sizes holds exactly that many"
    yield Conflict(
        code,
        f"Track {track_id} has {count} patients with no other option "
        f"({names(patient_ids)}), but {why}.",
        patients=tuple(patient_ids),
        cohorts=ids,
    )


def _options(facts: Facts, patient_id: str) -> tuple[str, ...]:
    return facts.cohort_options(facts.patients[patient_id])


def _track_service_checks(facts: Facts) -> Iterable[Conflict]:
    wanted = {
        facts.cohorts[c].track for p in facts.instance.patients for c in facts.cohort_options(p)
    }
    for track_id in sorted(wanted):
        track = facts.tracks[track_id]
        slots = set(track.slots)
        facilitators = [
            m for m in facts.group_staff if track.site in m.sites and slots & m.available
        ]
        cohorts = tuple(c.id for c in facts.cohorts_of_track.get(track_id, ()))
        if not facilitators:
            yield Conflict(
                "no_facilitator",
                f"No group facilitator works at site {track.site} in any slot of track "
                f"{track_id}, so its cohorts cannot meet.",
                cohorts=cohorts,
            )
        smallest = min((facts.cohorts[c].min_size for c in cohorts), default=1)
        largest = max((r.capacity for r in facts.rooms_of_site.get(track.site, ())), default=0)
        if largest < max(smallest, 1):
            yield Conflict(
                "no_room",
                f"No room at site {track.site} holds {max(smallest, 1)} people, so the cohorts "
                f"of track {track_id} cannot meet.",
                cohorts=cohorts,
            )


_OPTIONAL = {
    SessionKind.PSYCHIATRY: ("no_prescriber", Skill.PRESCRIBER),
    SessionKind.FAMILY: ("no_family_therapist", Skill.FAMILY),
}


def _optional_session_checks(facts: Facts) -> Iterable[Conflict]:
    for kind, (code, skill) in _OPTIONAL.items():
        unserved = tuple(
            p.id
            for p in facts.instance.patients
            if kind in facts.wanted_kinds(p)
            and not any(
                facts.may_see(p, m, kind) and facts.common_slots(p, m) for m in facts.instance.staff
            )
        )
        if unserved:
            yield Conflict(
                code,
                f"No clinician with the {skill.value} skill shares a slot with patients "
                f"{names(unserved)}, so their {kind.value} session cannot be scheduled.",
                patients=unserved,
            )
