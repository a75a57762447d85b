"""A contact's release of information: whether staff may share information with them, and
until when. The signed release itself is a consent (``openiop.consents``, a higher layer),
which calls these services when it records or revokes one."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from openiop.audit.models import DataCategory
from openiop.audit.services import Entry, audit_record
from openiop.core.actor import Actor
from openiop.patients.models import EpisodeOfCare, PatientContact


def _entry(action: str, contact: PatientContact, **detail: object) -> Entry:
    part2 = EpisodeOfCare.objects.filter(
        patient_id=contact.patient_id, program__is_part2=True
    ).exists()
    return Entry(
        action=action,
        category=DataCategory.CONTACTS,
        patient_id=contact.patient_id,
        part2=part2,
        object_type="contact",
        object_id=str(contact.pk),
        detail=dict(detail),
    )


@transaction.atomic
def contact_record_release(
    *, actor: Actor, contact: PatientContact, expires_on: dt.date | None
) -> PatientContact:
    """Mark that the patient signed a release of information for ``contact``, valid through
    ``expires_on`` (None: until revoked). Audits CONTACT_RELEASE_RECORDED."""
    contact.release_of_information = True
    contact.release_expires_on = expires_on
    contact.full_clean()
    contact.save(update_fields=["release_of_information", "release_expires_on"])
    audit_record(
        actor=actor,
        entry=_entry(
            "CONTACT_RELEASE_RECORDED",
            contact,
            expires_on=expires_on.isoformat() if expires_on else None,
        ),
    )
    return contact


@transaction.atomic
def contact_end_release(*, actor: Actor, contact: PatientContact) -> PatientContact:
    """Stop sharing with ``contact`` (the patient revoked the release). Raises
    ValidationError when no release is on record. Audits CONTACT_RELEASE_ENDED."""
    if not contact.release_of_information:
        raise ValidationError("There is no release of information for this contact.")
    contact.release_of_information = False
    contact.release_expires_on = None
    contact.save(update_fields=["release_of_information", "release_expires_on"])
    audit_record(actor=actor, entry=_entry("CONTACT_RELEASE_ENDED", contact))
    return contact
