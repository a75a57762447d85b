"""Calendar pages (a program's week, a clinician's week, a patient's week from the chart),
creating and turning off feeds, and the feed itself. Thin: parse → access → one service or
selector → render."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from openiop.accounts.actors import request_user
from openiop.calendars import selectors, services
from openiop.calendars.access import clinician_week_access, program_week_access
from openiop.calendars.feeds import feed_document
from openiop.calendars.grid import Week
from openiop.core import clock
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import DomainError, NotFound
from openiop.core.policy import public, requires
from openiop.core.qr import qr_svg
from openiop.patients.selectors import patients_audit_listed
from openiop.patients.views import chart_context, episode_for_action

_MAX_ID = 2**63 - 1


def _id_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and 0 < int(value) <= _MAX_ID):
        raise Http404
    return int(value)


def _week(request: HttpRequest, zone: ZoneInfo) -> Week:
    """The week of the ``week`` parameter (any day of it), else the current local week."""
    value = request.GET.get("week", "")
    try:
        day = dt.date.fromisoformat(value) if value else clock.localdate(zone)
    except ValueError as exc:
        raise Http404 from exc
    return Week.containing(day, zone)


@requires(Capability.VIEW_SCHEDULE)
def program_week_view(request: HttpRequest) -> HttpResponse:
    try:
        program = program_week_access(request.user, _id_param(request, "program"))
    except NotFound as exc:
        raise Http404 from exc
    context = {
        "data": selectors.program_week(program, _week(request, program.zone)),
        "programs": selectors.programs_with(request.user, Capability.VIEW_SCHEDULE),
    }
    return render(request, "calendars/program_week.html", context)


@requires(Capability.VIEW_SCHEDULE)
def clinician_week_view(request: HttpRequest) -> HttpResponse:
    """A clinician's week; it names the patients of their office sessions, so each one shown
    is audited as listed."""
    actor = actor_from_request(request)
    try:
        scope = clinician_week_access(request.user, _id_param(request, "clinician"), actor=actor)
    except NotFound as exc:
        raise Http404 from exc
    data = selectors.clinician_week(scope, _week(request, scope.zone), viewer=request.user)
    patients_audit_listed(actor=actor, patients=data.listed, part2_ids=data.part2_ids)
    context = {
        "scope": scope,
        "data": data,
        "clinicians": selectors.clinicians_planned_by(request.user),
        "feed": selectors.live_feed_of_clinician(scope.clinician) if scope.is_self else None,
    }
    return render(request, "calendars/clinician_week.html", context)


def _feed_created(request: HttpRequest, token: str, context: dict[str, Any]) -> HttpResponse:
    url = request.build_absolute_uri(reverse("calendars:feed", kwargs={"token": token}))
    webcal = "webcal://" + url.split("://", 1)[1]
    context.update(url=url, webcal=webcal, qr=qr_svg(webcal))
    return render(request, "calendars/feed_created.html", context)


@require_POST
@requires(Capability.VIEW_SCHEDULE)
def own_feed_create(request: HttpRequest) -> HttpResponse:
    """A new feed of one's own sessions (replacing the previous URL); the URL is shown once."""
    user = request_user(request)
    try:
        _, token = services.feed_create(
            actor=actor_from_request(request), created_by=user, clinician=user
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("calendars:clinician_week")
    back = reverse("calendars:clinician_week")
    return _feed_created(request, token, {"back": back, "patient": None})


@require_POST
@requires(Capability.VIEW_SCHEDULE)
def own_feed_revoke(request: HttpRequest) -> HttpResponse:
    feed = selectors.live_feed_of_clinician(request_user(request))
    _revoke(request, feed)
    return redirect("calendars:clinician_week")


def _revoke(request: HttpRequest, feed: Any) -> None:
    if feed is None:
        messages.info(request, "There is no calendar feed to turn off.")
        return
    try:
        services.feed_revoke(actor=actor_from_request(request), feed=feed)
    except DomainError as error:
        messages.info(request, error.message)
    else:
        messages.success(request, "Calendar feed turned off: its link no longer works.")


@requires(Capability.VIEW_PATIENTS)
def patient_week_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    context = chart_context(request, patient_id, "schedule")
    episodes = selectors.patient_episodes(request.user, context["patient"])
    shown = next((e for e in episodes if e.state != "discharged"), episodes[0])
    data = selectors.patient_week(episodes, _week(request, shown.program.zone))
    feeds = selectors.live_feeds_of_episodes(episodes)
    context.update(
        data=data, feed_rows=[(e, feeds.get(e.pk)) for e in episodes if e.state != "discharged"]
    )
    return render(request, "calendars/patient_week.html", context)


def _feed_episode(request: HttpRequest, patient_id: int, episode_id: int, action: str) -> Any:
    return episode_for_action(request, patient_id, episode_id, Capability.VIEW_PATIENTS, action)


@require_POST
@requires(Capability.VIEW_PATIENTS)
def patient_feed_create(request: HttpRequest, patient_id: int, episode_id: int) -> HttpResponse:
    """A new feed of the patient's sessions in that episode (replacing the previous URL),
    for the patient's phone; the URL is shown once."""
    episode = _feed_episode(request, patient_id, episode_id, "CALENDAR_FEED_CREATED")
    try:
        _, token = services.feed_create(
            actor=actor_from_request(request), created_by=request_user(request), episode=episode
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("calendars:patient_week", patient_id=patient_id)
    back = reverse("calendars:patient_week", kwargs={"patient_id": patient_id})
    return _feed_created(request, token, {"back": back, "patient": episode.patient})


@require_POST
@requires(Capability.VIEW_PATIENTS)
def patient_feed_revoke(request: HttpRequest, patient_id: int, episode_id: int) -> HttpResponse:
    episode = _feed_episode(request, patient_id, episode_id, "CALENDAR_FEED_REVOKED")
    _revoke(request, selectors.live_feeds_of_episodes([episode]).get(episode.pk))
    return redirect("calendars:patient_week", patient_id=patient_id)


@require_safe
@public
def feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """The iCal feed. Public: the unguessable token in the URL is the credential. An unknown
    and a revoked token get the same 404."""
    try:
        feed = services.feed_fetch(actor=actor_from_request(request), token=token)
    except NotFound as exc:
        raise Http404 from exc
    now = clock.now()
    body = feed_document(feed, selectors.feed_sessions(feed, now=now), now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
