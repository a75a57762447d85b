"""Reads of patient data, always starting from the caller's visible set (security.md R14)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from openiop.accounts.access import program_ids_with
from openiop.accounts.models import User
from openiop.accounts.roles import CARE_TEAM_SEATS
from openiop.audit.models import DataCategory
from openiop.audit.services import Entry, audit_record_many
from openiop.core.actor import Actor
from openiop.core.capabilities import Capability
from openiop.patients.access import patients_visible_to
from openiop.patients.models import (
    OPEN_STATES,
    EpisodeOfCare,
    EpisodeState,
    Patient,
    PatientContact,
    ReleaseStatus,
)
from openiop.patients.names import fold


@dataclass(frozen=True, slots=True)
class PatientFilter:
    query: str = ""
    program_id: int | None = None
    track_id: int | None = None
    state: str = ""
    phase: str = ""


def _episodes_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "episodes",
        queryset=EpisodeOfCare.objects.select_related("program", "track").order_by(
            "-referred_on", "-pk"
        ),
        to_attr="episode_list",
    )


def patient_list_visible(user: Any, *, filters: PatientFilter) -> QuerySet[Patient]:
    """Patients the user may see, filtered by name/MRN and by their episodes' program,
    track, state and phase. Each patient carries ``episode_list`` (newest first)."""
    patients = patients_visible_to(user, Capability.VIEW_PATIENTS)
    if filters.query:
        folded = fold(filters.query)
        patients = patients.filter(Q(name_key__contains=folded) | Q(mrn=filters.query.strip()))
    episode_q = Q()
    if filters.program_id is not None:
        episode_q &= Q(program_id=filters.program_id)
    if filters.track_id is not None:
        episode_q &= Q(track_id=filters.track_id)
    if filters.state:
        episode_q &= Q(state=filters.state)
    if filters.phase:
        episode_q &= Q(state=EpisodeState.ADMITTED, phase=filters.phase)
    if episode_q:
        matching = EpisodeOfCare.objects.filter(episode_q).values("patient_id")
        patients = patients.filter(pk__in=matching)
    return patients.prefetch_related(_episodes_prefetch()).order_by(
        "legal_family_name", "legal_given_name", "pk"
    )


def patients_audit_listed(
    *, actor: Actor, patients: list[Patient], part2_ids: set[int] | None = None
) -> None:
    """One PATIENT_LISTED row per patient shown, so each patient's access history includes
    the lists they appeared in (decision recorded in docs/architecture.md). Part 2 comes from
    the ``is_part2`` annotation of ``patients_visible_to``, or from ``part2_ids`` when the
    caller knows it from the episodes it listed."""
    audit_record_many(
        actor=actor,
        entries=[
            Entry(
                action="PATIENT_LISTED",
                category=DataCategory.DEMOGRAPHICS,
                patient_id=p.pk,
                part2=bool(getattr(p, "is_part2", False)) or p.pk in (part2_ids or set()),
                object_type="patient",
                object_id=str(p.pk),
            )
            for p in patients
        ],
    )


def patient_chart(patient: Patient) -> Patient:
    """The patient with episodes (program, track, care team) and contacts loaded."""
    return Patient.objects.prefetch_related(
        Prefetch(
            "episodes",
            queryset=EpisodeOfCare.objects.select_related(
                "program__site",
                "track",
                "care_team__primary_therapist",
                "care_team__prescriber",
                "care_team__case_manager",
            ).order_by("-referred_on", "-pk"),
            to_attr="episode_list",
        ),
        "contacts",
    ).get(pk=patient.pk)


@dataclass(frozen=True, slots=True)
class CensusRow:
    program_id: int
    program: str
    track: str
    phase: str
    count: int


def census(user: Any) -> dict[str, Any]:
    """Admitted patients by program, track and phase, plus open referrals and waitlist, for
    the programs the user may see. Counts only; no names (one query per figure)."""
    program_ids = program_ids_with(user, Capability.VIEW_DASHBOARD)
    episodes = EpisodeOfCare.objects.filter(program_id__in=program_ids)
    admitted = (
        episodes.filter(state=EpisodeState.ADMITTED)
        .values("program_id", "program__name", "track__name", "phase")
        .annotate(count=Count("pk"))
        .order_by("program__name", "track__name", "phase")
    )
    rows = [
        CensusRow(
            program_id=r["program_id"],
            program=r["program__name"],
            track=r["track__name"] or "No track yet",
            phase=r["phase"],
            count=r["count"],
        )
        for r in admitted
    ]
    pending = (
        episodes.filter(state__in=[EpisodeState.REFERRED, EpisodeState.WAITLISTED])
        .values("program__name", "state")
        .annotate(count=Count("pk"))
        .order_by("program__name", "state")
    )
    return {
        "rows": rows,
        "pending": list(pending),
        "open_total": episodes.filter(state__in=OPEN_STATES).count(),
    }


def contacts_with_release(patient: Patient, *, today: dt.date) -> list[tuple[PatientContact, str]]:
    """The patient's contacts, each with whether staff may share information with them on
    ``today`` (the program's local date): a signed release that has not expired. A release
    expiring today is still valid today."""
    result = []
    for contact in patient.contacts.all():  # prefetched by patient_chart
        if not contact.release_of_information:
            status = ReleaseStatus.NONE
        elif contact.release_expires_on is not None and contact.release_expires_on < today:
            status = ReleaseStatus.EXPIRED
        else:
            status = ReleaseStatus.ACTIVE
        result.append((contact, status.value))
    return result


def care_team_candidates(episode: EpisodeOfCare, seat: str) -> QuerySet[User]:
    """Active staff of the episode's program who may fill ``seat``."""
    return (
        User.objects.filter(
            memberships__program_id=episode.program_id,
            memberships__is_active=True,
            memberships__role__in=CARE_TEAM_SEATS[seat],
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )
