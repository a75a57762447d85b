"""Staff pages of the portal: give a patient a link (shown once, with a QR code), see a
patient's links and turn one off. Needs MANAGE_TREATMENT_PLAN or MANAGE_SAFETY_PLAN in the
episode's program: the view policy lets any chart reader through, and ``access`` answers 404
(audited) to anyone without either capability there. Thin: parse → access → one service or
selector → render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from openiop.accounts.actors import request_user
from openiop.core import clock
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import DomainError, NotFound
from openiop.core.policy import requires
from openiop.core.qr import qr_svg
from openiop.patients.models import EpisodeOfCare
from openiop.portal import services
from openiop.portal.access import (
    access_of,
    portal_episode_access,
    portal_patient_access,
    sharing_program_ids,
)
from openiop.portal.selectors import portal_episodes, portal_links


def _episode(request: HttpRequest, patient_id: int, episode_id: int, action: str) -> EpisodeOfCare:
    try:
        return portal_episode_access(
            request.user, patient_id, episode_id, actor=actor_from_request(request), action=action
        )
    except NotFound as exc:
        raise Http404 from exc


@require_POST
@requires(Capability.VIEW_PATIENTS)
def access_create(request: HttpRequest, patient_id: int, episode_id: int) -> HttpResponse:
    episode = _episode(request, patient_id, episode_id, "PORTAL_ACCESS_CREATED")
    try:
        access, token = services.portal_access_create(
            actor=actor_from_request(request), episode=episode, created_by=request_user(request)
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("portal:access_list", patient_id=patient_id)
    url = request.build_absolute_uri(reverse("portal:home", kwargs={"token": token}))
    context = {"patient": episode.patient, "access": access, "url": url, "qr": qr_svg(url)}
    return render(request, "portal/link_created.html", context)


@require_POST
@requires(Capability.VIEW_PATIENTS)
def access_revoke(
    request: HttpRequest, patient_id: int, episode_id: int, access_id: int
) -> HttpResponse:
    actor = actor_from_request(request)
    episode = _episode(request, patient_id, episode_id, "PORTAL_ACCESS_REVOKED")
    try:
        access = access_of(episode, access_id, actor=actor, action="PORTAL_ACCESS_REVOKED")
    except NotFound as exc:
        raise Http404 from exc
    try:
        services.portal_access_revoke(actor=actor, access=access)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The link no longer works.")
    return redirect("portal:access_list", patient_id=patient_id)


@requires(Capability.VIEW_PATIENTS)
def access_list(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's portal links in the user's programs; audited PORTAL_ACCESS_LISTED."""
    try:
        patient = portal_patient_access(request.user, patient_id, actor=actor_from_request(request))
    except NotFound as exc:
        raise Http404 from exc
    programs = sharing_program_ids(request.user)
    links = portal_links(patient, programs)
    episodes = portal_episodes(patient, programs)
    context = {"patient": patient, "links": links, "episodes": episodes, "now": clock.now()}
    return render(request, "portal/links.html", context)
