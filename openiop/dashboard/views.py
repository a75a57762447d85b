"""The today page, the weekly hours page and the lists behind the director's flags. Thin:
parse → access → one selector → audit the patients named → render."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from openiop.accounts.access import program_ids_with
from openiop.attendance.hours import week_of
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import NotFound
from openiop.core.policy import requires
from openiop.dashboard.flags import Flag, flag_list
from openiop.dashboard.hours import requested_week, this_week, weekly_hours_page
from openiop.dashboard.selectors import ProgramDay, program_days
from openiop.dashboard.today import PHASES, today_page
from openiop.patients.selectors import patients_audit_listed
from openiop.scheduling.access import program_access


@requires(Capability.VIEW_DASHBOARD)
def today(request: HttpRequest) -> HttpResponse:
    """Census, the user's safety alerts and the sections of what they do in each program;
    every patient named is audited as listed."""
    page = today_page(request.user)
    patients_audit_listed(
        actor=actor_from_request(request), patients=page.patients, part2_ids=page.part2_ids
    )
    return render(request, "dashboard/today.html", {"page": page, "phases": PHASES})


def _chosen_programs(request: HttpRequest, days: list[ProgramDay]) -> list[ProgramDay]:
    """All the user's programs, or the one ``?program=`` names (404 when it is not theirs)."""
    value = request.GET.get("program", "")
    if not value:
        return days
    program_id = int(value) if value.isdigit() and len(value) < 19 else 0
    try:
        program = program_access(
            request.user,
            program_id,
            actor=actor_from_request(request),
            capability=Capability.VIEW_PATIENTS,
            action="WEEKLY_HOURS_VIEWED",
        )
    except NotFound as exc:
        raise Http404 from exc
    return [d for d in days if d.pk == program.pk]


@requires(Capability.VIEW_PATIENTS)
def weekly_hours(request: HttpRequest) -> HttpResponse:
    """Each admitted patient's week against their minimum, plan and authorization."""
    days = program_days(request.user, Capability.VIEW_PATIENTS)
    chosen = _chosen_programs(request, days)
    week = requested_week(request.GET.get("week", ""))
    weeks = weekly_hours_page(chosen, week)
    episodes = [row.episode for w in weeks for row in w.rows]
    patients_audit_listed(
        actor=actor_from_request(request),
        patients=list({e.patient_id: e.patient for e in episodes}.values()),
        part2_ids={e.patient_id for e in episodes if e.program.is_part2},
    )
    shown = week_of(week) if week else this_week(chosen)
    context = {
        "weeks": weeks,
        "programs": days,
        "program_param": request.GET.get("program", "") if len(chosen) == 1 else "",
        "shown_week": shown,
        "configurable": program_ids_with(request.user, Capability.CONFIGURE_PROGRAM),
        "previous_week": shown - dt.timedelta(days=7),
        "next_week": shown + dt.timedelta(days=7),
    }
    return render(request, "dashboard/weekly_hours.html", context)


@requires(Capability.VIEW_DASHBOARD)
def flag_detail(request: HttpRequest, flag: str) -> HttpResponse:
    """The rows behind one of the director's flags, in the programs they run."""
    try:
        chosen = Flag(flag)
    except ValueError as exc:
        raise Http404 from exc
    if chosen is Flag.AUTHORIZATIONS:
        raise Http404
    try:
        found = flag_list(request.user, chosen, program_days(request.user))
    except NotFound as exc:
        raise Http404 from exc
    patients_audit_listed(
        actor=actor_from_request(request), patients=found.patients, part2_ids=found.part2_ids
    )
    return render(request, "dashboard/flag_list.html", {"found": found})
