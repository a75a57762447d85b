"""Fetch-and-authorize for the portal, on both sides of it.

Patient side: the token is the credential, checked on every request (``portal_open``): an
unknown token, or another patient's when a signed-in patient opens it, is AccessInvalid; an
expired or revoked one AccessExpired / AccessRevoked. Each page view is audited with the
patient as the actor; each refusal as a denied attempt that names no patient.

Staff side: giving a patient a link, seeing and revoking their links needs
MANAGE_TREATMENT_PLAN or MANAGE_SAFETY_PLAN in the episode's program (the portal shows both
plans). "Missing" and "not yours" are the same NotFound, audited (security.md R11, R17).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from openiop.accounts.access import program_ids_with
from openiop.audit.models import DataCategory, Outcome
from openiop.audit.services import Entry, audit_record
from openiop.core import clock
from openiop.core.actor import Actor, ActorKind
from openiop.core.capabilities import Capability
from openiop.core.errors import DomainError, NotFound
from openiop.core.tokens import token_hash
from openiop.patients.models import EpisodeOfCare, Patient
from openiop.portal.errors import AccessExpired, AccessInvalid, AccessRevoked
from openiop.portal.models import PortalAccess

_MAX_ID = 2**63 - 1
_TOKEN_MAX = 100


def portal_actor(actor: Actor, access: PortalAccess) -> Actor:
    """The request's actor as the patient the link belongs to (audit: who read or acted)."""
    return dataclasses.replace(
        actor, kind=ActorKind.PATIENT, label=f"patient {access.patient_id} via portal link"
    )


def _refused(actor: Actor, action: str, error: DomainError) -> DomainError:
    audit_record(
        actor=actor,
        entry=Entry(
            action=action,
            category=DataCategory.NONE,
            outcome=Outcome.DENIED,
            detail={"reason": error.code},
        ),
    )
    return error


def portal_open(
    token: str,
    *,
    actor: Actor,
    action: str,
    category: DataCategory,
    viewer_patient_id: int | None = None,
    audit_success: bool = True,
) -> PortalAccess:
    """The open link for ``token`` (with patient, episode and program), auditing ``action``
    with the patient as actor unless ``audit_success`` is False (a write follows whose
    service records it). Raises AccessInvalid, AccessExpired or AccessRevoked, audited as a
    denied ``action`` without a patient. Not wrapped in a transaction: the refusal's audit
    row must survive the error it precedes."""
    found = None
    if 0 < len(token) <= _TOKEN_MAX:
        found = (
            PortalAccess.objects.select_related("patient", "episode__program")
            .filter(token_hash=token_hash(token))
            .first()
        )
    if found is None or (viewer_patient_id is not None and found.patient_id != viewer_patient_id):
        raise _refused(actor, action, AccessInvalid("This link is not valid."))
    if found.revoked_at is not None:
        raise _refused(actor, action, AccessRevoked("This link was turned off by your care team."))
    if found.expires_at <= clock.now():
        raise _refused(actor, action, AccessExpired("This link has expired."))
    if audit_success:
        portal_viewed(actor=actor, access=found, action=action, category=category)
    return found


def portal_viewed(
    *, actor: Actor, access: PortalAccess, action: str, category: DataCategory
) -> None:
    """Audit a page the patient was shown through ``access``, with the patient as actor."""
    audit_record(
        actor=portal_actor(actor, access),
        entry=Entry(
            action=action,
            category=category,
            patient_id=access.patient_id,
            part2=access.episode.program.is_part2,
            object_type="portal_access",
            object_id=str(access.pk),
        ),
    )


def _sharing_programs(user: Any) -> set[int]:
    return program_ids_with(user, Capability.MANAGE_TREATMENT_PLAN) | program_ids_with(
        user, Capability.MANAGE_SAFETY_PLAN
    )


def _denied(actor: Actor, action: str, **detail: str) -> NotFound:
    audit_record(
        actor=actor,
        entry=Entry(
            action=action,
            category=DataCategory.TREATMENT_PLAN,
            outcome=Outcome.DENIED,
            detail=detail,
        ),
    )
    return NotFound("No such record.")


def portal_episode_access(
    user: Any, patient_id: int, episode_id: int, *, actor: Actor, action: str
) -> EpisodeOfCare:
    """The episode if it is that patient's and ``user`` may share the portal in its
    program; NotFound (audited as a denied ``action``) otherwise."""
    episode = None
    if 0 < patient_id <= _MAX_ID and 0 < episode_id <= _MAX_ID:
        episode = (
            EpisodeOfCare.objects.select_related("program", "patient")
            .filter(pk=episode_id, patient_id=patient_id, program_id__in=_sharing_programs(user))
            .first()
        )
    if episode is None:
        raise _denied(actor, action, requested_patient_id=str(patient_id))
    return episode


def portal_patient_access(user: Any, patient_id: int, *, actor: Actor) -> Patient:
    """The patient if they have an episode in a program where ``user`` may share the
    portal; audits PORTAL_ACCESS_LISTED (NotFound, audited as denied, otherwise)."""
    programs = _sharing_programs(user)
    patient = None
    if 0 < patient_id <= _MAX_ID:
        patient = Patient.objects.filter(pk=patient_id, episodes__program_id__in=programs).first()
    if patient is None:
        raise _denied(actor, "PORTAL_ACCESS_LISTED", requested_patient_id=str(patient_id))
    part2 = patient.episodes.filter(program__is_part2=True).exists()
    audit_record(
        actor=actor,
        entry=Entry(
            action="PORTAL_ACCESS_LISTED",
            category=DataCategory.TREATMENT_PLAN,
            patient_id=patient.pk,
            part2=part2,
            object_type="patient",
            object_id=str(patient.pk),
        ),
    )
    return patient


def access_of(episode: EpisodeOfCare, access_id: int, *, actor: Actor, action: str) -> PortalAccess:
    """A link of the (authorized) episode; NotFound otherwise."""
    found = (
        PortalAccess.objects.filter(episode=episode, pk=access_id).first()
        if 0 < access_id <= _MAX_ID
        else None
    )
    if found is None:
        raise _denied(actor, action, requested_portal_access_id=str(access_id))
    return found


def sharing_program_ids(user: Any) -> set[int]:
    """Programs where ``user`` may share the portal (for showing the buttons)."""
    return _sharing_programs(user)
