"""Referral intake and the pipeline's stage transitions.

Taking a referral registers the person (or reuses their record after a confirmed match)
with a referred episode, so every later step is access-checked and audited against a
patient. Stages move forward one at a time, and only when the stage's meaning is true
(the gates below); admission is the admission service's to set.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from openiop.accounts.models import User
from openiop.admissions.access import referral_entry
from openiop.admissions.errors import DuplicateReferral, NoContactMethod, StageGateNotMet
from openiop.admissions.models import (
    OPEN_STAGES,
    AssessmentStatus,
    CloseReason,
    Referral,
    ReferralSource,
    Stage,
    StageChange,
    Urgency,
    WaitlistEntry,
)
from openiop.audit.services import audit_record
from openiop.billing.panel import authorization_settled, benefits_verified
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.core.errors import InvalidTransition
from openiop.patients import services as patient_services
from openiop.patients.errors import LikelyDuplicatePatient
from openiop.patients.models import DischargeReason, Language, Patient
from openiop.patients.names import duplicate_prefix
from openiop.programs.models import Program, Track

MAX_RECEIVED_AGO = dt.timedelta(days=365)
PIPELINE = (
    Stage.REFERRED,
    Stage.SCREENING,
    Stage.INTAKE_SCHEDULED,
    Stage.ASSESSED,
    Stage.BENEFITS_VERIFIED,
    Stage.AUTHORIZED,
    Stage.ADMITTED,
)


@dataclass(frozen=True)
class Person:
    """Who is referred, as the referral gives it."""

    legal_given_name: str
    legal_family_name: str
    date_of_birth: dt.date
    phone: str = ""
    email: str = ""
    preferred_name: str = ""
    pronouns: str = ""
    language: str = Language.ENGLISH


@dataclass(frozen=True)
class ReferralDetails:
    source: ReferralSource
    reason: str
    urgency: Urgency
    referrer_name: str = ""
    referrer_organization: str = ""
    referrer_phone: str = ""
    referrer_email: str = ""
    requested_track: Track | None = None
    insurance_payer: str = ""
    insurance_member_id: str = ""


def _open_referrals_of(patient_ids: list[int]) -> list[int]:
    return list(
        Referral.objects.filter(
            episode__patient_id__in=patient_ids, stage__in=OPEN_STAGES
        ).values_list("pk", flat=True)
    )


def _check_duplicates(person: Person, *, confirm_not_duplicate: bool) -> None:
    candidates = list(
        Patient.objects.filter(
            name_key__startswith=duplicate_prefix(
                given=person.legal_given_name, family=person.legal_family_name
            ),
            date_of_birth=person.date_of_birth,
        ).values_list("pk", flat=True)
    )
    if not candidates or confirm_not_duplicate:
        return
    open_ids = _open_referrals_of(candidates)
    if open_ids:
        raise DuplicateReferral(
            "This person already has an open referral; continue that one.",
            referral_ids=open_ids,
        )
    raise LikelyDuplicatePatient(
        "Someone with this legal name and date of birth is already registered.",
        candidate_ids=candidates,
    )


def _validate(program: Program, person: Person | None, details: ReferralDetails) -> None:
    if person is not None and not (person.phone.strip() or person.email.strip()):
        raise NoContactMethod(
            "Give a phone number or an e-mail address to reach the person.", field="phone"
        )
    if not details.reason.strip():
        raise ValidationError({"reason": "Say why the person is referred."})
    track = details.requested_track
    if track is not None and track.program_id != program.pk:
        raise ValidationError({"requested_track": "That track belongs to another program."})


@transaction.atomic
def referral_create(
    *,
    actor: Actor,
    user: User | None,
    program: Program,
    details: ReferralDetails,
    person: Person | None = None,
    existing_patient: Patient | None = None,
    confirm_not_duplicate: bool = False,
    received_at: dt.datetime | None = None,
) -> Referral:
    """Take a referral to ``program`` (which the caller authorized for MANAGE_REFERRALS).

    Give either ``person`` (a new record) or ``existing_patient`` (someone already known,
    e.g. a readmission: a new episode opens). ``received_at`` is when the referral came
    in, if earlier than now (a faxed referral entered later); it starts the clock of the
    referred stage. Raises NoContactMethod, DuplicateReferral (the
    person already has an open referral), LikelyDuplicatePatient (a name and birth-date
    match the user has not resolved), InvalidTransition (already in this program) or
    ValidationError. Audits PATIENT_CREATED/EPISODE_OPENED and REFERRAL_CREATED.
    """
    if (person is None) == (existing_patient is None):
        raise ValueError("give exactly one of person or existing_patient")
    _validate(program, person, details)
    now = clock.now()
    received = received_at or now
    if not now - MAX_RECEIVED_AGO <= received <= now:
        raise ValidationError(
            {"received_at": "The referral must have been received within the last year."}
        )
    if existing_patient is not None:
        if open_ids := _open_referrals_of([existing_patient.pk]):
            raise DuplicateReferral(
                "This person already has an open referral; continue that one.",
                referral_ids=open_ids,
            )
        if not (existing_patient.phone or existing_patient.email):
            raise NoContactMethod(
                "The record has no phone number or e-mail address; add one first.", field="phone"
            )
        episode = patient_services.episode_open(
            actor=actor,
            patient=existing_patient,
            program=program,
            referred_on=clock.localdate(program.zone, received),
        )
    elif person is not None:
        _check_duplicates(person, confirm_not_duplicate=confirm_not_duplicate)
        patient = patient_services.patient_register(
            actor=actor,
            program=program,
            legal_given_name=person.legal_given_name,
            legal_family_name=person.legal_family_name,
            date_of_birth=person.date_of_birth,
            preferred_name=person.preferred_name,
            pronouns=person.pronouns,
            language=person.language,
            phone=person.phone.strip(),
            email=person.email.strip(),
            confirm_not_duplicate=True,
            referred_on=clock.localdate(program.zone, received),
        )
        episode = patient.episodes.get(program=program, state="referred")
    referral = Referral(
        episode=episode,
        source=details.source,
        referrer_name=details.referrer_name.strip(),
        referrer_organization=details.referrer_organization.strip(),
        referrer_phone=details.referrer_phone.strip(),
        referrer_email=details.referrer_email.strip(),
        reason=details.reason.strip(),
        urgency=details.urgency,
        requested_track=details.requested_track,
        insurance_payer=details.insurance_payer.strip(),
        insurance_member_id=details.insurance_member_id.strip(),
        stage=Stage.REFERRED,
        stage_since=received,
        received_at=received,
        created_by=user,
    )
    referral.full_clean()
    referral.save()
    StageChange.objects.create(
        referral=referral, stage=Stage.REFERRED, entered_at=received, by=user
    )
    audit_record(
        actor=actor,
        entry=referral_entry(
            "REFERRAL_CREATED", referral, source=details.source, urgency=details.urgency
        ),
    )
    return referral


def enter_stage(referral: Referral, stage: Stage, *, user: User | None) -> None:
    """Record that ``referral`` entered ``stage`` now. Only for transition services (here
    and in the admission service); callers check the transition and audit it."""
    now = clock.now()
    referral.stage = stage
    referral.stage_since = now
    referral.save(update_fields=["stage", "stage_since", "close_reason", "close_note"])
    StageChange.objects.create(referral=referral, stage=stage, entered_at=now, by=user)


def stage_gate(referral: Referral, stage: Stage) -> str | None:
    """Why ``referral`` may not enter ``stage`` yet, or None when it may."""
    episode = referral.episode
    if stage == Stage.INTAKE_SCHEDULED and referral.intake_at is None:
        return "Set the intake appointment first."
    if (
        stage == Stage.ASSESSED
        and not referral.assessments.filter(
            status=AssessmentStatus.COMPLETED, decisions__isnull=False
        ).exists()
    ):
        return "Complete the intake assessment and record the level-of-care decision first."
    if stage == Stage.BENEFITS_VERIFIED and not benefits_verified(episode):
        return "Verify benefits with the payer, or record a sliding-fee determination for self-pay."
    if stage == Stage.AUTHORIZED:
        settled, why = authorization_settled(episode, clock.localdate(episode.program.zone))
        if not settled:
            return why
    return None


def next_stage(referral: Referral) -> Stage | None:
    """The stage after the current one, or None at the end (or when closed). Admission is
    never "next" here: only admitting the person enters it."""
    if referral.stage not in PIPELINE:
        return None
    following = PIPELINE[PIPELINE.index(Stage(referral.stage)) + 1 :]
    return following[0] if following and following[0] != Stage.ADMITTED else None


@transaction.atomic
def referral_advance(
    *, actor: Actor, user: User | None, referral: Referral, intake_at: dt.datetime | None = None
) -> Referral:
    """Move an open referral to the next stage. Entering "intake scheduled" takes the
    appointment time. Raises InvalidTransition (closed, admitted or at the last stage before
    admission) or StageGateNotMet with the reason. Audits REFERRAL_STAGE_CHANGED."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("episode__program")
        .get(pk=referral.pk)
    )
    target = next_stage(referral)
    if target is None:
        raise InvalidTransition(
            f"A referral that is {referral.get_stage_display().lower()} moves on only by "
            "admission or closing."
        )
    if target == Stage.INTAKE_SCHEDULED:
        if intake_at is None:
            raise StageGateNotMet("Give the date and time of the intake appointment.")
        referral.intake_at = intake_at
        referral.save(update_fields=["intake_at"])
    if (why := stage_gate(referral, target)) is not None:
        raise StageGateNotMet(why)
    previous = referral.stage
    enter_stage(referral, target, user=user)
    audit_record(
        actor=actor,
        entry=referral_entry(
            "REFERRAL_STAGE_CHANGED", referral, previous=previous, stage=target.value
        ),
    )
    return referral


@transaction.atomic
def referral_close(
    *, actor: Actor, user: User | None, referral: Referral, reason: CloseReason, note: str = ""
) -> Referral:
    """Close an open referral (referred elsewhere, declined, unreachable): the episode
    closes as not admitted and any waitlist entry ends. Raises InvalidTransition when it is
    already closed or admitted. Audits REFERRAL_CLOSED."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("episode__program")
        .get(pk=referral.pk)
    )
    if referral.stage not in OPEN_STAGES:
        raise InvalidTransition(f"This referral is already {referral.get_stage_display().lower()}.")
    referral.close_reason = reason
    referral.close_note = note.strip()[:300]
    enter_stage(referral, Stage.CLOSED, user=user)
    WaitlistEntry.objects.filter(referral=referral, closed_at__isnull=True).update(
        closed_at=clock.now()
    )
    patient_services.episode_discharge(
        actor=actor, episode=referral.episode, reason=DischargeReason.NOT_ADMITTED
    )
    audit_record(
        actor=actor, entry=referral_entry("REFERRAL_CLOSED", referral, reason=reason.value)
    )
    return referral
