"""Coverage writes: add a plan, update its benefits, end it. Each validates, writes and audits
(category INSURANCE) in one transaction; bad input raises InvalidInput and writes nothing.

A coverage belongs to the patient, but every write goes through one of the patient's
episodes: the caller has authorized MANAGE_INSURANCE in that episode's program, and the audit
names it."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db import transaction

from openiop.audit.services import audit_record
from openiop.billing.benefits import BenefitValues, benefit_problems
from openiop.billing.errors import CoverageEnded, Problem, refuse_if
from openiop.billing.models import Coverage, CoverageOrder, SubscriberRelationship
from openiop.billing.services.audit import clean, episode_entry
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.patients.models import EpisodeOfCare


@dataclass(frozen=True, slots=True)
class PlanDetails:
    """Who the payer is and whom the plan covers."""

    order: str
    payer_name: str
    member_id: str
    subscriber_name: str
    subscriber_relationship: str
    effective_from: dt.date
    effective_to: dt.date | None = None
    plan_name: str = ""
    group_number: str = ""
    subscriber_date_of_birth: dt.date | None = None


def _plan_problems(details: PlanDetails) -> list[Problem]:
    problems = [
        Problem("required", name, "This field is required.")
        for name in ("payer_name", "member_id", "subscriber_name")
        if not getattr(details, name).strip()
    ]
    if details.order not in CoverageOrder.values:
        problems.append(Problem("invalid_choice", "order", "Choose primary or secondary."))
    if details.subscriber_relationship not in SubscriberRelationship.values:
        problems.append(Problem("invalid_choice", "subscriber_relationship", "Choose one."))
    if details.effective_to is not None and details.effective_to < details.effective_from:
        problems.append(
            Problem(
                "coverage_dates_reversed",
                "effective_to",
                "The coverage cannot end before it starts.",
            )
        )
    return problems


def _order_taken(episode: EpisodeOfCare, order: str) -> list[Problem]:
    taken = Coverage.objects.filter(
        patient_id=episode.patient_id, order=order, ended_at__isnull=True
    ).exists()
    if not taken:
        return []
    label = CoverageOrder(order).label.lower()
    message = f"The patient already has a current {label} coverage; end it first."
    return [Problem("coverage_order_taken", "order", message)]


@transaction.atomic
def coverage_add(
    *, actor: Actor, episode: EpisodeOfCare, details: PlanDetails, benefits: BenefitValues
) -> Coverage:
    """Add a current coverage for the episode's patient.

    Raises InvalidInput (``required``, ``coverage_dates_reversed``, ``coverage_order_taken``
    and the benefit codes of ``benefit_problems``). Audits COVERAGE_ADDED.
    """
    problems = _plan_problems(details) + benefit_problems(benefits)
    if not problems:
        problems = _order_taken(episode, details.order)
    refuse_if(problems)
    fields = asdict(details) | asdict(benefits)
    for name in ("payer_name", "member_id", "subscriber_name", "plan_name", "group_number"):
        fields[name] = fields[name].strip()
    coverage = Coverage(patient_id=episode.patient_id, created_at=clock.now(), **fields)
    clean(coverage)
    coverage.save()
    audit_record(
        actor=actor,
        entry=episode_entry("COVERAGE_ADDED", episode, coverage, order=coverage.order),
    )
    return coverage


def lock_current(coverage: Coverage) -> Coverage:
    """The coverage's row, locked until the transaction ends (two verifications at once
    apply in turn). Raises CoverageEnded when it has ended."""
    locked = Coverage.objects.select_for_update().get(pk=coverage.pk)
    if locked.ended_at is not None:
        raise CoverageEnded("That coverage has ended; add a new one instead.")
    return locked


@transaction.atomic
def coverage_update_benefits(
    *, actor: Actor, episode: EpisodeOfCare, coverage: Coverage, benefits: BenefitValues
) -> Coverage:
    """Replace a current coverage's benefit values. Raises CoverageEnded for an ended coverage
    and InvalidInput for inconsistent values. Audits COVERAGE_UPDATED with the changed field
    names (not the amounts)."""
    coverage = lock_current(coverage)
    refuse_if(benefit_problems(benefits))
    changed = apply_benefits(coverage, benefits)
    clean(coverage)
    if changed:
        coverage.save(update_fields=changed)
    audit_record(
        actor=actor,
        entry=episode_entry("COVERAGE_UPDATED", episode, coverage, fields=changed),
    )
    return coverage


def apply_benefits(coverage: Coverage, benefits: BenefitValues) -> list[str]:
    """Set the benefit values on ``coverage``; the names of the fields that changed."""
    changed = []
    for name, value in asdict(benefits).items():
        if getattr(coverage, name) != value:
            setattr(coverage, name, value)
            changed.append(name)
    return changed


@transaction.atomic
def coverage_end(
    *, actor: Actor, episode: EpisodeOfCare, coverage: Coverage, effective_to: dt.date
) -> Coverage:
    """End a coverage: it stops being current (a new one of its order may be added) and
    covers nothing after ``effective_to``. Raises CoverageEnded when already ended and
    InvalidInput ``coverage_dates_reversed`` when ``effective_to`` is before its start or
    ``coverage_end_after_term`` when it is after the end date already on record (ending
    never extends a coverage). Audits COVERAGE_ENDED."""
    coverage = lock_current(coverage)
    refuse_if(_end_problems(coverage, effective_to))
    coverage.effective_to = effective_to
    coverage.ended_at = clock.now()
    coverage.save(update_fields=["effective_to", "ended_at"])
    audit_record(
        actor=actor,
        entry=episode_entry(
            "COVERAGE_ENDED", episode, coverage, effective_to=effective_to.isoformat()
        ),
    )
    return coverage


def _end_problems(coverage: Coverage, effective_to: dt.date) -> list[Problem]:
    if effective_to < coverage.effective_from:
        message = "The coverage cannot end before it starts."
        return [Problem("coverage_dates_reversed", "effective_to", message)]
    if coverage.effective_to is not None and effective_to > coverage.effective_to:
        message = f"The coverage already ends on {coverage.effective_to:%Y-%m-%d}."
        return [Problem("coverage_end_after_term", "effective_to", message)]
    return []
