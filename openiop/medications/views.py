"""The chart's "Medications" tab (the list, its history, the running watches and, in Part 2
programs, drug screens), its write endpoints, and a facilitator's "Medication watches" page.

Thin: parse → access → one service or selector → render. Writes need MANAGE_MEDICATIONS
(medications) or RECORD_DRUG_SCREENS (screens) in the episode's program:
``episode_for_action`` answers 404 (audited) for another program's user, and the medication
must belong to that episode. Bad input re-renders the tab with the bound form, the refusal
next to its field and status 400; nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
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
from openiop.medications import services
from openiop.medications.access import (
    can_manage,
    drug_screens_read,
    medication_of,
    visible_episodes,
    watch_access,
    watches_read,
)
from openiop.medications.forms import (
    DrugScreenForm,
    MedicationChangeForm,
    MedicationStartForm,
    MedicationStopForm,
    add_refusal,
)
from openiop.medications.models import Medication
from openiop.medications.selectors import medication_chart, prescribers_of, watch_day
from openiop.patients.models import OPEN_STATES, EpisodeOfCare
from openiop.patients.views import chart_context, episode_for_action

Bound = dict[str, forms.Form]


def chart_url(patient_id: int, episode_id: int) -> str:
    url = reverse("medications:chart", kwargs={"patient_id": patient_id})
    return f"{url}?episode={episode_id}"


def _episode_param(request: HttpRequest) -> int | None:
    value = request.GET.get("episode", "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def _pick_episode(visible: list[EpisodeOfCare], wanted: int | None) -> EpisodeOfCare | None:
    """The episode the tab shows: the one asked for, else an open one, else the latest."""
    chosen = next((e for e in visible if e.pk == wanted), None)
    chosen = chosen or next((e for e in visible if e.state in OPEN_STATES), None)
    return chosen or (visible[0] if visible else None)


def chart_page(
    request: HttpRequest,
    patient_id: int,
    *,
    episode_id: int | None = None,
    bound: Bound | None = None,
    status: int = 200,
) -> HttpResponse:
    """The tab, authorized and audited by ``chart_context`` (PATIENT_MEDICATIONS_VIEWED);
    drug screens are read through ``drug_screens_read`` (DRUG_SCREENS_VIEWED, Part 2)."""
    context = chart_context(request, patient_id, "medications")
    visible = visible_episodes(request.user, context["episodes"])
    episode = _pick_episode(visible, episode_id)
    context["visible_episodes"] = visible
    if episode is not None:
        actor = actor_from_request(request)
        today = clock.localdate(episode.program.zone)
        chart = medication_chart(episode, today)
        may = can_manage(request.user, episode)
        screens = drug_screens_read(request.user, episode, actor=actor)
        context.update(episode=episode, chart=chart, may=may, screens=screens)
        forms_ = _forms(request, episode, chart.current, today, may, bound or {})
        context.update(forms_, unshown=_unshown(bound or {}, forms_))
    return render(request, "medications/chart.html", context, status=status)


def _forms(
    request: HttpRequest,
    episode: EpisodeOfCare,
    current: list[Medication],
    today: dt.date,
    may: dict[str, bool],
    bound: Bound,
) -> dict[str, Any]:
    """The write forms the user may use, unbound with sensible defaults, or the bound one
    that just failed (by prefix)."""
    result: dict[str, Any] = {"cards": [{"medication": m} for m in current]}
    if may["medications"]:
        prescriber = getattr(getattr(episode, "care_team", None), "prescriber_id", None)
        result["start_form"] = bound.get("start") or MedicationStartForm(
            prefix="start",
            prescribers=prescribers_of(episode.program),
            initial={"prescriber": prescriber or request.user.pk, "started_on": today},
        )
        for card in result["cards"]:
            m = card["medication"]
            card["change"] = bound.get(f"change-{m.pk}") or MedicationChangeForm(
                prefix=f"change-{m.pk}",
                initial={"dose": m.dose, "frequency": m.frequency, "effective_on": today},
            )
            card["stop"] = bound.get(f"stop-{m.pk}") or MedicationStopForm(
                prefix=f"stop-{m.pk}", initial={"stopped_on": today}
            )
    if may["screens"]:
        result["screen_form"] = bound.get("screen") or DrugScreenForm(
            prefix="screen", initial={"collected_on": today}
        )
    return result


def _unshown(bound: Bound, shown: dict[str, Any]) -> list[str]:
    """The messages of a refused form that the tab does not show (a screen posted for a
    program without screens), so the refusal is still on the page."""
    placed = {id(f) for f in shown.values() if isinstance(f, forms.Form)}
    placed |= {id(f) for card in shown["cards"] for f in card.values()}
    return [
        str(message)
        for form in bound.values()
        if id(form) not in placed
        for errors in form.errors.values()
        for message in errors
    ]


@requires(Capability.VIEW_PATIENTS)
def medications_chart(request: HttpRequest, patient_id: int) -> HttpResponse:
    return chart_page(request, patient_id, episode_id=_episode_param(request))


def _submit(
    request: HttpRequest, episode: EpisodeOfCare, form: forms.Form, write: Callable[[], str]
) -> HttpResponse:
    """Run ``write`` (one service call returning the success message) when ``form`` is valid,
    then go back to the tab. A refusal re-renders the tab with the bound form (400)."""
    if form.is_valid():
        try:
            message = write()
        except DomainError as error:
            add_refusal(form, error)
        else:
            messages.success(request, message)
            return redirect(chart_url(episode.patient_id, episode.pk))
    bound = {form.prefix or "": form}
    return chart_page(request, episode.patient_id, episode_id=episode.pk, bound=bound, status=400)


def _medication(
    request: HttpRequest, episode: EpisodeOfCare, medication_id: int, action: str
) -> Medication:
    try:
        return medication_of(
            episode, medication_id, actor=actor_from_request(request), action=action
        )
    except NotFound as exc:
        raise Http404 from exc


@require_POST
@requires(Capability.MANAGE_MEDICATIONS)
def medication_start(request: HttpRequest, patient_id: int, episode_id: int) -> HttpResponse:
    episode: EpisodeOfCare = episode_for_action(
        request, patient_id, episode_id, Capability.MANAGE_MEDICATIONS, "MEDICATION_STARTED"
    )
    prescribers = {u.pk: u for u in prescribers_of(episode.program)}
    form = MedicationStartForm(request.POST, prefix="start", prescribers=list(prescribers.values()))

    def write() -> str:
        cd = form.cleaned_data
        medication = services.medication_start(
            actor=actor_from_request(request),
            episode=episode,
            by=request_user(request),
            drug=cd["drug"],
            dose=cd["dose"],
            frequency=cd["frequency"],
            prescriber=prescribers[cd["prescriber"]],
            started_on=cd["started_on"],
        )
        return f"{medication.drug} added to the medication list."

    return _submit(request, episode, form, write)


@require_POST
@requires(Capability.MANAGE_MEDICATIONS)
def medication_change(
    request: HttpRequest, patient_id: int, episode_id: int, medication_id: int
) -> HttpResponse:
    action = "MEDICATION_CHANGED"
    episode: EpisodeOfCare = episode_for_action(
        request, patient_id, episode_id, Capability.MANAGE_MEDICATIONS, action
    )
    medication = _medication(request, episode, medication_id, action)
    form = MedicationChangeForm(request.POST, prefix=f"change-{medication.pk}")

    def write() -> str:
        services.medication_change(
            actor=actor_from_request(request),
            medication=medication,
            by=request_user(request),
            dose=form.cleaned_data["dose"],
            frequency=form.cleaned_data["frequency"],
            effective_on=form.cleaned_data["effective_on"],
        )
        return f"{medication.drug} changed; the group facilitators are asked to watch."

    return _submit(request, episode, form, write)


@require_POST
@requires(Capability.MANAGE_MEDICATIONS)
def medication_stop(
    request: HttpRequest, patient_id: int, episode_id: int, medication_id: int
) -> HttpResponse:
    action = "MEDICATION_STOPPED"
    episode: EpisodeOfCare = episode_for_action(
        request, patient_id, episode_id, Capability.MANAGE_MEDICATIONS, action
    )
    medication = _medication(request, episode, medication_id, action)
    form = MedicationStopForm(request.POST, prefix=f"stop-{medication.pk}")

    def write() -> str:
        services.medication_stop(
            actor=actor_from_request(request),
            medication=medication,
            by=request_user(request),
            stopped_on=form.cleaned_data["stopped_on"],
            reason=form.cleaned_data["reason"],
        )
        return f"{medication.drug} stopped."

    return _submit(request, episode, form, write)


@require_POST
@requires(Capability.RECORD_DRUG_SCREENS)
def drug_screen_record(request: HttpRequest, patient_id: int, episode_id: int) -> HttpResponse:
    episode: EpisodeOfCare = episode_for_action(
        request, patient_id, episode_id, Capability.RECORD_DRUG_SCREENS, "DRUG_SCREEN_RECORDED"
    )
    form = DrugScreenForm(request.POST, prefix="screen")

    def write() -> str:
        services.drug_screen_record(
            actor=actor_from_request(request),
            episode=episode,
            by=request_user(request),
            collected_on=form.cleaned_data["collected_on"],
            specimen=form.cleaned_data["specimen"],
            results=form.results(),
            comment=form.cleaned_data["comment"],
        )
        return "Drug screen recorded."

    return _submit(request, episode, form, write)


@requires(Capability.VIEW_PATIENTS)
def watch_list(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own running watches; each patient listed is audited
    (MEDICATION_WATCHES_VIEWED)."""
    today = watch_day(request.user)
    watches = watches_read(request.user, today, actor=actor_from_request(request))
    return render(request, "medications/watches.html", {"watches": watches, "today": today})


@require_POST
@requires(Capability.VIEW_PATIENTS)
def watch_seen(request: HttpRequest, watch_id: int) -> HttpResponse:
    """Mark one of the user's own watches seen (someone else's is a 404). With htmx the row
    is swapped in place; without JS the page reloads."""
    actor = actor_from_request(request)
    try:
        watch = watch_access(request.user, watch_id, actor=actor, action="MEDICATION_WATCH_SEEN")
    except NotFound as exc:
        raise Http404 from exc
    seen = services.medication_watch_seen(actor=actor, watch=watch, by=request_user(request))
    watch.seen_at = seen.seen_at  # the row shows the loaded patient and change, now seen
    if getattr(request, "htmx", False):
        return render(request, "medications/_watch_row.html", {"watch": watch})
    messages.success(request, "Marked as seen.")
    return redirect("medications:watches")
