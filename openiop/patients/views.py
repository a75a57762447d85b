"""Patient pages: list and search, registration, and the chart. Thin: parse → access →
one service or selector → render."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openiop.accounts.access import program_ids_with
from openiop.audit.models import DataCategory
from openiop.core import clock
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import DomainError, NotFound
from openiop.core.policy import requires
from openiop.patients import services
from openiop.patients.access import episode_access, patient_access, patients_visible_to
from openiop.patients.errors import LikelyDuplicatePatient
from openiop.patients.forms import (
    AdmitForm,
    CareTeamForm,
    ContactForm,
    DischargeForm,
    PatientRegisterForm,
    PatientSearchForm,
    PhaseForm,
)
from openiop.patients.models import DischargeReason, Phase
from openiop.patients.selectors import (
    PatientFilter,
    care_team_candidates,
    contacts_with_release,
    patient_chart,
    patient_list_visible,
    patients_audit_listed,
)

PAGE_SIZE = 25
SEATS = ("primary_therapist", "prescriber", "case_manager")
# The audit action each transition records, also when it is refused.
TRANSITION_ACTIONS = {
    "waitlist": "EPISODE_WAITLISTED",
    "admit": "EPISODE_ADMITTED",
    "phase": "EPISODE_PHASE_CHANGED",
    "discharge": "EPISODE_DISCHARGED",
}


@requires(Capability.VIEW_PATIENTS)
def patient_list(request: HttpRequest) -> HttpResponse:
    """Names are searched by POST so they never appear in URLs or access logs (ASVS 14.2.1)."""
    data = request.POST if request.method == "POST" else request.GET.copy()
    if request.method != "POST":
        data.pop("q", None)  # names are searched only by POST
    form = PatientSearchForm(
        data or None, program_ids=program_ids_with(request.user, Capability.VIEW_PATIENTS)
    )
    filters = PatientFilter()
    if form.is_bound and form.is_valid():
        cd = form.cleaned_data
        filters = PatientFilter(
            query=cd["q"],
            program_id=cd["program"].pk if cd["program"] else None,
            track_id=cd["track"].pk if cd["track"] else None,
            state=cd["state"],
            phase=cd["phase"],
        )
    page = Paginator(patient_list_visible(request.user, filters=filters), PAGE_SIZE).get_page(
        data.get("page")
    )
    patients = list(page.object_list)
    patients_audit_listed(actor=actor_from_request(request), patients=patients)
    template = "patients/_results.html" if request.htmx else "patients/list.html"  # type: ignore[attr-defined]
    today = clock.now().date()
    return render(
        request, template, {"form": form, "page": page, "patients": patients, "today": today}
    )


@requires(Capability.REGISTER_PATIENT)
def patient_register(request: HttpRequest) -> HttpResponse:
    form = PatientRegisterForm(
        request.POST or None,
        program_ids=program_ids_with(request.user, Capability.REGISTER_PATIENT),
    )
    duplicates: list[Any] = []
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        try:
            patient = services.patient_register(actor=actor_from_request(request), **fields)
        except LikelyDuplicatePatient as exc:
            duplicates = list(patients_visible_to(request.user).filter(pk__in=exc.candidate_ids))
            patients_audit_listed(actor=actor_from_request(request), patients=duplicates)
            form.add_error("confirm_not_duplicate", exc.message)
        except ValidationError as exc:
            _add_validation_errors(form, exc)
        else:
            return redirect("patients:chart", patient_id=patient.pk)
    return render(request, "patients/register.html", {"form": form, "duplicates": duplicates})


def _add_validation_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


CHART_TABS = {
    "overview": ("PATIENT_VIEWED", DataCategory.DEMOGRAPHICS),
    "contacts": ("PATIENT_CONTACTS_VIEWED", DataCategory.CONTACTS),
    "measures": ("PATIENT_MEASURES_VIEWED", DataCategory.MEASURES),
    "schedule": ("PATIENT_SCHEDULE_VIEWED", DataCategory.EPISODE),
    "insurance": ("PATIENT_INSURANCE_VIEWED", DataCategory.INSURANCE),
    "attendance": ("PATIENT_ATTENDANCE_VIEWED", DataCategory.ATTENDANCE),
    "notes": ("PATIENT_NOTES_VIEWED", DataCategory.NOTES),
    "plan": ("PATIENT_TREATMENT_PLAN_VIEWED", DataCategory.TREATMENT_PLAN),
    "safety_plan": ("PATIENT_SAFETY_PLAN_VIEWED", DataCategory.SAFETY_PLAN),
    "medications": ("PATIENT_MEDICATIONS_VIEWED", DataCategory.MEDICATIONS),
    "care_team": ("PATIENT_CARE_DECISIONS_VIEWED", DataCategory.CARE_MEETING),
}


def chart_context(request: HttpRequest, patient_id: int, tab: str) -> dict[str, Any]:
    """Authorize and audit the chart tab ``tab`` of a patient and return the header's context.
    Other contexts' chart tabs (measures, calendars) call it too. Raises Http404 for missing or not
    yours."""
    action, category = CHART_TABS[tab]
    try:
        patient = patient_access(
            request.user,
            patient_id,
            actor=actor_from_request(request),
            action=action,
            category=category,
        )
    except NotFound as exc:
        raise Http404 from exc
    chart = patient_chart(patient)
    episodes = chart.episode_list  # type: ignore[attr-defined]
    current = next(
        (e for e in episodes if e.state != "discharged"), episodes[0] if episodes else None
    )
    zone = current.program.zone if current else None
    today = clock.localdate(zone) if zone else clock.now().date()
    return {
        "patient": chart,
        "is_part2": patient.is_part2,  # type: ignore[attr-defined]
        "episodes": episodes,
        "current": current,
        "age": clock.age_on(chart.date_of_birth, today),
        "today": today,
        "tab": tab,
        "can_manage": program_ids_with(request.user, Capability.MANAGE_EPISODES),
        "can_assign": program_ids_with(request.user, Capability.ASSIGN_CARE_TEAM),
        # The same rule contact_add enforces: editing needs the capability in one of this
        # patient's programs, not just anywhere.
        "can_edit": bool(
            {e.program_id for e in episodes}
            & program_ids_with(request.user, Capability.EDIT_PATIENT)
        ),
    }


@requires(Capability.VIEW_PATIENTS)
def patient_chart_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    context = chart_context(request, patient_id, "overview")
    context["forms"] = _episode_forms(context)
    return render(request, "patients/chart_overview.html", context)


@requires(Capability.VIEW_PATIENTS)
def patient_contacts_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _contacts_page(request, patient_id, ContactForm())


def _contacts_page(
    request: HttpRequest, patient_id: int, form: ContactForm, *, status: int = 200
) -> HttpResponse:
    context = chart_context(request, patient_id, "contacts")
    context["contact_form"] = form
    context["contacts"] = contacts_with_release(context["patient"], today=context["today"])
    return render(request, "patients/chart_contacts.html", context, status=status)


def _episode_forms(context: dict[str, Any]) -> dict[str, Any]:
    current = context["current"]
    if current is None or current.state == "discharged":
        return {}
    forms: dict[str, Any] = {
        "admit": AdmitForm(program=current.program),
        "phase": PhaseForm(initial={"phase": current.phase}),
        "discharge": DischargeForm(
            initial={
                "reason": DischargeReason.GOALS_MET
                if current.state == "admitted"
                else DischargeReason.NOT_ADMITTED
            }
        ),
    }
    if current.program_id in context["can_assign"]:
        team = current.care_team
        forms["care_team"] = {
            seat: CareTeamForm(
                prefix=seat,
                eligible=care_team_candidates(current, seat),
                initial={"member": getattr(team, f"{seat}_id")},
            )
            for seat in SEATS
        }
    return forms


def episode_for_action(
    request: HttpRequest, patient_id: int, episode_id: int, capability: Capability, action: str
) -> Any:
    """The episode a write acts on, authorized and audited on refusal (episode_access); Http404
    for missing and not yours. Other contexts' episode actions (measures) use it too."""
    try:
        return episode_access(
            request.user,
            patient_id,
            episode_id,
            actor=actor_from_request(request),
            capability=capability,
            action=action,
        )
    except NotFound as exc:
        raise Http404 from exc


def _rerender_with_error(request: HttpRequest, patient_id: int, message: str) -> HttpResponse:
    context = chart_context(request, patient_id, "overview")
    context["forms"] = _episode_forms(context)
    context["action_error"] = message
    return render(request, "patients/chart_overview.html", context, status=400)


@require_POST
@requires(Capability.MANAGE_EPISODES)
def episode_transition(
    request: HttpRequest, patient_id: int, episode_id: int, transition: str
) -> HttpResponse:
    """Admit, waitlist, change phase or discharge, through the matching transition service."""
    if transition not in TRANSITION_ACTIONS:
        raise Http404
    episode = episode_for_action(
        request, patient_id, episode_id, Capability.MANAGE_EPISODES, TRANSITION_ACTIONS[transition]
    )
    actor = actor_from_request(request)
    try:
        _run_transition(request, actor, episode, transition)
    except (DomainError, ValidationError) as exc:
        message = exc.message if isinstance(exc, DomainError) else " ".join(exc.messages)
        return _rerender_with_error(request, patient_id, message)
    return redirect("patients:chart", patient_id=patient_id)


def _run_transition(request: HttpRequest, actor: Any, episode: Any, transition: str) -> None:
    if transition == "waitlist":
        services.episode_waitlist(actor=actor, episode=episode)
        return
    form_class = {"admit": AdmitForm, "phase": PhaseForm, "discharge": DischargeForm}[transition]
    form = (
        form_class(request.POST, program=episode.program)
        if transition == "admit"
        else form_class(request.POST)
    )
    if not form.is_valid():
        raise ValidationError([f"{k}: {' '.join(v)}" for k, v in form.errors.items()])
    cd = form.cleaned_data
    if transition == "admit":
        services.episode_admit(actor=actor, episode=episode, track=cd["track"], on=cd["on"])
    elif transition == "phase":
        services.episode_change_phase(actor=actor, episode=episode, phase=Phase(cd["phase"]))
    else:
        services.episode_discharge(
            actor=actor, episode=episode, reason=DischargeReason(cd["reason"]), on=cd["on"]
        )


@require_POST
@requires(Capability.ASSIGN_CARE_TEAM)
def care_team_assign(
    request: HttpRequest, patient_id: int, episode_id: int, seat: str
) -> HttpResponse:
    if seat not in SEATS:
        raise Http404
    episode = episode_for_action(
        request, patient_id, episode_id, Capability.ASSIGN_CARE_TEAM, "CARE_TEAM_ASSIGNED"
    )
    form = CareTeamForm(request.POST, prefix=seat, eligible=care_team_candidates(episode, seat))
    if not form.is_valid():
        return _rerender_with_error(request, patient_id, "Choose someone from the list.")
    try:
        services.care_team_assign(
            actor=actor_from_request(request),
            episode=episode,
            seat=seat,
            member=form.cleaned_data["member"],
        )
    except DomainError as exc:
        return _rerender_with_error(request, patient_id, exc.message)
    return redirect("patients:chart", patient_id=patient_id)


@require_POST
@requires(Capability.EDIT_PATIENT)
def contact_add(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        patient = patient_access(
            request.user,
            patient_id,
            actor=actor,
            capability=Capability.EDIT_PATIENT,
            action="CONTACT_ADDED",
            category=DataCategory.CONTACTS,
            audit_success=False,
        )
    except NotFound as exc:
        raise Http404 from exc
    form = ContactForm(request.POST)
    if form.is_valid():
        services.contact_add(actor=actor, patient=patient, **form.cleaned_data)
        return redirect("patients:contacts", patient_id=patient_id)
    return _contacts_page(request, patient_id, form, status=400)
