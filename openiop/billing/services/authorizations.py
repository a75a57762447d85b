"""Pre-authorization writes: request, then record the payer's approval or denial. An
extension or a re-request after a denial is a new request; nothing stores the state, which
``openiop.billing.authorizations`` derives on every read.

One unit is one service day (per-diem billing, clinical.md §1.5), so a request or approval
can never hold more units than days in its date range.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from openiop.accounts.models import User
from openiop.audit.services import audit_record
from openiop.billing.errors import AuthorizationDecided, Problem, refuse_if
from openiop.billing.models import Authorization, Coverage
from openiop.billing.services.audit import clean, episode_entry
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.patients.models import EpisodeOfCare
from openiop.programs.models import LevelOfCare


@dataclass(frozen=True, slots=True)
class Span:
    """Units over an inclusive date range, as requested or as approved."""

    units: int
    starts_on: dt.date
    ends_on: dt.date


def _span_problems(span: Span, coverage: Coverage, *, start: str, end: str) -> list[Problem]:
    """Problems with ``span``; ``start`` and ``end`` name the form fields of its dates."""
    problems: list[Problem] = []
    if span.units < 1:
        message = "Enter at least one unit (one unit is one service day)."
        problems.append(Problem("authorization_units_not_positive", "units", message))
    if span.ends_on < span.starts_on:
        message = "The end date is before the start date."
        problems.append(Problem("authorization_dates_reversed", end, message))
        return problems
    days = (span.ends_on - span.starts_on).days + 1
    if span.units > days:
        message = f"One unit is one service day: at most {days} in this range."
        problems.append(Problem("authorization_units_exceed_days", "units", message))
    if span.starts_on < coverage.effective_from or (
        coverage.effective_to is not None and span.ends_on > coverage.effective_to
    ):
        until = f"{coverage.effective_to:%Y-%m-%d}" if coverage.effective_to else "open-ended"
        message = f"Outside the coverage period ({coverage.effective_from:%Y-%m-%d} to {until})."
        problems.append(Problem("authorization_outside_coverage", start, message))
    return problems


@transaction.atomic
def authorization_request(
    *,
    actor: Actor,
    episode: EpisodeOfCare,
    coverage: Coverage,
    requested_by: User,
    level: str,
    span: Span,
) -> Authorization:
    """Record a request to the payer of ``coverage`` (one of the patient's current coverages).

    Raises InvalidInput: ``authorization_units_not_positive``, ``authorization_dates_reversed``,
    ``authorization_units_exceed_days``, ``authorization_outside_coverage``,
    ``coverage_not_current`` (ended, or another patient's) and ``invalid_choice`` (level).
    Audits AUTHORIZATION_REQUESTED.
    """
    # Re-read under a lock: the caller's copy may predate the coverage being ended.
    coverage = Coverage.objects.select_for_update().get(pk=coverage.pk)
    problems = _span_problems(span, coverage, start="requested_from", end="requested_to")
    if coverage.patient_id != episode.patient_id or coverage.ended_at is not None:
        problems.append(Problem("coverage_not_current", "coverage", "Choose a current coverage."))
    if level not in LevelOfCare.values:
        problems.append(Problem("invalid_choice", "level", "Choose a level of care."))
    refuse_if(problems)
    authorization = Authorization(
        episode=episode,
        coverage=coverage,
        level=level,
        requested_units=span.units,
        requested_from=span.starts_on,
        requested_to=span.ends_on,
        requested_at=clock.now(),
        requested_by=requested_by,
    )
    clean(authorization)
    authorization.save()
    entry = episode_entry(
        "AUTHORIZATION_REQUESTED", episode, authorization, level=level, units=span.units
    )
    audit_record(actor=actor, entry=entry)
    return authorization


def _lock_undecided(authorization: Authorization) -> Authorization:
    locked = (
        Authorization.objects.select_for_update()
        .select_related("coverage", "episode__program")
        .get(pk=authorization.pk)
    )
    if locked.decided_at is not None:
        raise AuthorizationDecided("The payer's answer to this request is already recorded.")
    return locked


@transaction.atomic
def authorization_approve(
    *,
    actor: Actor,
    authorization: Authorization,
    auth_number: str,
    span: Span,
    next_review_on: dt.date | None = None,
) -> Authorization:
    """Record the payer's approval. Raises AuthorizationDecided when already answered and
    InvalidInput: ``auth_number_required``, the span codes of ``authorization_request``
    (for the approved range), and ``review_outside_approval`` when the next concurrent review
    is not within the approved dates. Audits AUTHORIZATION_APPROVED."""
    authorization = _lock_undecided(authorization)
    problems = _span_problems(
        span, authorization.coverage, start="approved_from", end="approved_to"
    )
    if not auth_number.strip():
        message = "Enter the payer's authorization number."
        problems.insert(0, Problem("auth_number_required", "auth_number", message))
    if next_review_on is not None and not span.starts_on <= next_review_on <= span.ends_on:
        message = "The review date must fall within the approved dates."
        problems.append(Problem("review_outside_approval", "next_review_on", message))
    refuse_if(problems)
    authorization.auth_number = auth_number.strip()
    authorization.approved_units = span.units
    authorization.approved_from = span.starts_on
    authorization.approved_to = span.ends_on
    authorization.next_review_on = next_review_on
    authorization.decided_at = clock.now()
    fields = ["auth_number", "approved_units", "approved_from", "approved_to", "next_review_on"]
    clean(authorization)
    authorization.save(update_fields=[*fields, "decided_at"])
    entry = episode_entry(
        "AUTHORIZATION_APPROVED",
        authorization.episode,
        authorization,
        units=span.units,
        approved_to=span.ends_on.isoformat(),
    )
    audit_record(actor=actor, entry=entry)
    return authorization


@transaction.atomic
def authorization_deny(*, actor: Actor, authorization: Authorization, reason: str) -> Authorization:
    """Record the payer's denial with its reason. Raises AuthorizationDecided when already
    answered and InvalidInput ``denial_reason_required``. Audits AUTHORIZATION_DENIED."""
    authorization = _lock_undecided(authorization)
    if not reason.strip():
        message = "Enter the reason the payer gave."
        refuse_if([Problem("denial_reason_required", "denied_reason", message)])
    authorization.denied_reason = reason.strip()
    authorization.decided_at = clock.now()
    clean(authorization)
    authorization.save(update_fields=["denied_reason", "decided_at"])
    entry = episode_entry("AUTHORIZATION_DENIED", authorization.episode, authorization)
    audit_record(actor=actor, entry=entry)
    return authorization
