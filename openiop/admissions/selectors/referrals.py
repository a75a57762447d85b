"""Reads for a referral's page and for the referral form's duplicate warnings, always from
the caller's visible set."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from openiop.accounts.models import User
from openiop.admissions.access import referrals_visible_to
from openiop.admissions.models import OPEN_STAGES, Referral, Stage, StageChange
from openiop.core.actor import Actor
from openiop.core.capabilities import Capability
from openiop.patients.access import patients_visible_to
from openiop.patients.models import Patient
from openiop.patients.selectors import patients_audit_listed

_DAY = 86_400


@dataclass(frozen=True, slots=True)
class StageVisit:
    """One stay in a stage: from entering it until the next stage (or now, if current)."""

    stage: Stage
    entered_at: dt.datetime
    left_at: dt.datetime | None
    duration: dt.timedelta | None
    by: User | None

    @property
    def days(self) -> float | None:
        return None if self.duration is None else round(self.duration.total_seconds() / _DAY, 1)


def referral_history(referral: Referral, *, now: dt.datetime) -> list[StageVisit]:
    """The referral's stages in order with the time spent in each (one query). The current
    stage counts until ``now`` while the referral is open; a closed or admitted referral's
    last entry has no duration."""
    changes = list(
        StageChange.objects.filter(referral=referral)
        .select_related("by")
        .order_by("entered_at", "pk")
    )
    visits = [
        StageVisit(Stage(a.stage), a.entered_at, b.entered_at, b.entered_at - a.entered_at, a.by)
        for a, b in pairwise(changes)
    ]
    if changes:
        last = changes[-1]
        ongoing = last.stage in OPEN_STAGES
        duration = now - last.entered_at if ongoing else None
        visits.append(StageVisit(Stage(last.stage), last.entered_at, None, duration, last.by))
    return visits


def duplicate_patients_visible(user: Any, candidate_ids: Iterable[int]) -> list[Patient]:
    """The likely-duplicate candidates this user may see (name, birth date, MRN)."""
    return list(
        patients_visible_to(user)
        .filter(pk__in=list(candidate_ids))
        .order_by("legal_family_name", "legal_given_name", "pk")
    )


def duplicate_patients_shown(
    user: Any, candidate_ids: Iterable[int], *, actor: Actor
) -> list[Patient]:
    """``duplicate_patients_visible``, each audited as listed (the form names them)."""
    shown = duplicate_patients_visible(user, candidate_ids)
    patients_audit_listed(actor=actor, patients=shown)
    return shown


def open_referrals_shown(user: Any, referral_ids: Iterable[int], *, actor: Actor) -> list[Referral]:
    """The duplicate open referrals this user may open, their people audited as listed."""
    shown = list(
        referrals_visible_to(user, Capability.VIEW_ADMISSIONS)
        .filter(pk__in=list(referral_ids))
        .order_by("pk")
    )
    patients = list({r.episode.patient_id: r.episode.patient for r in shown}.values())
    part2 = {r.episode.patient_id for r in shown if r.episode.program.is_part2}
    patients_audit_listed(actor=actor, patients=patients, part2_ids=part2)
    return shown
