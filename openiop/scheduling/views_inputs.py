"""Planning-input pages: what the planner reads for a program (staff hours and skills, hour
bands, patients' availability and needs), and sessions made by hand. Thin, like ``views``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from openiop.accounts.actors import request_user
from openiop.audit.services import audit_record
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import DomainError, NotFound
from openiop.core.policy import requires
from openiop.patients.models import EpisodeOfCare, Phase
from openiop.patients.views import episode_for_action
from openiop.scheduling import access, selectors, services
from openiop.scheduling.forms import HourBandsForm, NeedsForm, SessionForm, WindowsForm
from openiop.scheduling.models import SchedulingNeeds, SessionKind
from openiop.scheduling.services.audit import patient_entries
from openiop.scheduling.views import audit_shown, program_for


@requires(Capability.PLAN_SCHEDULE)
def inputs_view(request: HttpRequest, program_id: int) -> HttpResponse:
    program = program_for(request, program_id, Capability.PLAN_SCHEDULE)
    inputs = selectors.planning_inputs(program)
    bands = {p: (low, high) for p, (_, low, high, _) in zip(Phase, inputs.bands, strict=True)}
    form = HourBandsForm(request.POST or None, bands=bands)
    if request.method == "POST" and form.is_valid():
        try:
            for phase, (low, high) in form.bands().items():
                services.hour_band_set(
                    actor=actor_from_request(request),
                    program=program,
                    phase=phase,
                    min_hours=low,
                    max_hours=high,
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Hour bands saved.")
            return redirect("scheduling:inputs", program_id=program.pk)
    audit_shown(request, program, inputs.episodes)
    context = {"program": program, "inputs": inputs, "form": form, "can_plan": True}
    return render(request, "scheduling/inputs.html", context, status=400 if form.errors else 200)


@requires(Capability.PLAN_SCHEDULE)
def staff_availability_view(request: HttpRequest, program_id: int, user_id: int) -> HttpResponse:
    try:
        program, member = access.staff_member_access(
            request.user,
            program_id,
            user_id,
            actor=actor_from_request(request),
            action="STAFF_AVAILABILITY_CHANGED",
        )
    except NotFound as exc:
        raise Http404 from exc
    current = [
        (w.weekday, w.starts_at, w.ends_at) for w in member.availability.filter(program=program)
    ]
    form = WindowsForm(request.POST or None, windows=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_availability_set(
                actor=actor_from_request(request),
                program=program,
                user=member,
                windows=form.windows(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Hours of {member.display_name} saved.")
            return redirect("scheduling:inputs", program_id=program.pk)
    context = {"program": program, "member": member, "form": form}
    return render(
        request, "scheduling/staff_availability.html", context, status=400 if form.errors else 200
    )


def _needs_initial(episode: EpisodeOfCare) -> dict[str, object]:
    try:
        needs = episode.scheduling_needs
    except SchedulingNeeds.DoesNotExist:
        return {"individual_per_week": 1}
    return {
        "individual_per_week": needs.individual_per_week,
        "emdr": needs.emdr,
        "family": needs.family,
        "psychiatry_due": needs.psychiatry_due,
    }


@requires(Capability.PLAN_SCHEDULE)
def patient_inputs_view(request: HttpRequest, patient_id: int, episode_id: int) -> HttpResponse:
    """A patient's availability and weekly needs, as the planner reads them."""
    episode = episode_for_action(
        request, patient_id, episode_id, Capability.PLAN_SCHEDULE, "SCHEDULING_NEEDS_CHANGED"
    )
    current = [(w.weekday, w.starts_at, w.ends_at) for w in episode.availability.all()]
    windows = WindowsForm(request.POST or None, windows=current, prefix="hours")
    needs = NeedsForm(request.POST or None, initial=_needs_initial(episode), prefix="needs")
    if request.method == "POST" and windows.is_valid() and needs.is_valid():
        if _save_patient_inputs(request, episode, windows, needs):
            messages.success(
                request, f"Scheduling details of {episode.patient.display_name} saved."
            )
            return redirect("scheduling:inputs", program_id=episode.program_id)
    elif request.method != "POST":
        audit_record(
            actor=actor_from_request(request),
            entry=patient_entries(
                "SCHEDULING_NEEDS_VIEWED", episode.program, [episode], "episode", episode.pk
            )[0],
        )
    context = {"program": episode.program, "episode": episode, "windows": windows, "needs": needs}
    failed = request.method == "POST"
    return render(request, "scheduling/patient_inputs.html", context, status=400 if failed else 200)


def _save_patient_inputs(
    request: HttpRequest, episode: EpisodeOfCare, windows: WindowsForm, needs: NeedsForm
) -> bool:
    actor = actor_from_request(request)
    try:
        services.patient_availability_set(actor=actor, episode=episode, windows=windows.windows())
        services.scheduling_needs_set(actor=actor, episode=episode, **needs.cleaned_data)
    except (ValidationError, DomainError) as error:
        windows.add_error(None, getattr(error, "message", None) or error)  # type: ignore[arg-type]
        return False
    return True


@requires(Capability.PLAN_SCHEDULE)
def session_create_view(request: HttpRequest, program_id: int) -> HttpResponse:
    program = program_for(request, program_id, Capability.PLAN_SCHEDULE)
    form = SessionForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        episodes = list(data["episodes"])
        if data["kind"] == SessionKind.GROUP and not episodes and data["cohort"] is not None:
            episodes = selectors.cohort_current_members(data["cohort"])
        starts_at, ends_at = form.times()
        try:
            services.session_create(
                actor=actor_from_request(request),
                program=program,
                kind=SessionKind(data["kind"]),
                starts_at=starts_at,
                ends_at=ends_at,
                clinician=data["clinician"],
                cohort=data["cohort"],
                room=data["room"],
                episodes=episodes,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The session is on the calendar.")
            return redirect("scheduling:program", program_id=program.pk)
    context = {"program": program, "form": form, "user": request_user(request)}
    return render(
        request, "scheduling/session_form.html", context, status=400 if form.errors else 200
    )
