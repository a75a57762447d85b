"""Recording and revoking consents. A consent is never edited once recorded: the only
change is its revocation (CONVENTIONS §3). Each service validates, writes and audits
(CONSENT_RECORDED / CONSENT_REVOKED, category CONSENT) in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from openiop.accounts.models import User
from openiop.audit.models import DataCategory
from openiop.audit.services import Entry, audit_record
from openiop.consents import part2
from openiop.consents.errors import ConsentIncomplete, Part2NotApplicable
from openiop.consents.models import Consent, ConsentKind
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.core.errors import InvalidTransition
from openiop.patients.models import EpisodeOfCare, PatientContact
from openiop.patients.releases import contact_end_release, contact_record_release


@dataclass(frozen=True, slots=True)
class Signature:
    """Who signed and when. ``signer_authority`` is blank when the patient signs, else what
    entitles the signer (e.g. "parent", "legal guardian")."""

    signed_by_name: str
    signed_on: dt.date
    signer_authority: str = ""


@dataclass(frozen=True, slots=True)
class Part2Terms:
    """The fields of a Part 2 consent (``openiop.consents.part2.ELEMENTS``)."""

    discloser: str
    recipient: str
    purpose: str
    information: str
    expires_on: dt.date | None = None
    expires_on_event: str = ""


def _entry(action: str, consent: Consent, **detail: object) -> Entry:
    return Entry(
        action=action,
        category=DataCategory.CONSENT,
        patient_id=consent.patient_id,
        part2=consent.episode.program.is_part2,
        object_type="consent",
        object_id=str(consent.pk),
        detail={"kind": consent.kind, **detail},
    )


def _new(*, user: User, episode: EpisodeOfCare, kind: ConsentKind, signature: Signature) -> Consent:
    name = signature.signed_by_name.strip()
    if not name:
        raise ConsentIncomplete("Give the name of the person who signed.", missing=["signature"])
    if signature.signed_on > clock.localdate(episode.program.zone):
        raise ValidationError({"signed_on": "The signing date cannot be in the future."})
    return Consent(
        patient_id=episode.patient_id,
        episode=episode,
        kind=kind,
        signed_by_name=name,
        signer_authority=signature.signer_authority.strip(),
        signed_on=signature.signed_on,
        recorded_by=user,
        recorded_at=clock.now(),
    )


def _save(actor: Actor, consent: Consent) -> Consent:
    consent.full_clean()
    consent.save()
    audit_record(actor=actor, entry=_entry("CONSENT_RECORDED", consent))
    return consent


@transaction.atomic
def consent_record_treatment(
    *, actor: Actor, user: User, episode: EpisodeOfCare, signature: Signature
) -> Consent:
    """Record the patient's consent to treatment in ``episode``. Raises ConsentIncomplete
    (no signer) or ValidationError (a future date). Audits CONSENT_RECORDED."""
    consent = _new(user=user, episode=episode, kind=ConsentKind.TREATMENT, signature=signature)
    consent.expires_on_event = "End of this episode of care"
    return _save(actor, consent)


@transaction.atomic
def consent_record_release(
    *,
    actor: Actor,
    user: User,
    episode: EpisodeOfCare,
    contact: PatientContact,
    signature: Signature,
    expires_on: dt.date | None,
    information: str = "Attendance, participation and progress in treatment",
    purpose: str = "Involving the person named in my care",
) -> Consent:
    """Record a release of information to one of the patient's contacts and let staff share
    with that contact (``contact_record_release``) until ``expires_on``. Raises
    ValidationError for another patient's contact or an expiry before signing. Audits
    CONSENT_RECORDED and CONTACT_RELEASE_RECORDED."""
    if contact.patient_id != episode.patient_id:
        raise ValidationError({"contact": "That contact belongs to another patient."})
    if expires_on is not None and expires_on < signature.signed_on:
        raise ValidationError({"expires_on": "A release cannot expire before it is signed."})
    consent = _new(user=user, episode=episode, kind=ConsentKind.RELEASE, signature=signature)
    consent.contact = contact
    consent.recipient = f"{contact.name} ({contact.relationship})"[:300]
    consent.information = information.strip()
    consent.purpose = purpose.strip()[:300]
    consent.expires_on = expires_on
    consent.expires_on_event = "" if expires_on else "Until I revoke it"
    _save(actor, consent)
    contact_record_release(actor=actor, contact=contact, expires_on=expires_on)
    return consent


def part2_missing(terms: Part2Terms, signature: Signature) -> list[str]:
    """The element codes of §2.31(a) that ``terms`` and ``signature`` leave empty."""
    values: dict[str, object] = {
        "patient": "on record",
        "discloser": terms.discloser,
        "recipient": terms.recipient,
        "purpose": terms.purpose,
        "information": terms.information,
        "expires_on": terms.expires_on,
        "expires_on_event": terms.expires_on_event,
        "signed_by_name": signature.signed_by_name,
        "signed_on": signature.signed_on,
    }
    return [e.code for e in part2.ELEMENTS if part2.element_missing(e, values)]


@transaction.atomic
def consent_record_part2(
    *, actor: Actor, user: User, episode: EpisodeOfCare, signature: Signature, terms: Part2Terms
) -> Consent:
    """Record a 42 CFR Part 2 consent holding every §2.31(a) element, with the version of
    the statements printed on the form. Raises Part2NotApplicable outside a Part 2 program
    and ConsentIncomplete naming each missing element. Audits CONSENT_RECORDED."""
    if not episode.program.is_part2:
        raise Part2NotApplicable("This program is not a 42 CFR Part 2 program.")
    if missing := part2_missing(terms, signature):
        raise ConsentIncomplete(
            "The Part 2 consent is missing: " + ", ".join(missing) + ".", missing=missing
        )
    if terms.expires_on is not None and terms.expires_on < signature.signed_on:
        raise ValidationError({"expires_on": "A consent cannot expire before it is signed."})
    consent = _new(user=user, episode=episode, kind=ConsentKind.PART2, signature=signature)
    consent.discloser = terms.discloser.strip()
    consent.recipient = terms.recipient.strip()
    consent.purpose = terms.purpose.strip()
    consent.information = terms.information.strip()
    consent.expires_on = terms.expires_on
    consent.expires_on_event = terms.expires_on_event.strip()
    consent.statements_version = part2.STATEMENTS_VERSION
    return _save(actor, consent)


@transaction.atomic
def consent_revoke(
    *, actor: Actor, consent: Consent, on: dt.date | None = None, note: str
) -> Consent:
    """Revoke ``consent`` as of ``on`` (default today in the program's zone); ``note`` says
    how the patient asked (e.g. "signed letter handed to the front desk"). A revoked release
    stops sharing with its contact. Raises InvalidTransition when already revoked,
    ValidationError for a missing note or a date outside signing..today. Audits
    CONSENT_REVOKED (and CONTACT_RELEASE_ENDED)."""
    locked = (
        Consent.objects.select_for_update(of=("self",))
        .select_related("episode__program", "contact")
        .get(pk=consent.pk)
    )
    if locked.revoked_on is not None:
        raise InvalidTransition("This consent was already revoked.")
    today = clock.localdate(locked.episode.program.zone)
    revoked_on = on or today
    if not locked.signed_on <= revoked_on <= today:
        raise ValidationError({"on": "The revocation date must be between signing and today."})
    if not note.strip():
        raise ValidationError({"note": "Say how the patient revoked the consent."})
    locked.revoked_on = revoked_on
    locked.revocation_note = note.strip()[:300]
    locked.save(update_fields=["revoked_on", "revocation_note"])
    contact = locked.contact
    if (
        locked.kind == ConsentKind.RELEASE
        and contact is not None
        and contact.release_of_information
    ):
        contact_end_release(actor=actor, contact=contact)
    audit_record(actor=actor, entry=_entry("CONSENT_REVOKED", locked))
    return locked
