"""Insurance writes from the chart tab: coverages, benefits verifications and
pre-authorizations. Each needs MANAGE_INSURANCE in the episode's program: ``episode_for_action``
answers 404 (audited) for another program's user, and the child record must belong to that
episode (or its patient). Thin: parse → access → one service → ``submit``."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from openiop.accounts.actors import request_user
from openiop.billing import services
from openiop.billing.access import authorization_of, coverage_of
from openiop.billing.forms import (
    AuthorizationApproveForm,
    AuthorizationDenyForm,
    AuthorizationRequestForm,
    BenefitsForm,
    CoverageEndForm,
    CoverageForm,
    VerificationForm,
)
from openiop.billing.models import Authorization, Coverage
from openiop.billing.views import submit
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import NotFound
from openiop.core.policy import requires
from openiop.patients.models import EpisodeOfCare
from openiop.patients.views import episode_for_action


def _episode(request: HttpRequest, patient_id: int, episode_id: int, action: str) -> EpisodeOfCare:
    episode: EpisodeOfCare = episode_for_action(
        request, patient_id, episode_id, Capability.MANAGE_INSURANCE, action
    )
    return episode


def _coverage(
    request: HttpRequest, episode: EpisodeOfCare, coverage_id: int, action: str
) -> Coverage:
    try:
        return coverage_of(episode, coverage_id, actor=actor_from_request(request), action=action)
    except NotFound as exc:
        raise Http404 from exc


def _authorization(
    request: HttpRequest, episode: EpisodeOfCare, authorization_id: int, action: str
) -> Authorization:
    actor = actor_from_request(request)
    try:
        return authorization_of(episode, authorization_id, actor=actor, action=action)
    except NotFound as exc:
        raise Http404 from exc


@require_POST
@requires(Capability.MANAGE_INSURANCE)
def coverage_add(request: HttpRequest, patient_id: int, episode_id: int) -> HttpResponse:
    episode = _episode(request, patient_id, episode_id, "COVERAGE_ADDED")
    form = CoverageForm(request.POST, prefix="coverage")

    def write() -> str:
        coverage = services.coverage_add(
            actor=actor_from_request(request),
            episode=episode,
            details=form.details(),
            benefits=form.benefits(),
        )
        return f"Coverage by {coverage.payer_name} added."

    return submit(request, episode, form, write)


@require_POST
@requires(Capability.MANAGE_INSURANCE)
def coverage_update(
    request: HttpRequest, patient_id: int, episode_id: int, coverage_id: int
) -> HttpResponse:
    episode = _episode(request, patient_id, episode_id, "COVERAGE_UPDATED")
    coverage = _coverage(request, episode, coverage_id, "COVERAGE_UPDATED")
    form = BenefitsForm(request.POST, prefix=f"benefits-{coverage.pk}")

    def write() -> str:
        services.coverage_update_benefits(
            actor=actor_from_request(request),
            episode=episode,
            coverage=coverage,
            benefits=form.benefits(),
        )
        return "Benefits updated."

    return submit(request, episode, form, write)


@require_POST
@requires(Capability.MANAGE_INSURANCE)
def coverage_end(
    request: HttpRequest, patient_id: int, episode_id: int, coverage_id: int
) -> HttpResponse:
    episode = _episode(request, patient_id, episode_id, "COVERAGE_ENDED")
    coverage = _coverage(request, episode, coverage_id, "COVERAGE_ENDED")
    form = CoverageEndForm(request.POST, prefix=f"end-{coverage.pk}")

    def write() -> str:
        services.coverage_end(
            actor=actor_from_request(request),
            episode=episode,
            coverage=coverage,
            effective_to=form.cleaned_data["effective_to"],
        )
        return "Coverage ended."

    return submit(request, episode, form, write)


@require_POST
@requires(Capability.MANAGE_INSURANCE)
def benefits_verify(
    request: HttpRequest, patient_id: int, episode_id: int, coverage_id: int
) -> HttpResponse:
    episode = _episode(request, patient_id, episode_id, "BENEFITS_VERIFIED")
    coverage = _coverage(request, episode, coverage_id, "BENEFITS_VERIFIED")
    form = VerificationForm(request.POST, prefix=f"verify-{coverage.pk}")

    def write() -> str:
        services.benefits_verify(
            actor=actor_from_request(request),
            episode=episode,
            coverage=coverage,
            verified_by=request_user(request),
            call=form.call(),
            benefits=form.benefits(),
        )
        return "Benefits verification recorded."

    return submit(request, episode, form, write)


@require_POST
@requires(Capability.MANAGE_INSURANCE)
def authorization_request(request: HttpRequest, patient_id: int, episode_id: int) -> HttpResponse:
    episode = _episode(request, patient_id, episode_id, "AUTHORIZATION_REQUESTED")
    # The form offers only the patient's current coverages, so a valid choice is one of them.
    current = {
        c.pk: c for c in Coverage.objects.filter(patient_id=episode.patient_id, ended_at=None)
    }
    form = AuthorizationRequestForm(
        request.POST, prefix="authorization", coverages=list(current.values())
    )

    def write() -> str:
        coverage = current[form.cleaned_data["coverage"]]
        services.authorization_request(
            actor=actor_from_request(request),
            episode=episode,
            coverage=coverage,
            requested_by=request_user(request),
            level=form.cleaned_data["level"],
            span=form.span(),
        )
        return "Pre-authorization request recorded."

    return submit(request, episode, form, write)


@require_POST
@requires(Capability.MANAGE_INSURANCE)
def authorization_approve(
    request: HttpRequest, patient_id: int, episode_id: int, authorization_id: int
) -> HttpResponse:
    episode = _episode(request, patient_id, episode_id, "AUTHORIZATION_APPROVED")
    authorization = _authorization(request, episode, authorization_id, "AUTHORIZATION_APPROVED")
    form = AuthorizationApproveForm(request.POST, prefix=f"approve-{authorization.pk}")

    def write() -> str:
        services.authorization_approve(
            actor=actor_from_request(request),
            authorization=authorization,
            auth_number=form.cleaned_data["auth_number"],
            span=form.span(),
            next_review_on=form.cleaned_data["next_review_on"],
        )
        return "Approval recorded."

    return submit(request, episode, form, write)


@require_POST
@requires(Capability.MANAGE_INSURANCE)
def authorization_deny(
    request: HttpRequest, patient_id: int, episode_id: int, authorization_id: int
) -> HttpResponse:
    episode = _episode(request, patient_id, episode_id, "AUTHORIZATION_DENIED")
    authorization = _authorization(request, episode, authorization_id, "AUTHORIZATION_DENIED")
    form = AuthorizationDenyForm(request.POST, prefix=f"deny-{authorization.pk}")

    def write() -> str:
        services.authorization_deny(
            actor=actor_from_request(request),
            authorization=authorization,
            reason=form.cleaned_data["denied_reason"],
        )
        return "Denial recorded."

    return submit(request, episode, form, write)
