"""Writes about patients. Each service validates, writes, and audits in one transaction.

Episode state changes happen only here, in transition services that check the current
state first (CONVENTIONS §3). Dates of care are local dates in the program's time zone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from openiop.accounts.models import Membership, User
from openiop.accounts.roles import CARE_TEAM_SEATS
from openiop.audit.models import DataCategory
from openiop.audit.services import Entry, audit_record, audit_record_many
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.core.errors import InvalidTransition
from openiop.patients.errors import CareTeamRuleBroken, LikelyDuplicatePatient
from openiop.patients.models import (
    OPEN_STATES,
    CareTeam,
    CohortMembership,
    DischargeReason,
    EpisodeOfCare,
    EpisodeState,
    Language,
    MrnSequence,
    Patient,
    PatientContact,
    Phase,
)
from openiop.patients.names import duplicate_prefix, name_key
from openiop.programs.models import Cohort, Program, Track

EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
DEMOGRAPHIC_FIELDS = (
    "legal_given_name",
    "legal_family_name",
    "preferred_name",
    "pronouns",
    "date_of_birth",
    "language",
    "phone",
    "email",
)


def _entry(action: str, episode_or_patient: EpisodeOfCare | Patient, **detail: Any) -> Entry:
    if isinstance(episode_or_patient, EpisodeOfCare):
        episode = episode_or_patient
        return Entry(
            action=action,
            category=DataCategory.EPISODE,
            patient_id=episode.patient_id,
            part2=episode.program.is_part2,
            object_type="episode",
            object_id=str(episode.pk),
            detail=detail,
        )
    patient = episode_or_patient
    part2 = EpisodeOfCare.objects.filter(patient=patient, program__is_part2=True).exists()
    return Entry(
        action=action,
        category=DataCategory.DEMOGRAPHICS,
        patient_id=patient.pk,
        part2=part2,
        object_type="patient",
        object_id=str(patient.pk),
        detail=detail,
    )


def _next_mrn() -> str:
    sequence, _ = MrnSequence.objects.select_for_update().get_or_create(pk=1)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{sequence.last:07d}"


def _validate_birth_date(date_of_birth: dt.date, *, today: dt.date) -> None:
    if date_of_birth > today:
        raise ValidationError({"date_of_birth": "The date of birth cannot be in the future."})
    if date_of_birth < EARLIEST_BIRTH_DATE:
        raise ValidationError({"date_of_birth": "Check the year: that date is before 1900."})


@transaction.atomic
def patient_register(
    *,
    actor: Actor,
    program: Program,
    legal_given_name: str,
    legal_family_name: str,
    date_of_birth: dt.date,
    preferred_name: str = "",
    pronouns: str = "",
    language: str = Language.ENGLISH,
    phone: str = "",
    email: str = "",
    referred_on: dt.date | None = None,
    confirm_not_duplicate: bool = False,
) -> Patient:
    """Register a new patient with a referred episode in ``program`` (which the caller has
    already authorized for REGISTER_PATIENT).

    Raises LikelyDuplicatePatient when someone with the same legal name and date of birth
    exists, unless the user confirmed this is a different person; ValidationError for bad
    fields (a birth date in the future, names over 150 characters, …). Audits
    PATIENT_CREATED and EPISODE_OPENED.
    """
    today = clock.localdate(program.zone)
    _validate_birth_date(date_of_birth, today=today)
    candidates = list(
        Patient.objects.filter(
            name_key__startswith=duplicate_prefix(given=legal_given_name, family=legal_family_name),
            date_of_birth=date_of_birth,
        ).values_list("pk", flat=True)
    )
    if candidates and not confirm_not_duplicate:
        raise LikelyDuplicatePatient(
            "A patient with this legal name and date of birth is already registered.",
            candidate_ids=candidates,
        )
    patient = Patient(
        mrn=_next_mrn(),
        legal_given_name=legal_given_name.strip(),
        legal_family_name=legal_family_name.strip(),
        preferred_name=preferred_name.strip(),
        pronouns=pronouns.strip(),
        date_of_birth=date_of_birth,
        language=language,
        phone=phone,
        email=email,
        created_at=clock.now(),
    )
    patient.name_key = name_key(
        given=patient.legal_given_name,
        family=patient.legal_family_name,
        preferred=patient.preferred_name,
    )
    patient.full_clean()
    patient.save()
    episode = _episode_open(program=program, patient=patient, referred_on=referred_on or today)
    audit_record_many(
        actor=actor,
        entries=[
            _entry("PATIENT_CREATED", patient, possible_duplicate_of=candidates),
            _entry("EPISODE_OPENED", episode),
        ],
    )
    return patient


@transaction.atomic
def patient_update(*, actor: Actor, patient: Patient, **changes: Any) -> Patient:
    """Change demographics. Audits PATIENT_UPDATED with the names (not values) of changed
    fields. Raises ValidationError on bad values and leaves the record untouched."""
    unknown = set(changes) - set(DEMOGRAPHIC_FIELDS)
    if unknown:
        raise ValueError(f"not demographic fields: {sorted(unknown)}")
    changed = [f for f, v in changes.items() if getattr(patient, f) != v]
    if not changed:
        return patient
    for field, value in changes.items():
        setattr(patient, field, value.strip() if isinstance(value, str) else value)
    if "date_of_birth" in changed:
        _validate_birth_date(patient.date_of_birth, today=clock.now().date())
    patient.name_key = name_key(
        given=patient.legal_given_name,
        family=patient.legal_family_name,
        preferred=patient.preferred_name,
    )
    patient.full_clean()
    patient.save(update_fields=[*changed, "name_key"])
    audit_record(actor=actor, entry=_entry("PATIENT_UPDATED", patient, fields=sorted(changed)))
    return patient


@transaction.atomic
def contact_add(
    *,
    actor: Actor,
    patient: Patient,
    name: str,
    relationship: str,
    phone: str = "",
    email: str = "",
    is_emergency_contact: bool = False,
    release_of_information: bool = False,
    release_expires_on: dt.date | None = None,
) -> PatientContact:
    contact = PatientContact(
        patient=patient,
        name=name.strip(),
        relationship=relationship.strip(),
        phone=phone,
        email=email,
        is_emergency_contact=is_emergency_contact,
        release_of_information=release_of_information,
        release_expires_on=release_expires_on,
    )
    contact.full_clean()
    contact.save()
    entry = _entry("CONTACT_ADDED", patient)
    audit_record(
        actor=actor,
        entry=Entry(
            action=entry.action,
            category=DataCategory.CONTACTS,
            patient_id=patient.pk,
            part2=entry.part2,
            object_type="contact",
            object_id=str(contact.pk),
        ),
    )
    return contact


def _episode_open(*, program: Program, patient: Patient, referred_on: dt.date) -> EpisodeOfCare:
    if EpisodeOfCare.objects.filter(
        patient=patient, program=program, state__in=OPEN_STATES
    ).exists():
        raise InvalidTransition("This patient already has an open episode in that program.")
    episode = EpisodeOfCare(
        patient=patient,
        program=program,
        level_of_care=program.level_of_care,
        state=EpisodeState.REFERRED,
        referred_on=referred_on,
    )
    episode.full_clean()
    episode.save()
    CareTeam.objects.create(episode=episode)
    return episode


@transaction.atomic
def episode_open(
    *, actor: Actor, patient: Patient, program: Program, referred_on: dt.date | None = None
) -> EpisodeOfCare:
    """Open a new referred episode, e.g. a readmission after discharge. Audits EPISODE_OPENED."""
    episode = _episode_open(
        program=program, patient=patient, referred_on=referred_on or clock.localdate(program.zone)
    )
    audit_record(actor=actor, entry=_entry("EPISODE_OPENED", episode))
    return episode


def _require_state(episode: EpisodeOfCare, allowed: tuple[str, ...], verb: str) -> None:
    if episode.state not in allowed:
        raise InvalidTransition(
            f"Cannot {verb} an episode that is {episode.get_state_display().lower()}."
        )


# An admission may be recorded ahead of the first day of treatment, up to a month out.
ADMISSION_LEAD_DAYS = 30


def _service_date(episode: EpisodeOfCare, on: dt.date | None, *, lead_days: int = 0) -> dt.date:
    today = clock.localdate(episode.program.zone)
    chosen = on or today
    if chosen > today + dt.timedelta(days=lead_days):
        if lead_days:
            raise ValidationError(
                f"A start date can be at most {lead_days} days ahead for this program."
            )
        raise ValidationError("That date is in the future for this program.")
    if chosen < episode.referred_on:
        raise ValidationError("That date is before the referral.")
    return chosen


@transaction.atomic
def episode_waitlist(
    *, actor: Actor, episode: EpisodeOfCare, on: dt.date | None = None
) -> EpisodeOfCare:
    """referred → waitlisted. Audits EPISODE_WAITLISTED."""
    _require_state(episode, (EpisodeState.REFERRED,), "waitlist")
    episode.state = EpisodeState.WAITLISTED
    episode.waitlisted_on = _service_date(episode, on)
    episode.save(update_fields=["state", "waitlisted_on"])
    audit_record(actor=actor, entry=_entry("EPISODE_WAITLISTED", episode))
    return episode


@transaction.atomic
def episode_admit(
    *, actor: Actor, episode: EpisodeOfCare, track: Track | None, on: dt.date | None = None
) -> EpisodeOfCare:
    """referred/waitlisted → admitted, in the stabilization phase, from ``on`` (today by
    default; up to ADMISSION_LEAD_DAYS ahead for a start next week). Audits EPISODE_ADMITTED."""
    _require_state(episode, (EpisodeState.REFERRED, EpisodeState.WAITLISTED), "admit")
    if track is not None and track.program_id != episode.program_id:
        raise ValidationError({"track": "That track belongs to another program."})
    admitted_on = _service_date(episode, on, lead_days=ADMISSION_LEAD_DAYS)
    episode.state = EpisodeState.ADMITTED
    episode.track = track
    episode.admitted_on = admitted_on
    episode.phase = Phase.STABILIZATION
    episode.phase_since = admitted_on
    episode.save(update_fields=["state", "track", "admitted_on", "phase", "phase_since"])
    audit_record(actor=actor, entry=_entry("EPISODE_ADMITTED", episode, track_id=episode.track_id))
    return episode


def _close_cohort_membership(episode: EpisodeOfCare, on: dt.date) -> None:
    CohortMembership.objects.filter(episode=episode, left_on__isnull=True).update(left_on=on)


@transaction.atomic
def episode_assign_cohort(
    *, actor: Actor, episode: EpisodeOfCare, cohort: Cohort | None, on: dt.date | None = None
) -> EpisodeOfCare:
    """Place an admitted episode in a cohort of its track (or take it out), closing the
    current CohortMembership on ``on`` (default today in the program's zone) and opening the
    next. Audits EPISODE_COHORT_ASSIGNED. Raises InvalidTransition unless admitted,
    ValidationError when the cohort belongs to another track or the date is out of range."""
    _require_state(episode, (EpisodeState.ADMITTED,), "assign a cohort to")
    if cohort is not None and cohort.track_id != episode.track_id:
        raise ValidationError({"cohort": "That cohort meets in another track."})
    if cohort is not None and cohort.pk == episode.cohort_id:
        return episode
    joined_on = max(_service_date(episode, on), episode.admitted_on or episode.referred_on)
    _close_cohort_membership(episode, joined_on)
    if cohort is not None:
        CohortMembership.objects.create(episode=episode, cohort=cohort, joined_on=joined_on)
    episode.cohort = cohort
    episode.save(update_fields=["cohort"])
    audit_record(
        actor=actor,
        entry=_entry("EPISODE_COHORT_ASSIGNED", episode, cohort_id=episode.cohort_id),
    )
    return episode


@transaction.atomic
def episode_change_phase(
    *, actor: Actor, episode: EpisodeOfCare, phase: Phase, on: dt.date | None = None
) -> EpisodeOfCare:
    """Move an admitted episode to another phase. Audits EPISODE_PHASE_CHANGED."""
    _require_state(episode, (EpisodeState.ADMITTED,), "change the phase of")
    if episode.phase == phase:
        raise InvalidTransition(f"The episode is already in the {phase.label.lower()} phase.")
    previous = episode.phase
    episode.phase = phase
    episode.phase_since = _service_date(episode, on)
    episode.save(update_fields=["phase", "phase_since"])
    audit_record(
        actor=actor,
        entry=_entry("EPISODE_PHASE_CHANGED", episode, previous=previous, phase=phase.value),
    )
    return episode


@transaction.atomic
def episode_discharge(
    *, actor: Actor, episode: EpisodeOfCare, reason: DischargeReason, on: dt.date | None = None
) -> EpisodeOfCare:
    """Close an open episode. An admitted episode is discharged for a clinical reason; one
    that never started is closed as not admitted. Audits EPISODE_DISCHARGED."""
    _require_state(episode, OPEN_STATES, "discharge")
    admitted = episode.state == EpisodeState.ADMITTED
    if admitted == (reason == DischargeReason.NOT_ADMITTED):
        raise ValidationError(
            {"reason": "Use 'closed before admission' only for episodes that were never admitted."}
        )
    discharged_on = _service_date(episode, on)
    if episode.admitted_on and discharged_on < episode.admitted_on:
        raise ValidationError("The discharge date is before the admission.")
    episode.state = EpisodeState.DISCHARGED
    episode.discharged_on = discharged_on
    episode.discharge_reason = reason
    episode.save(update_fields=["state", "discharged_on", "discharge_reason"])
    # The cohort pointer stays: outcomes are grouped by the cohort a patient finished in.
    _close_cohort_membership(episode, discharged_on)
    audit_record(actor=actor, entry=_entry("EPISODE_DISCHARGED", episode, reason=reason.value))
    return episode


@transaction.atomic
def care_team_assign(
    *, actor: Actor, episode: EpisodeOfCare, seat: str, member: User | None
) -> CareTeam:
    """Put a staff member in a care-team seat (or empty it). The member must hold a fitting
    active role in the episode's program, and a primary therapist must be under their
    caseload cap. Raises CareTeamRuleBroken otherwise. Audits CARE_TEAM_ASSIGNED."""
    if seat not in CARE_TEAM_SEATS:
        raise CareTeamRuleBroken(f"Unknown care-team seat {seat!r}.")
    if episode.state == EpisodeState.DISCHARGED:
        raise InvalidTransition("The care team of a discharged episode is closed.")
    team = CareTeam.objects.select_for_update().get(episode=episode)
    if member is not None:
        _check_seat(episode=episode, seat=seat, member=member)
    setattr(team, f"{seat}_id", member.pk if member else None)
    team.save(update_fields=[seat])
    audit_record(
        actor=actor,
        entry=Entry(
            action="CARE_TEAM_ASSIGNED",
            category=DataCategory.CARE_TEAM,
            patient_id=episode.patient_id,
            part2=episode.program.is_part2,
            object_type="care_team",
            object_id=str(team.pk),
            detail={"seat": seat, "user_id": member.pk if member else None},
        ),
    )
    return team


def _check_seat(*, episode: EpisodeOfCare, seat: str, member: User) -> None:
    memberships = Membership.objects.filter(
        user=member, program_id=episode.program_id, is_active=True, role__in=CARE_TEAM_SEATS[seat]
    )
    if not memberships.exists():
        raise CareTeamRuleBroken(
            f"{member.display_name} holds no role for this seat in this program."
        )
    if seat != "primary_therapist":
        return
    caps = [m.caseload_cap for m in memberships if m.caseload_cap is not None]
    if not caps:
        return
    caseload = (
        CareTeam.objects.filter(
            primary_therapist=member,
            episode__program_id=episode.program_id,
            episode__state__in=OPEN_STATES,
        )
        .exclude(episode=episode)
        .count()
    )
    if caseload >= max(caps):
        raise CareTeamRuleBroken(
            f"{member.display_name} is at their caseload cap of {max(caps)} in this program."
        )
