"""Staff pages of measurement-based care: the chart's Measures tab, sending a link or
handing a kiosk over, transcribing a paper form, acknowledging an alert, and the due list.
Thin: parse → access → one service or selector → render."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

import engines.instruments as instruments
from openiop.accounts.access import program_ids_with
from openiop.accounts.actors import request_user
from openiop.accounts.services import user_logout
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import DomainError, NotFound
from openiop.core.policy import requires
from openiop.core.qr import qr_svg
from openiop.measures import charts, services
from openiop.measures.access import alert_access
from openiop.measures.fhir import patient_fhir_bundle
from openiop.measures.forms import AcknowledgeForm, PaperConfirmForm, QuestionnaireForm
from openiop.measures.models import Source
from openiop.measures.selectors import due_list, patient_measures
from openiop.patients.selectors import patients_audit_listed
from openiop.patients.views import chart_context, episode_for_action


def _measures_page(
    request: HttpRequest,
    patient_id: int,
    *,
    ack_forms: dict[int, AcknowledgeForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = chart_context(request, patient_id, "measures")
    data = patient_measures(request.user, context["patient"])
    context.update(
        measures=data,
        plots=[(t, charts.trajectory_plot(t)) for t in data.trajectories],
        ack_forms=ack_forms or {},
        can_administer=program_ids_with(request.user, Capability.ADMINISTER_MEASURES),
        can_acknowledge=program_ids_with(request.user, Capability.ACKNOWLEDGE_ALERTS),
    )
    return render(request, "measures/chart_measures.html", context, status=status)


@requires(Capability.VIEW_PATIENTS)
def patient_measures_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _measures_page(request, patient_id)


@requires(Capability.VIEW_PATIENTS)
def patient_fhir_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Download the patient's questionnaires, answers and scores as a FHIR R4 Bundle."""
    bundle = patient_fhir_bundle(request, patient_id)
    response = HttpResponse(
        json.dumps(bundle, indent=2), content_type="application/fhir+json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="patient-{patient_id}-measures.json"'
    return response


def _episode(request: HttpRequest, patient_id: int, episode_id: int, action: str) -> Any:
    return episode_for_action(
        request, patient_id, episode_id, Capability.ADMINISTER_MEASURES, action
    )


@require_POST
@requires(Capability.ADMINISTER_MEASURES)
def link_create(request: HttpRequest, patient_id: int, episode_id: int) -> HttpResponse:
    episode = _episode(request, patient_id, episode_id, "PORTAL_LINK_CREATED")
    try:
        link, token = services.portal_link_create(
            actor=actor_from_request(request), episode=episode, created_by=request_user(request)
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("measures:chart", patient_id=patient_id)
    url = request.build_absolute_uri(reverse("measures:portal", kwargs={"token": token}))
    context = {"patient": episode.patient, "link": link, "url": url, "qr": qr_svg(url)}
    return render(request, "measures/link_created.html", context)


@require_POST
@requires(Capability.ADMINISTER_MEASURES)
def kiosk_start(request: HttpRequest, patient_id: int, episode_id: int) -> HttpResponse:
    """Hand this device to the patient: create a 30-minute kiosk link, end the staff session
    (so the patient cannot reach anything else), and open the questionnaires."""
    episode = _episode(request, patient_id, episode_id, "PORTAL_LINK_CREATED")
    try:
        _, token = services.portal_link_create(
            actor=actor_from_request(request),
            episode=episode,
            created_by=request_user(request),
            kiosk=True,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("measures:chart", patient_id=patient_id)
    user_logout(request=request, action="KIOSK_HANDED_OVER")
    return redirect("measures:portal", token=token)


@requires(Capability.ADMINISTER_MEASURES)
def paper_entry(
    request: HttpRequest,
    patient_id: int,
    episode_id: int,
    instrument: str,
    timepoint: str,
    due_on: str,
) -> HttpResponse:
    """Transcribe a paper questionnaire for one open occasion; the response is marked as a
    transcription and records who entered it."""
    episode = _episode(request, patient_id, episode_id, "MEASURE_RESPONSE_RECORDED")
    try:
        spec = instruments.get(instrument)
        due = dt.date.fromisoformat(due_on)
    except (instruments.ScoringError, ValueError) as exc:
        raise Http404 from exc
    data = request.POST if request.method == "POST" else None
    form = QuestionnaireForm(data, instrument=spec, language=episode.patient.language)
    confirm = PaperConfirmForm(data)
    if data is not None and form.is_valid() and confirm.is_valid():
        try:
            services.response_record(
                actor=actor_from_request(request),
                episode=episode,
                instrument_id=spec.id,
                answers=form.answers(),
                timepoint=timepoint,
                due_on=due,
                source=Source.PAPER,
                language=form.language,
                entered_by=request_user(request),
            )
        except DomainError as error:
            form.add_scoring_error(error.message)
        else:
            messages.success(request, f"{spec.short_title} recorded from the paper form.")
            return redirect("measures:chart", patient_id=patient_id)
    context = {
        "patient": episode.patient,
        "episode": episode,
        "form": form,
        "confirm": confirm,
        "timepoint": timepoint,
        "due_on": due,
    }
    return render(request, "measures/paper_entry.html", context, status=400 if data else 200)


@require_POST
@requires(Capability.ACKNOWLEDGE_ALERTS)
def alert_acknowledge(request: HttpRequest, patient_id: int, alert_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        alert = alert_access(request.user, patient_id, alert_id, actor=actor)
    except NotFound as exc:
        raise Http404 from exc
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.alert_acknowledge(
                actor=actor,
                alert=alert,
                by=request_user(request),
                action_taken=form.cleaned_data["action_taken"],
            )
        except DomainError as error:
            form.add_error("action_taken", error.message)
        else:
            messages.success(request, "Safety alert acknowledged.")
            return redirect("measures:chart", patient_id=patient_id)
    return _measures_page(request, patient_id, ack_forms={alert.pk: form}, status=400)


@requires(Capability.VIEW_PATIENTS)
def due_list_view(request: HttpRequest) -> HttpResponse:
    rows = due_list(request.user)
    patients_audit_listed(
        actor=actor_from_request(request),
        patients=list({r.episode.patient_id: r.episode.patient for r in rows}.values()),
        part2_ids={r.episode.patient_id for r in rows if r.episode.program.is_part2},
    )
    return render(request, "measures/due.html", {"rows": rows})
