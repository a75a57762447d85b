"""What the admissions pipeline asks of billing: the two gates of its money stages.

(Written by the lead so the pipeline can be built in parallel; the billing helper extends
this module with ``billing_panel``.)
"""

from __future__ import annotations

import datetime as dt

from openiop.billing.models import (
    Authorization,
    BenefitsVerification,
    Coverage,
    CoverageOrder,
    FeeDetermination,
)
from openiop.patients.models import EpisodeOfCare


def _primary_coverage(episode: EpisodeOfCare) -> Coverage | None:
    return Coverage.objects.filter(
        patient_id=episode.patient_id, order=CoverageOrder.PRIMARY, ended_at__isnull=True
    ).first()


def benefits_verified(episode: EpisodeOfCare) -> bool:
    """True when the payer confirmed active coverage for this episode, or when the person
    pays for themselves (no current coverage) and has a sliding-fee determination."""
    if _primary_coverage(episode) is None:
        return FeeDetermination.objects.filter(episode=episode).exists()
    return BenefitsVerification.objects.filter(episode=episode, coverage_active=True).exists()


def authorization_settled(episode: EpisodeOfCare, today: dt.date) -> tuple[bool, str]:
    """Whether care may start as far as the payer is concerned, and if not, why: an approved
    authorization running today or later, or a plan that needs none, or self-pay."""
    coverage = _primary_coverage(episode)
    if coverage is None:
        return True, "Self-pay: no pre-authorization is needed."
    if not coverage.requires_preauthorization:
        return True, f"{coverage.payer_name} needs no pre-authorization for this care."
    approved = Authorization.objects.filter(
        episode=episode,
        decided_at__isnull=False,
        denied_reason="",
        approved_to__gte=today,
    ).exists()
    if approved:
        return True, "An approved authorization covers the start of care."
    return False, "Record the payer's approval of a pre-authorization first."
