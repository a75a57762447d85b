"""What other contexts show of an episode's money, and the two gates the admissions pipeline
asks before admitting: are the benefits verified, and is pre-authorization settled.

Higher contexts (admissions) pull from here; billing never calls them (CONVENTIONS §1).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from openiop.accounts.access import program_ids_with
from openiop.billing.access import can_manage
from openiop.billing.models import Authorization, BenefitsVerification, Coverage, FeeDetermination
from openiop.billing.selectors import episode_billing
from openiop.core.capabilities import Capability
from openiop.core.errors import NotFound
from openiop.patients.models import EpisodeOfCare


def billing_panel(*, user: Any, episode: EpisodeOfCare) -> dict[str, Any]:
    """Everything the compact "Insurance & fees" panel (``billing/_panel.html``) renders:
    ``billing`` (an ``EpisodeBilling``: coverages, authorizations with derived state, fee
    determination, plans), ``verified`` and ``settled`` (the gates), ``may`` (which billing
    actions the user may take; not ``can``, which the shell's context processor owns) and
    ``links``.

    The caller has authorized and audited the page it embeds this in (the referral page
    audits the patient's record as read); this function re-checks that ``user`` may view
    patients in the episode's program and raises NotFound otherwise (fail closed). Seven to
    eight queries, however many records there are.
    """
    if episode.program_id not in program_ids_with(user, Capability.VIEW_PATIENTS):
        raise NotFound("No such episode.")
    billing = episode_billing(episode)
    chart = reverse("billing:chart", kwargs={"patient_id": episode.patient_id})
    ids = {"patient_id": episode.patient_id, "episode_id": episode.pk}
    return {
        "billing": billing,
        "verified": benefits_verified(episode),
        "settled": authorization_settled(episode, billing.today),
        "may": can_manage(user, episode),
        "links": {
            "chart": f"{chart}?episode={episode.pk}",
            "estimate": reverse("billing:estimate", kwargs=ids),
        },
    }


def _current_coverages(episode: EpisodeOfCare) -> list[Coverage]:
    return list(Coverage.objects.filter(patient_id=episode.patient_id, ended_at__isnull=True))


def benefits_verified(episode: EpisodeOfCare) -> bool:
    """True when a verification for this episode confirmed a current coverage as active, or
    the patient is self-pay (no current coverage) and has a fee determination."""
    if BenefitsVerification.objects.filter(
        episode=episode, coverage_active=True, coverage__ended_at__isnull=True
    ).exists():
        return True
    if _current_coverages(episode):
        return False
    return FeeDetermination.objects.filter(episode=episode).exists()


def authorization_settled(episode: EpisodeOfCare, today: dt.date) -> tuple[bool, str]:
    """Whether pre-authorization is out of the way for ``episode`` on ``today`` (the local
    date in its program's zone), and if not, why, in one sentence for the board.

    Settled when the patient is self-pay (no current coverage), when no current coverage
    requires pre-authorization, or when an approval under a current coverage runs to today
    or later.
    """
    coverages = [c for c in _current_coverages(episode) if c.requires_preauthorization]
    if not coverages:
        return True, ""
    approvals = Authorization.objects.filter(
        episode=episode, coverage__in=coverages, decided_at__isnull=False, denied_reason=""
    )
    if approvals.filter(approved_to__gte=today).exists():
        return True, ""
    return False, _unsettled_reason(episode, coverages, approvals)


def _unsettled_reason(episode: EpisodeOfCare, coverages: list[Coverage], approvals: Any) -> str:
    payer = coverages[0].payer_name
    latest = (
        Authorization.objects.filter(episode=episode, coverage__in=coverages)
        .order_by("-requested_at", "-pk")
        .first()
    )
    if latest is None:
        return f"{payer} requires pre-authorization; none has been requested."
    if latest.decided_at is None:
        return f"Pre-authorization requested from {latest.coverage.payer_name}; awaiting the payer."
    if latest.denied_reason:
        return f"{latest.coverage.payer_name} denied pre-authorization: {latest.denied_reason}"
    ended = approvals.order_by("-approved_to").values_list("approved_to", flat=True).first()
    return f"The last approval ended on {ended:%Y-%m-%d}; request an extension."
