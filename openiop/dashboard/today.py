"""The today page, assembled from what the user does in each program:

- everyone: the census of their programs (counts only) and the safety alerts sent to them;
- whoever runs sessions today: their sessions with a status, and for each group they
  facilitate its roster (attendance so far, medication watches) — ``sessions``;
- a primary therapist: their caseload — ``caseload``;
- a director (PLAN_SCHEDULE or CONFIGURE_PROGRAM in a program): today's attendance rate and
  the open flags of each program they run — ``flags``.

A fixed number of queries however many patients and sessions there are (each part documents
its own). ``patients`` lists everyone the page names, for the view to audit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from openiop.accounts.access import has_capability, program_ids_with
from openiop.core.capabilities import Capability
from openiop.dashboard.caseload import CaseloadRow, caseload
from openiop.dashboard.flags import ProgramFlags, director_flags, director_program_ids
from openiop.dashboard.selectors import program_days
from openiop.dashboard.sessions import SessionToday, sessions_today
from openiop.measures.models import SafetyAlert
from openiop.measures.selectors import alerts_for
from openiop.patients.models import Patient
from openiop.patients.selectors import census

PHASES = ("stabilization", "core", "taper")


@dataclass(frozen=True, slots=True)
class Census:
    """Admitted patients by program → track → phase, and referrals and waitlist by program."""

    programs: dict[str, dict[str, Any]]
    pending: dict[str, dict[str, int]]
    open_total: int


@dataclass(frozen=True, slots=True)
class TodayPage:
    census: Census
    alerts: list[SafetyAlert]
    sessions: list[SessionToday]
    caseload: list[CaseloadRow]
    show_caseload: bool
    director: list[ProgramFlags]
    patients: list[Patient]
    part2_ids: set[int]

    @property
    def groups(self) -> list[SessionToday]:
        return [s for s in self.sessions if s.is_group]


def census_of(user: Any) -> Census:
    """The census figures of ``openiop.patients.selectors.census``, grouped for the page."""
    figures = census(user)
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
    return Census(
        programs={
            name: {"tracks": dict(p["tracks"]), "total": p["total"]} for name, p in programs.items()
        },
        pending=dict(pending),
        open_total=figures["open_total"],
    )


def _shows_caseload(user: Any, rows: list[CaseloadRow]) -> bool:
    """Therapists see the section even when empty; directors only when they carry patients."""
    if rows:
        return True
    return has_capability(user, Capability.MANAGE_TREATMENT_PLAN) and not director_program_ids(user)


def today_page(user: Any) -> TodayPage:
    """Everything the today page shows ``user``. Reads only; the caller audits
    ``patients``."""
    days = program_days(user)
    readable = program_ids_with(user, Capability.VIEW_PATIENTS)
    alerts = alerts_for(user)
    sessions = sessions_today(user, [d for d in days if d.pk in readable])
    rows = caseload(user, {d.pk: d.today for d in days if d.pk in readable})
    named: dict[int, Patient] = {}
    part2: set[int] = set()

    def name(patient: Patient, is_part2: bool) -> None:
        named[patient.pk] = patient
        if is_part2:
            part2.add(patient.pk)

    for alert in alerts:
        name(alert.patient, alert.episode.program.is_part2)
    for session in sessions:
        for entry in session.roster:
            name(entry.patient, session.program.is_part2)
    for row in rows:
        name(row.episode.patient, row.episode.program.is_part2)
    return TodayPage(
        census=census_of(user),
        alerts=alerts,
        sessions=sessions,
        caseload=rows,
        show_caseload=_shows_caseload(user, rows),
        director=director_flags(user, days),
        patients=list(named.values()),
        part2_ids=part2,
    )
