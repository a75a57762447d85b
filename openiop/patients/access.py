"""Fetch-and-authorize for patient data (Zulip's access_stream_by_id pattern).

Staff reach a patient only through an episode of care in a program where they hold the
needed capability. "Missing" and "not yours" both raise the same NotFound, and the attempt
is audited either way (security.md R11, R17).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from openiop.accounts.access import program_ids_with
from openiop.audit.models import DataCategory, Outcome
from openiop.audit.services import Entry, audit_record
from openiop.core.actor import Actor
from openiop.core.capabilities import Capability
from openiop.core.errors import NotFound
from openiop.patients.models import EpisodeOfCare, Patient

_MAX_ID = 2**63 - 1


def patients_visible_to(
    user: Any, capability: Capability = Capability.VIEW_PATIENTS
) -> QuerySet[Patient]:
    """Every patient with an episode in a program where ``user`` holds ``capability``,
    annotated with ``is_part2``. Empty for anyone without such a membership."""
    program_ids = program_ids_with(user, capability)
    episodes = EpisodeOfCare.objects.filter(patient=OuterRef("pk"))
    return Patient.objects.annotate(
        visible=Exists(episodes.filter(program_id__in=program_ids)),
        is_part2=Exists(episodes.filter(program__is_part2=True)),
    ).filter(visible=True)


def _denied(actor: Actor, patient_id: int, action: str, category: DataCategory) -> NotFound:
    audit_record(
        actor=actor,
        entry=Entry(
            action=action,
            category=category,
            outcome=Outcome.DENIED,
            detail={"requested_patient_id": str(patient_id)},
        ),
    )
    return NotFound("No such patient.")


def patient_access(
    user: Any,
    patient_id: int,
    *,
    actor: Actor,
    capability: Capability = Capability.VIEW_PATIENTS,
    action: str = "PATIENT_VIEWED",
    category: DataCategory = DataCategory.DEMOGRAPHICS,
    audit_success: bool = True,
) -> Patient:
    """Return the patient if ``user`` may act on it with ``capability``, auditing ``action``.

    ``audit_success=False`` is for writes whose service records ``action`` itself.
    Raises NotFound (after auditing a denied ``action``) when the patient does not exist or
    is outside the user's programs. Not wrapped in a transaction on purpose: the denial's
    audit row must survive the NotFound it precedes. The id is range-checked first, so a malformed or huge
    id is a 404 and never a database error.
    """
    if not 0 < patient_id <= _MAX_ID:
        raise _denied(actor, patient_id, action, category)
    patient = patients_visible_to(user, capability).filter(pk=patient_id).first()
    if patient is None:
        raise _denied(actor, patient_id, action, category)
    if not audit_success:  # a write follows, and its service records the action
        return patient
    audit_record(
        actor=actor,
        entry=Entry(
            action=action,
            category=category,
            patient_id=patient.pk,
            part2=patient.is_part2,  # type: ignore[attr-defined]
            object_type="patient",
            object_id=str(patient.pk),
        ),
    )
    return patient


def episode_access(
    user: Any,
    patient_id: int,
    episode_id: int,
    *,
    actor: Actor,
    capability: Capability,
    action: str,
) -> EpisodeOfCare:
    """Return the episode for a write if it belongs to that patient and to a program where
    ``user`` holds ``capability``. A child id under the wrong parent is a NotFound, never a
    leak. A refusal is audited as a denied ``action``; on success the write service that
    follows records the action itself."""
    if not (0 < patient_id <= _MAX_ID and 0 < episode_id <= _MAX_ID):
        raise _denied(actor, patient_id, action, DataCategory.EPISODE)
    episode = (
        EpisodeOfCare.objects.select_related("program", "track", "patient")
        .filter(
            pk=episode_id,
            patient_id=patient_id,
            program_id__in=program_ids_with(user, capability),
        )
        .first()
    )
    if episode is None:
        raise _denied(actor, patient_id, action, DataCategory.EPISODE)
    return episode
