"""Writes of the patient portal: staff create and revoke a patient's link. (The patient's
acknowledgement of their plan is written by ``openiop.treatment_plans.services``.)"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from openiop.accounts.models import User
from openiop.audit.models import DataCategory
from openiop.audit.services import Entry, audit_record
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.core.tokens import new_token, token_hash
from openiop.patients.models import EpisodeOfCare, EpisodeState
from openiop.portal.errors import AlreadyRevoked, EpisodeClosed
from openiop.portal.models import PortalAccess

#: How long a portal link works. Long enough to read the plan at home and come back to the
#: safety plan in a hard moment; short enough that a lost link stops working on its own.
PORTAL_ACCESS_LIFETIME = dt.timedelta(days=30)


def access_entry(action: str, access: PortalAccess, episode: EpisodeOfCare, **detail: str) -> Entry:
    return Entry(
        action=action,
        category=DataCategory.TREATMENT_PLAN,
        patient_id=access.patient_id,
        part2=episode.program.is_part2,
        object_type="portal_access",
        object_id=str(access.pk),
        detail=detail,
    )


@transaction.atomic
def portal_access_create(
    *, actor: Actor, episode: EpisodeOfCare, created_by: User
) -> tuple[PortalAccess, str]:
    """A 30-day link through which the episode's patient reads their treatment plan and
    safety plan and acknowledges the plan. Returns the link and its token, which is shown
    once and never stored (only its SHA-256). Raises EpisodeClosed for a discharged
    episode (links made during it keep working until they expire). Audits
    PORTAL_ACCESS_CREATED."""
    if episode.state == EpisodeState.DISCHARGED:
        raise EpisodeClosed("The patient is discharged from this episode; no new link is made.")
    token = new_token()
    now = clock.now()
    access = PortalAccess(
        token_hash=token_hash(token),
        patient_id=episode.patient_id,
        episode=episode,
        created_by=created_by,
        created_at=now,
        expires_at=now + PORTAL_ACCESS_LIFETIME,
    )
    access.full_clean()
    access.save()
    entry = access_entry(
        "PORTAL_ACCESS_CREATED", access, episode, expires_at=access.expires_at.isoformat()
    )
    audit_record(actor=actor, entry=entry)
    return access, token


@transaction.atomic
def portal_access_revoke(*, actor: Actor, access: PortalAccess) -> PortalAccess:
    """Stop a link from working now (it then answers 410). Raises AlreadyRevoked. Audits
    PORTAL_ACCESS_REVOKED."""
    access = (
        PortalAccess.objects.select_for_update(of=("self",))
        .select_related("episode__program")
        .get(pk=access.pk)
    )
    if access.revoked_at is not None:
        raise AlreadyRevoked("This link was already turned off.")
    access.revoked_at = clock.now()
    access.save(update_fields=["revoked_at"])
    audit_record(actor=actor, entry=access_entry("PORTAL_ACCESS_REVOKED", access, access.episode))
    return access
