"""Planting psychiatry and family visits, and moving sessions out of group hours.

Visits are soft (a missed one costs PSYCHIATRY_MISSING or FAMILY_MISSING), so they take the
clinicians' remaining time; a maximum bipartite matching of due patients to free
(clinician, slot) pairs places as many as that time allows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from engines.scheduling.generator.board import Board
from engines.scheduling.model import Patient, Session, SessionKind, Skill, Solution

Node = tuple[str, str]  # (clinician id, slot id)


def _wants(patient: Patient, kind: SessionKind) -> bool:
    return patient.needs.psychiatry if kind is SessionKind.PSYCHIATRY else patient.needs.family


def plant_visits(board: Board, kind: SessionKind, skill: Skill, previous: Solution | None) -> None:
    """Give each patient who wants a ``kind`` visit one with a ``skill`` clinician of their
    site, keeping last week's visit where it still fits."""
    due = sorted(
        (p for p in board.patients.values() if _wants(p, kind)), key=lambda p: (p.site, p.id)
    )
    seen: set[str] = set()
    for session in previous.sessions if previous else ():
        if session.patient in seen:
            continue
        patient = board.patients.get(session.patient)
        clinician = board.clinicians.get(session.clinician)
        if (
            session.kind is kind
            and patient is not None
            and _wants(patient, kind)
            and clinician is not None
            and skill in clinician.skills
            and patient.site in clinician.sites
            and board.patient_free(patient, session.slot)
            and board.free(clinician, patient.site, session.slot)
        ):
            board.add_session(session, kept=True)
            seen.add(session.patient)
    for site in sorted({p.site for p in due}):
        waiting = [p for p in due if p.site == site and p.id not in seen]
        options = {p.id: _options(board, p, skill) for p in waiting}
        for node, patient_id in sorted(_match(options).items()):
            board.add_session(Session(patient_id, kind, node[1], node[0]))


def _options(board: Board, patient: Patient, skill: Skill) -> list[Node]:
    """Free (clinician, slot) pairs, hours outside the patient's group first, the primary
    therapist first within an hour."""
    clinicians = sorted(
        board.staff_with(skill, patient.site),
        key=lambda c: (c.id != board.primary.get(patient.id), c.id),
    )
    slots = sorted(
        (s for s in patient.available if board.patient_free(patient, s)),
        key=lambda s: (board.pulled_out(patient.id, s), s),
    )
    return [(c.id, s) for s in slots for c in clinicians if board.free(c, patient.site, s)]


def _match(options: Mapping[str, Sequence[Node]]) -> dict[Node, str]:
    """A maximum matching of patients to nodes (Kuhn's augmenting paths)."""
    owner: dict[Node, str] = {}

    def augment(patient_id: str, visited: set[Node]) -> bool:
        for node in options[patient_id]:
            if node in visited:
                continue
            visited.add(node)
            if node not in owner or augment(owner[node], visited):
                owner[node] = patient_id
                return True
        return False

    for patient_id in sorted(options):
        augment(patient_id, set())
    return owner


def improve_pull_outs(board: Board) -> None:
    """Move a session that pulls its patient out of group to a free hour of theirs when the
    move gains an hour below the top of their band (last week's kept sessions stay put)."""
    for index, session in enumerate(list(board.sessions)):
        patient = board.patients[session.patient]
        if session in board.kept or not board.pulled_out(patient.id, session.slot):
            continue
        if len(board.hours[patient.id]) >= patient.hours_max:
            continue
        clinician = board.clinicians[session.clinician]
        for slot in sorted(patient.available):
            if (
                not board.pulled_out(patient.id, slot)
                and board.patient_free(patient, slot)
                and board.free(clinician, patient.site, slot)
            ):
                board.move_session(index, slot)
                break
