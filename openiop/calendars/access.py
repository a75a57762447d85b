"""Fetch-and-authorize for calendars: one NotFound for "missing" and "not yours" (R11).

- A program's week: any program where the user holds VIEW_SCHEDULE.
- A clinician's week: one's own, in the programs where one holds VIEW_SCHEDULE; someone
  else's only as a planner (PLAN_SCHEDULE: the program director) of a program where that
  clinician is an active member, and then only that program's sessions.
- A patient's week and feeds go through ``patients.access`` (the chart's rules).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from openiop.accounts.access import program_ids_with
from openiop.accounts.models import Membership, User
from openiop.audit.models import DataCategory, Outcome
from openiop.audit.services import Entry, audit_record
from openiop.core.actor import Actor
from openiop.core.capabilities import Capability
from openiop.core.errors import NotFound
from openiop.programs.models import Program

_MAX_ID = 2**63 - 1


def program_week_access(user: Any, program_id: int | None) -> Program:
    """The program whose week ``user`` asked for, or (``None``) the first of theirs by name.
    Raises NotFound for a program outside the user's VIEW_SCHEDULE programs. Not audited:
    a program's week names staff, rooms and cohorts, no patient."""
    visible = Program.objects.select_related("site").filter(
        pk__in=program_ids_with(user, Capability.VIEW_SCHEDULE)
    )
    if program_id is None:
        program = visible.order_by("name", "pk").first()
    elif 0 < program_id <= _MAX_ID:
        program = visible.filter(pk=program_id).first()
    else:
        program = None
    if program is None:
        raise NotFound("No such program.")
    return program


@dataclass(frozen=True, slots=True)
class ClinicianScope:
    """Whose week, which programs' sessions of theirs the viewer may see, and the zone the
    week is drawn in (the first of those programs')."""

    clinician: User
    program_ids: frozenset[int]
    zone: ZoneInfo
    is_self: bool


def clinician_week_access(user: Any, clinician_id: int | None, *, actor: Actor) -> ClinicianScope:
    """The scope of the clinician week ``user`` may see (``None``: their own). Raises
    NotFound, after auditing a denied CLINICIAN_SCHEDULE_VIEWED, for a clinician who is not
    an active member of any program the user plans, or who does not exist."""
    if clinician_id is None or clinician_id == user.pk:
        return _scope(user, program_ids_with(user, Capability.VIEW_SCHEDULE), is_self=True)
    planned = program_ids_with(user, Capability.PLAN_SCHEDULE)
    shared: set[int] = set()
    clinician = None
    if 0 < clinician_id <= _MAX_ID and planned:
        shared = set(
            Membership.objects.filter(
                user_id=clinician_id, program_id__in=planned, is_active=True
            ).values_list("program_id", flat=True)
        )
        clinician = User.objects.filter(pk=clinician_id, is_active=True).first() if shared else None
    if clinician is None:
        audit_record(
            actor=actor,
            entry=Entry(
                action="CLINICIAN_SCHEDULE_VIEWED",
                category=DataCategory.NONE,
                outcome=Outcome.DENIED,
                detail={"requested_clinician_id": str(clinician_id)},
            ),
        )
        raise NotFound("No such clinician.")
    return _scope(clinician, shared, is_self=False)


def _scope(clinician: User, program_ids: set[int], *, is_self: bool) -> ClinicianScope:
    first = Program.objects.filter(pk__in=program_ids).order_by("pk").first()
    if first is None:
        raise NotFound("No programs.")
    return ClinicianScope(
        clinician=clinician, program_ids=frozenset(program_ids), zone=first.zone, is_self=is_self
    )
