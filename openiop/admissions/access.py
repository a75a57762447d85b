"""Fetch-and-authorize for referrals (Zulip's access_stream_by_id pattern).

A referral is reached only through its episode's program, where the user must hold the
page's capability. "Missing" and "not yours" raise the same NotFound, and a refusal is
audited (security.md R11, R17).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from openiop.accounts.access import program_ids_with
from openiop.admissions.models import Referral
from openiop.audit.models import DataCategory, Outcome
from openiop.audit.services import Entry, audit_record
from openiop.core.actor import Actor
from openiop.core.capabilities import Capability
from openiop.core.errors import NotFound

_MAX_ID = 2**63 - 1


def referrals_visible_to(user: Any, capability: Capability) -> QuerySet[Referral]:
    """Referrals to programs where ``user`` holds ``capability``; empty for anyone else."""
    return Referral.objects.filter(
        episode__program_id__in=program_ids_with(user, capability)
    ).select_related("episode__patient", "episode__program", "requested_track")


def referral_access(
    user: Any,
    referral_id: int,
    *,
    actor: Actor,
    capability: Capability,
    action: str,
    audit_success: bool = True,
) -> Referral:
    """Return the referral if ``user`` holds ``capability`` in its program, auditing ``action``
    (``audit_success=False`` when a write service records it). Raises NotFound, after
    auditing a denied ``action``, when it is missing or outside the user's programs. Not
    atomic on purpose: the denial's audit row must survive the NotFound."""
    referral = None
    if 0 < referral_id <= _MAX_ID:
        referral = referrals_visible_to(user, capability).filter(pk=referral_id).first()
    if referral is None:
        audit_record(
            actor=actor,
            entry=Entry(
                action=action,
                category=DataCategory.REFERRAL,
                outcome=Outcome.DENIED,
                detail={"requested_referral_id": str(referral_id)},
            ),
        )
        raise NotFound("No such referral.")
    if audit_success:
        audit_record(actor=actor, entry=referral_entry(action, referral))
    return referral


def referral_entry(
    action: str,
    referral: Referral,
    *,
    category: DataCategory = DataCategory.REFERRAL,
    object_type: str = "referral",
    object_id: object = None,
    **detail: Any,
) -> Entry:
    """The audit entry for an event about ``referral`` (or an object under it)."""
    episode = referral.episode
    return Entry(
        action=action,
        category=category,
        patient_id=episode.patient_id,
        part2=episode.program.is_part2,
        object_type=object_type,
        object_id=str(referral.pk if object_id is None else object_id),
        detail=detail,
    )
