"""What the planner reads: staff and patient availability, patients' needs, hour bands.

Windows are local times in the program's zone, replaced as a whole set per person so a form
can show and save them together. Staff availability and hour bands are configuration (audited
without a patient); a patient's availability and needs are about that patient.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from openiop.accounts.models import Membership, User
from openiop.audit.services import audit_record
from openiop.core.actor import Actor
from openiop.core.errors import InvalidTransition
from openiop.patients.models import EpisodeOfCare, EpisodeState, Phase
from openiop.programs.models import Program, Weekday
from openiop.scheduling.models import (
    HourBand,
    PatientAvailability,
    SchedulingNeeds,
    StaffAvailability,
)
from openiop.scheduling.services.audit import patient_entries, program_entry

Window = tuple[int, dt.time, dt.time]


def _check_windows(windows: Sequence[Window]) -> list[Window]:
    """Sorted windows; raises ValidationError for an inverted window, an unknown weekday or two
    windows of one day that overlap."""
    ordered = sorted(windows)
    for day, begin, end in ordered:
        if day not in Weekday.values:
            raise ValidationError(f"Unknown weekday {day}.")
        if end <= begin:
            raise ValidationError(f"{Weekday(day).label}: a window must end after it starts.")
    for (day, _, end), (next_day, next_begin, _) in itertools.pairwise(ordered):
        if day == next_day and next_begin < end:
            raise ValidationError(f"{Weekday(day).label}: two windows overlap.")
    return ordered


@transaction.atomic
def staff_availability_set(
    *, actor: Actor, program: Program, user: User, windows: Sequence[Window]
) -> list[StaffAvailability]:
    """Replace the weekly windows in which ``user`` can be scheduled in ``program``. Raises
    ValidationError for bad windows or a user without an active role there. Audits
    STAFF_AVAILABILITY_CHANGED (configuration: no patient)."""
    if not Membership.objects.filter(user=user, program=program, is_active=True).exists():
        raise ValidationError("That person holds no active role in this program.")
    ordered = _check_windows(windows)
    StaffAvailability.objects.filter(program=program, user=user).delete()
    rows = StaffAvailability.objects.bulk_create(
        StaffAvailability(program=program, user=user, weekday=d, starts_at=b, ends_at=e)
        for d, b, e in ordered
    )
    audit_record(
        actor=actor,
        entry=program_entry(
            "STAFF_AVAILABILITY_CHANGED", program, "user", user.pk, windows=len(rows)
        ),
    )
    return rows


def _require_open(episode: EpisodeOfCare) -> None:
    if episode.state == EpisodeState.DISCHARGED:
        raise InvalidTransition("The episode is discharged; its schedule is closed.")


@transaction.atomic
def patient_availability_set(
    *, actor: Actor, episode: EpisodeOfCare, windows: Sequence[Window]
) -> list[PatientAvailability]:
    """Replace the weekly windows in which the patient of ``episode`` can attend. Raises
    ValidationError for bad windows, InvalidTransition for a discharged episode. Audits
    PATIENT_AVAILABILITY_CHANGED."""
    _require_open(episode)
    ordered = _check_windows(windows)
    PatientAvailability.objects.filter(episode=episode).delete()
    rows = PatientAvailability.objects.bulk_create(
        PatientAvailability(episode=episode, weekday=d, starts_at=b, ends_at=e)
        for d, b, e in ordered
    )
    audit_record(
        actor=actor,
        entry=patient_entries(
            "PATIENT_AVAILABILITY_CHANGED", episode.program, [episode], "episode", episode.pk
        )[0],
    )
    return rows


@transaction.atomic
def scheduling_needs_set(
    *,
    actor: Actor,
    episode: EpisodeOfCare,
    individual_per_week: int,
    emdr: bool,
    family: bool,
    psychiatry_due: bool,
) -> SchedulingNeeds:
    """Set what the episode needs each week besides its group. Raises ValidationError for a
    negative count or more than 5 individual sessions, InvalidTransition for a discharged
    episode. Audits SCHEDULING_NEEDS_CHANGED."""
    _require_open(episode)
    if not 0 <= individual_per_week <= 5:
        raise ValidationError({"individual_per_week": "Between 0 and 5 sessions a week."})
    needs, _ = SchedulingNeeds.objects.select_for_update().get_or_create(episode=episode)
    needs.individual_per_week = individual_per_week
    needs.emdr, needs.family, needs.psychiatry_due = emdr, family, psychiatry_due
    needs.full_clean()
    needs.save(update_fields=["individual_per_week", "emdr", "family", "psychiatry_due"])
    audit_record(
        actor=actor,
        entry=patient_entries(
            "SCHEDULING_NEEDS_CHANGED", episode.program, [episode], "episode", episode.pk
        )[0],
    )
    return needs


@transaction.atomic
def hour_band_set(
    *, actor: Actor, program: Program, phase: Phase, min_hours: int, max_hours: int
) -> HourBand:
    """Set the weekly hour target of ``phase`` in ``program``. Raises ValidationError when the
    band is inverted or outside 0–60 h. Audits HOUR_BAND_CHANGED (configuration)."""
    if not 0 <= min_hours <= max_hours <= 60:
        raise ValidationError("The band must satisfy 0 ≤ minimum ≤ maximum ≤ 60 hours.")
    band, _ = HourBand.objects.select_for_update().get_or_create(
        program=program, phase=phase, defaults={"min_hours": min_hours, "max_hours": max_hours}
    )
    band.min_hours, band.max_hours = min_hours, max_hours
    band.full_clean()
    band.save(update_fields=["min_hours", "max_hours"])
    audit_record(
        actor=actor,
        entry=program_entry(
            "HOUR_BAND_CHANGED",
            program,
            "hour_band",
            band.pk,
            phase=phase.value,
            min_hours=min_hours,
            max_hours=max_hours,
        ),
    )
    return band
