"""Benefits verification: who called (or checked the portal), when, and what the payer
confirmed. The confirmed values become the coverage's benefit values in the same
transaction, and stay snapshotted on the verification."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from openiop.accounts.models import User
from openiop.audit.services import audit_record_many
from openiop.billing.benefits import BenefitValues, benefit_problems, snapshot
from openiop.billing.errors import Problem, refuse_if
from openiop.billing.models import BenefitsVerification, Coverage, VerificationMethod
from openiop.billing.services.audit import clean, episode_entry
from openiop.billing.services.coverages import apply_benefits, lock_current
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.patients.models import EpisodeOfCare


@dataclass(frozen=True, slots=True)
class CallRecord:
    """How the benefits were confirmed."""

    method: str
    coverage_active: bool
    payer_reference: str = ""
    payer_representative: str = ""
    notes: str = ""


@transaction.atomic
def benefits_verify(
    *,
    actor: Actor,
    episode: EpisodeOfCare,
    coverage: Coverage,
    verified_by: User,
    call: CallRecord,
    benefits: BenefitValues,
) -> BenefitsVerification:
    """Record a verification of ``coverage`` for ``episode``, stamped now, and set the
    coverage's benefits to the confirmed values.

    Raises CoverageEnded for an ended coverage; InvalidInput for an unknown method
    (``invalid_choice``) or inconsistent benefits (the codes of ``benefit_problems``). Audits
    BENEFITS_VERIFIED, and COVERAGE_UPDATED when a benefit value changed.
    """
    coverage = lock_current(coverage)
    problems = benefit_problems(benefits)
    if call.method not in VerificationMethod.values:
        problems.insert(0, Problem("invalid_choice", "method", "Choose how you verified."))
    refuse_if(problems)
    verification = _record(coverage, episode, verified_by, call, benefits)
    clean(verification)
    verification.save()
    changed = apply_benefits(coverage, benefits)
    entries = [
        episode_entry(
            "BENEFITS_VERIFIED",
            episode,
            verification,
            coverage_id=str(coverage.pk),
            coverage_active=call.coverage_active,
        )
    ]
    if changed:
        clean(coverage)
        coverage.save(update_fields=changed)
        entries.append(episode_entry("COVERAGE_UPDATED", episode, coverage, fields=changed))
    audit_record_many(actor=actor, entries=entries)
    return verification


def _record(
    coverage: Coverage,
    episode: EpisodeOfCare,
    verified_by: User,
    call: CallRecord,
    benefits: BenefitValues,
) -> BenefitsVerification:
    return BenefitsVerification(
        coverage=coverage,
        episode=episode,
        method=call.method,
        payer_reference=call.payer_reference.strip(),
        payer_representative=call.payer_representative.strip(),
        coverage_active=call.coverage_active,
        confirmed=snapshot(benefits),
        notes=call.notes.strip(),
        verified_by=verified_by,
        verified_at=clock.now(),
    )
