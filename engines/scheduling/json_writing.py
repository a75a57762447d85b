"""Write the scheduling JSON format, version 1 (docs/scheduling-format.md).

The output is deterministic (lists in the model's order, sets sorted, every weight written),
because the instance digest is a hash of it.
"""

from __future__ import annotations

from engines.scheduling.model import (
    DEFAULT_WEIGHTS,
    FORMAT_VERSION,
    INSTANCE_FORMAT,
    SOLUTION_FORMAT,
    Cohort,
    Instance,
    Patient,
    Skill,
    Solution,
    Staff,
    Track,
    Week,
    Weight,
)
from engines.scheduling.timegrid import slot_windows, week_json

SESSION_TYPES = ("group", "individual", "psychiatry", "family")
"""The keys of ``session_minutes``: group meetings and each SessionKind."""


def instance_to_json(i: Instance) -> dict[str, object]:
    """The JSON object of an instance (``instance_from_json`` of it gives an equal Instance).

    Availability is written as the fewest windows covering the available slots; weights are
    written in full (missing ones take DEFAULT_WEIGHTS). Raises FormatError(unknown_reference)
    when a staff member or patient is available in a slot the week does not have.
    """
    data: dict[str, object] = {
        "format": INSTANCE_FORMAT,
        "version": FORMAT_VERSION,
        "id": i.id,
        "week": week_json(i.week),
        "session_minutes": {kind: i.session_minutes[kind] for kind in SESSION_TYPES},
        "sites": [{"id": s.id, "name": s.name} for s in i.sites],
        "rooms": [{"id": r.id, "site": r.site, "capacity": r.capacity} for r in i.rooms],
        "tracks": [_track_json(t) for t in i.tracks],
        "cohorts": [_cohort_json(c) for c in i.cohorts],
        "staff": [_staff_json(s, i.week, f"staff[{n}]") for n, s in enumerate(i.staff)],
        "patients": [_patient_json(p, i.week, f"patients[{n}]") for n, p in enumerate(i.patients)],
        "weights": {w.value: i.weights.get(w, DEFAULT_WEIGHTS[w]) for w in Weight},
    }
    if i.previous is not None:
        data["previous"] = solution_to_json(i.previous)
    if i.meta:
        data["meta"] = dict(i.meta)
    return data


def solution_to_json(s: Solution) -> dict[str, object]:
    """The JSON object of a solution, items in the solution's order."""
    return {
        "format": SOLUTION_FORMAT,
        "version": FORMAT_VERSION,
        "instance": s.instance_id,
        "instance_digest": s.instance_digest,
        "assignments": [
            {"patient": a.patient, "cohort": a.cohort, "primary": a.primary} for a in s.assignments
        ],
        "meetings": [
            {"cohort": m.cohort, "slot": m.slot, "facilitator": m.facilitator, "room": m.room}
            for m in s.meetings
        ],
        "sessions": [
            {"patient": x.patient, "kind": x.kind.value, "slot": x.slot, "clinician": x.clinician}
            for x in s.sessions
        ],
        "stats": dict(s.stats),
    }


def _track_json(track: Track) -> dict[str, object]:
    return {"id": track.id, "site": track.site, "name": track.name, "slots": list(track.slots)}


def _cohort_json(cohort: Cohort) -> dict[str, object]:
    return {
        "id": cohort.id,
        "track": cohort.track,
        "min_size": cohort.min_size,
        "max_size": cohort.max_size,
        "closed": cohort.closed,
    }


def _staff_json(staff: Staff, week: Week, path: str) -> dict[str, object]:
    return {
        "id": staff.id,
        "name": staff.name,
        "skills": [skill.value for skill in Skill if skill in staff.skills],
        "sites": list(staff.sites),
        "availability": slot_windows(staff.available, week, f"{path}.availability"),
        "caseload_cap": staff.caseload_cap,
    }


def _patient_json(patient: Patient, week: Week, path: str) -> dict[str, object]:
    needs = patient.needs
    return {
        "id": patient.id,
        "site": patient.site,
        "track_options": list(patient.track_options),
        "phase": patient.phase,
        "weekly_hours": {"min": patient.hours_min, "max": patient.hours_max},
        "availability": slot_windows(patient.available, week, f"{path}.availability"),
        "needs": {
            "individual": needs.individual,
            "emdr": needs.emdr,
            "psychiatry": needs.psychiatry,
            "family": needs.family,
        },
    }
