"""The synthetic demo staff: who they are, their roles and where they work.

Pure data, no side effects. Every ProgramRole and both organization roles appear, and
``therapist.east`` works only in the Eastside Part 2 program, so the demo shows that access
follows program membership. One prescriber per program is on call for safety alerts.
"""

from __future__ import annotations

from dataclasses import dataclass

from openiop.accounts.roles import Competency, OrgRole, ProgramRole
from openiop.devtools.layout import ADULT_IOP, ADULT_PHP, SUD_IOP

ALL_PROGRAMS = (ADULT_IOP, ADULT_PHP, SUD_IOP)


@dataclass(frozen=True, slots=True)
class Seat:
    """One membership: a role in a program, with an optional caseload cap. ``on_call`` seats
    receive the program's safety alerts along with the patient's primary therapist."""

    program: str
    role: ProgramRole
    caseload_cap: int | None = None
    on_call: bool = False


@dataclass(frozen=True, slots=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    credentials: str = ""
    competencies: tuple[Competency, ...] = ()
    org_role: OrgRole = OrgRole.NONE
    seats: tuple[Seat, ...] = ()


def _everywhere(role: ProgramRole) -> tuple[Seat, ...]:
    return tuple(Seat(program, role) for program in ALL_PROGRAMS)


STAFF: tuple[StaffSpec, ...] = (
    StaffSpec(
        "director",
        "Renata",
        "Alvarado",
        "PhD",
        (Competency.FAMILY,),
        seats=_everywhere(ProgramRole.PROGRAM_DIRECTOR),
    ),
    StaffSpec("intake", "Marcus", "Bellamy", seats=_everywhere(ProgramRole.INTAKE_COORDINATOR)),
    StaffSpec(
        "therapist",
        "Hana",
        "Sato",
        "LCSW",
        (Competency.DBT,),
        seats=(
            Seat(ADULT_IOP, ProgramRole.THERAPIST, 12),
            Seat(ADULT_PHP, ProgramRole.THERAPIST, 4),
        ),
    ),
    StaffSpec(
        "therapist2",
        "Gabriel",
        "Ortega",
        "LMFT",
        (Competency.EMDR, Competency.FAMILY),
        seats=(Seat(ADULT_IOP, ProgramRole.THERAPIST, 10),),
    ),
    StaffSpec(
        "therapist3",
        "Priscilla",
        "Obuya",
        "LPC",
        (Competency.DBT, Competency.GROUP),
        seats=(Seat(ADULT_PHP, ProgramRole.THERAPIST, 8),),
    ),
    StaffSpec(
        "therapist.east",
        "Tomás",
        "Reyna",
        "LCSW, CADC",
        (Competency.GROUP,),
        seats=(Seat(SUD_IOP, ProgramRole.THERAPIST, 14),),
    ),
    StaffSpec(
        "facilitator",
        "Jamie",
        "Lindholm",
        "LCPC",
        (Competency.GROUP,),
        seats=_everywhere(ProgramRole.GROUP_FACILITATOR),
    ),
    StaffSpec(
        "prescriber",
        "Adaeze",
        "Nwankwo",
        "PMHNP",
        (Competency.PRESCRIBER,),
        seats=(
            Seat(ADULT_IOP, ProgramRole.PRESCRIBER, on_call=True),
            Seat(ADULT_PHP, ProgramRole.PRESCRIBER),
        ),
    ),
    StaffSpec(
        "prescriber2",
        "Daniel",
        "Moreau",
        "MD",
        (Competency.PRESCRIBER,),
        seats=(
            Seat(ADULT_PHP, ProgramRole.PRESCRIBER, on_call=True),
            Seat(SUD_IOP, ProgramRole.PRESCRIBER, on_call=True),
        ),
    ),
    StaffSpec(
        "casemanager", "Keisha", "Turnbull", "BSW", seats=_everywhere(ProgramRole.CASE_MANAGER)
    ),
    StaffSpec("billing", "Lauren", "Fiske", seats=_everywhere(ProgramRole.BILLING_SPECIALIST)),
    StaffSpec("auditor", "Victor", "Chang", org_role=OrgRole.AUDITOR),
    StaffSpec("admin", "Morgan", "Reilly", org_role=OrgRole.SYSTEM_ADMIN),
)


def members(program: str, role: ProgramRole) -> list[tuple[str, int | None]]:
    """(username, caseload cap) of everyone holding ``role`` in ``program``, in roster order."""
    return [
        (staff.username, seat.caseload_cap)
        for staff in STAFF
        for seat in staff.seats
        if seat.program == program and seat.role == role
    ]
