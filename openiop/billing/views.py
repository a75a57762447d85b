"""Billing pages to read: the chart's "Insurance & fees" tab, the printable out-of-pocket
estimate and the authorization alert list. Thin: parse → access → selector → render. The
write endpoints are in ``views_insurance`` and ``views_fees``; on bad input they re-render the
tab through ``chart_page`` with their bound form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from openiop.accounts.access import program_ids_with
from openiop.billing.access import can_manage, episode_read
from openiop.billing.chart_forms import Bound, chart_cards
from openiop.billing.errors import InvalidInput
from openiop.billing.estimates import episode_estimate
from openiop.billing.forms import add_problems
from openiop.billing.selectors import authorization_alerts, episode_billing
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import DomainError, NotFound
from openiop.core.policy import requires
from openiop.patients.models import OPEN_STATES, EpisodeOfCare
from openiop.patients.selectors import patients_audit_listed
from openiop.patients.views import chart_context


def chart_url(patient_id: int, episode_id: int) -> str:
    return f"{reverse('billing:chart', kwargs={'patient_id': patient_id})}?episode={episode_id}"


def _visible(user: Any, episodes: list[EpisodeOfCare]) -> list[EpisodeOfCare]:
    """The episodes in programs where the user views patients (a patient may also be in
    programs the user has no part in)."""
    visible_ids = program_ids_with(user, Capability.VIEW_PATIENTS)
    return [e for e in episodes if e.program_id in visible_ids]


def _pick_episode(visible: list[EpisodeOfCare], wanted: int | None) -> EpisodeOfCare | None:
    """The episode the tab shows: the one asked for, else an open one, else the latest."""
    chosen = next((e for e in visible if e.pk == wanted), None)
    chosen = chosen or next((e for e in visible if e.state in OPEN_STATES), None)
    return chosen or (visible[0] if visible else None)


def _episode_param(request: HttpRequest) -> int | None:
    value = request.GET.get("episode", "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def chart_page(
    request: HttpRequest,
    patient_id: int,
    *,
    episode_id: int | None = None,
    bound: Bound | None = None,
    status: int = 200,
) -> HttpResponse:
    """The tab, authorized and audited by ``chart_context`` (PATIENT_INSURANCE_VIEWED)."""
    context = chart_context(request, patient_id, "insurance")
    visible = _visible(request.user, context["episodes"])
    episode = _pick_episode(visible, episode_id)
    context["visible_episodes"] = visible
    if episode is not None:
        billing = episode_billing(episode)
        may = can_manage(request.user, episode)
        context.update(billing=billing, may=may, episode=episode)
        context.update(chart_cards(billing, may, bound or {}))
    return render(request, "billing/chart.html", context, status=status)


@requires(Capability.VIEW_PATIENTS)
def insurance_chart(request: HttpRequest, patient_id: int) -> HttpResponse:
    return chart_page(request, patient_id, episode_id=_episode_param(request))


@requires(Capability.VIEW_PATIENTS)
def estimate(request: HttpRequest, patient_id: int, episode_id: int) -> HttpResponse:
    """The printable estimate; audited as PATIENT_ESTIMATE_VIEWED (category INSURANCE)."""
    try:
        episode = episode_read(
            request.user,
            patient_id,
            episode_id,
            actor=actor_from_request(request),
            action="PATIENT_ESTIMATE_VIEWED",
        )
    except NotFound as exc:
        raise Http404 from exc
    view = episode_estimate(episode_billing(episode))
    return render(request, "billing/estimate.html", {"view": view, "patient": episode.patient})


@requires(Capability.VIEW_PATIENTS)
def alerts(request: HttpRequest) -> HttpResponse:
    """Authorizations needing attention in the user's programs; each patient listed is
    audited as PATIENT_LISTED."""
    rows = authorization_alerts(request.user)
    patients_audit_listed(
        actor=actor_from_request(request),
        patients=list({r.episode.patient_id: r.episode.patient for r in rows}.values()),
        part2_ids={r.episode.patient_id for r in rows if r.episode.program.is_part2},
    )
    return render(request, "billing/authorization_alerts.html", {"alerts": rows})


def submit(
    request: HttpRequest,
    episode: EpisodeOfCare,
    form: forms.Form,
    write: Callable[[], str],
) -> HttpResponse:
    """Run ``write`` (one service call returning the success message) when ``form`` is valid,
    then go back to the tab. Bad input re-renders the tab with the bound form and its
    problems (400); a refused transition (already decided, already ended) is a message."""
    if form.is_valid():
        try:
            message = write()
        except InvalidInput as error:
            add_problems(form, error)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(chart_url(episode.patient_id, episode.pk))
        else:
            messages.success(request, message)
            return redirect(chart_url(episode.patient_id, episode.pk))
    key = form.prefix or ""
    return chart_page(
        request, episode.patient_id, episode_id=episode.pk, bound={key: form}, status=400
    )
