"""The intake pages of a referral: the assessment, the level-of-care decision, the admission
and the welcome packet. Thin: parse → access (``referral_access``) → one service or selector
→ render. A refused service call re-renders the form with the message on its field (400);
a missing or foreign referral is a 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

import engines.placement as engine
from openiop.accounts.actors import request_user
from openiop.admissions import packet
from openiop.admissions.access import referral_access
from openiop.admissions.errors import AssessmentIncomplete, TrackFull
from openiop.admissions.forms_intake import (
    AdmissionForm,
    AssessmentForm,
    DecisionForm,
    add_errors,
    assessment_initial,
)
from openiop.admissions.models import AssessmentStatus, Referral
from openiop.admissions.placement import MISSING_LABELS
from openiop.admissions.selectors import intake as selectors
from openiop.admissions.services import admission as admission_services
from openiop.admissions.services import intake as services
from openiop.consents.errors import ConsentIncomplete
from openiop.consents.part2 import STATEMENTS
from openiop.core import clock
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import DomainError, NotFound
from openiop.core.policy import requires

# Part 2 consent elements (openiop.consents.part2) → the admission form's fields.
CONSENT_FIELDS = {
    "discloser": "part2_discloser",
    "recipient": "part2_recipient",
    "purpose": "part2_purpose",
    "information": "part2_information",
    "expiration": "part2_expires_on_event",
    "signature": "signed_by_name",
    "signed_on": "signed_on",
}


def _referral(
    request: HttpRequest, referral_id: int, capability: Capability, action: str, *, audit: bool
) -> Referral:
    try:
        return referral_access(
            request.user,
            referral_id,
            actor=actor_from_request(request),
            capability=capability,
            action=action,
            audit_success=audit,
        )
    except NotFound as exc:
        raise Http404 from exc


def _referral_page(referral: Referral) -> str:
    return reverse("admissions:referral", args=[referral.pk])


def show_error(form: forms.Form, error: DomainError | ValidationError) -> None:
    """Put a refusal on the form: each missing field of an incomplete assessment, a domain
    error on its field (when the form has it), anything else above the form."""
    if isinstance(error, ValidationError):
        add_errors(form, error)
        return
    if isinstance(error, AssessmentIncomplete):
        for name in error.missing:
            form.add_error(name, f"Give {MISSING_LABELS.get(name, name)} to complete.")
    field = error.field
    if isinstance(error, ConsentIncomplete):
        field = CONSENT_FIELDS.get(field or "", field)
    form.add_error(field if field in form.fields else None, error.message)


def _assessment_page(
    request: HttpRequest, referral: Referral, form: AssessmentForm, *, status: int = 200
) -> HttpResponse:
    data = selectors.assessment_page(actor=actor_from_request(request), referral=referral)
    context = {"referral": referral, "form": form, **data}
    context["can"] = selectors.intake_panel(user=request.user, referral=referral)["can"]
    return render(request, "admissions/intake/assessment.html", context, status=status)


@requires(Capability.ASSESS_INTAKE)
def assessment_edit(request: HttpRequest, referral_id: int) -> HttpResponse:
    """The assessment form. "Save" keeps a draft; "Complete" saves, then completes it (a
    refused completion keeps what was saved and marks what is missing)."""
    if request.method != "POST":
        referral = _referral(
            request, referral_id, Capability.ASSESS_INTAKE, "ASSESSMENT_VIEWED", audit=False
        )
        shown = selectors.latest_assessment(referral, AssessmentStatus.DRAFT)
        shown = shown or selectors.latest_assessment(referral, AssessmentStatus.COMPLETED)
        return _assessment_page(
            request, referral, AssessmentForm(initial=assessment_initial(shown))
        )
    referral = _referral(
        request, referral_id, Capability.ASSESS_INTAKE, "ASSESSMENT_SAVED", audit=False
    )
    form = AssessmentForm(request.POST)
    if not form.is_valid():
        return _assessment_page(request, referral, form, status=400)
    try:
        return _save_assessment(request, referral, form)
    except (DomainError, ValidationError) as error:
        show_error(form, error)
        return _assessment_page(request, referral, form, status=400)


def _save_assessment(
    request: HttpRequest, referral: Referral, form: AssessmentForm
) -> HttpResponse:
    actor, user = actor_from_request(request), request_user(request)
    draft = services.assessment_save(
        actor=actor, user=user, referral=referral, data=form.to_input()
    )
    if request.POST.get("action") != "complete":
        messages.success(request, "Assessment saved as a draft.")
        return redirect("admissions:assessment", referral_id=referral.pk)
    services.assessment_complete(actor=actor, user=user, assessment=draft)
    messages.success(request, "Assessment completed.")
    if selectors.intake_panel(user=request.user, referral=referral)["can"]["decide"]:
        return redirect("admissions:placement", referral_id=referral.pk)
    return redirect(_referral_page(referral))


def _placement_page(
    request: HttpRequest, referral: Referral, form: DecisionForm | None, *, status: int = 200
) -> HttpResponse:
    """The recommendation for the latest completed assessment (run and audited by
    ``placement_recommend``), the decision form, and the intake panel's levels."""
    context: dict[str, Any] = {"referral": referral, "form": form, "error": None, "result": None}
    completed = selectors.latest_assessment(referral, AssessmentStatus.COMPLETED)
    context["completed"] = completed
    if completed is not None:
        try:
            result = services.placement_recommend(
                actor=actor_from_request(request), assessment=completed
            )
        except DomainError as error:
            context["error"] = error.message
        else:
            context["result"] = selectors.decision_view(engine.decision_to_json(result))
            context["form"] = form or DecisionForm(
                levels=selectors.placement_levels(), initial={"clinical_level": result.level.code}
            )
    context["panel"] = selectors.intake_panel(user=request.user, referral=referral)
    return render(request, "admissions/intake/placement.html", context, status=status)


@requires(Capability.DECIDE_LEVEL_OF_CARE)
def placement(request: HttpRequest, referral_id: int) -> HttpResponse:
    """The engine's recommendation with its reasons, and the clinician's decision."""
    referral = _referral(
        request,
        referral_id,
        Capability.DECIDE_LEVEL_OF_CARE,
        "PLACEMENT_DECIDED" if request.method == "POST" else "PLACEMENT_RECOMMENDED",
        audit=False,
    )
    if request.method != "POST":
        return _placement_page(request, referral, None)
    form = DecisionForm(request.POST, levels=selectors.placement_levels())
    completed = selectors.latest_assessment(referral, AssessmentStatus.COMPLETED)
    if form.is_valid() and completed is not None:
        try:
            services.placement_decide(
                actor=actor_from_request(request),
                user=request_user(request),
                assessment=completed,
                clinical_level=form.level(),
                override_reason=form.cleaned_data["override_reason"],
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, "Level-of-care decision recorded.")
            return redirect(_referral_page(referral))
    return _placement_page(request, referral, form, status=400)


def _admission_page(
    request: HttpRequest, referral: Referral, form: AdmissionForm, **extra: Any
) -> HttpResponse:
    context = {"referral": referral, "form": form, "full_track": None, **extra}
    context["panel"] = selectors.intake_panel(user=request.user, referral=referral)
    context["statements"] = STATEMENTS
    status = 400 if form.is_bound else 200
    return render(request, "admissions/intake/admit.html", context, status=status)


@requires(Capability.ADMIT_PATIENT)
def admit(request: HttpRequest, referral_id: int) -> HttpResponse:
    """The admission form; a full track offers the waitlist instead."""
    referral = _referral(
        request, referral_id, Capability.ADMIT_PATIENT, "ADMISSION_COMPLETED", audit=False
    )
    today = clock.localdate(referral.episode.program.zone)
    if request.method != "POST":
        return _admission_page(request, referral, AdmissionForm(referral=referral, today=today))
    form = AdmissionForm(request.POST, referral=referral, today=today)
    if not form.is_valid():
        return _admission_page(request, referral, form)
    try:
        _admit_from(request, referral, form)
    except TrackFull as error:
        full = form.cleaned_data["track"]  # add_error drops it from cleaned_data
        form.add_error("track", error.message)
        return _admission_page(request, referral, form, full_track=full)
    except (DomainError, ValidationError) as error:
        show_error(form, error)
        return _admission_page(request, referral, form)
    messages.success(request, "Admitted. Print the welcome packet for the patient.")
    return redirect(_referral_page(referral))


def _admit_from(request: HttpRequest, referral: Referral, form: AdmissionForm) -> None:
    admission_services.admission_admit(
        actor=actor_from_request(request),
        user=request_user(request),
        referral=referral,
        track=form.cleaned_data["track"],
        cohort=form.cleaned_data["cohort"],
        starts_on=form.cleaned_data["starts_on"],
        therapist=form.cleaned_data["therapist"],
        prescriber=form.cleaned_data["prescriber"],
        case_manager=form.cleaned_data["case_manager"],
        treatment_consent=form.signature(),
        releases=form.releases(),
        part2=form.part2_terms(),
    )


@requires(Capability.VIEW_PATIENTS)
def welcome_packet(request: HttpRequest, referral_id: int) -> HttpResponse:
    """The welcome packet PDF. Every role that holds VIEW_ADMISSIONS in a program also holds
    VIEW_PATIENTS there (accounts/roles.py), so VIEW_PATIENTS admits both."""
    referral = _referral(
        request, referral_id, Capability.VIEW_PATIENTS, "WELCOME_PACKET_PRINTED", audit=False
    )
    try:
        content = packet.packet_print(actor=actor_from_request(request), referral=referral)
    except DomainError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="welcome-packet-{referral.pk}.pdf"'
    return response
