from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from openiop.core.capabilities import Capability
from openiop.core.policy import requires
from openiop.patients.selectors import census


@requires(Capability.VIEW_DASHBOARD)
def today(request: HttpRequest) -> HttpResponse:
    """Today's census: admitted patients by program, track and phase (counts only)."""
    figures = census(request.user)
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
    }
    return render(request, "dashboard/today.html", context)
