from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.policy import requires
from openiop.measures.selectors import alerts_for
from openiop.patients.selectors import census, patients_audit_listed


@requires(Capability.VIEW_DASHBOARD)
def today(request: HttpRequest) -> HttpResponse:
    """Today's census (counts only) and the open safety alerts sent to this user (named,
    so each listed patient is audited)."""
    figures = census(request.user)
    alerts = alerts_for(request.user)
    patients_audit_listed(
        actor=actor_from_request(request),
        patients=list({a.patient_id: a.patient for a in alerts}.values()),
        part2_ids={a.patient_id for a in alerts if a.episode.program.is_part2},
    )
    programs: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"tracks": defaultdict(dict), "total": 0}
    )
    for row in figures["rows"]:
        program = programs[row.program]
        program["tracks"][row.track][row.phase] = row.count
        program["total"] += row.count
    pending: dict[str, dict[str, int]] = defaultdict(dict)
    for row in figures["pending"]:
        pending[row["program__name"]][row["state"]] = row["count"]
    context = {
        "programs": {
            name: {"tracks": dict(p["tracks"]), "total": p["total"]} for name, p in programs.items()
        },
        "pending": dict(pending),
        "open_total": figures["open_total"],
        "phases": ["stabilization", "core", "taper"],
        "alerts": alerts,
    }
    return render(request, "dashboard/today.html", context)
