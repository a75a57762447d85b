"""Test data built through the real services, so invariants and audit rows hold in tests too."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.base import DictFactory
from factory.faker import Faker

from openiop.accounts.models import User
from openiop.accounts.roles import OrgRole, ProgramRole
from openiop.accounts.services import (
    SESSION_AUTH_AT,
    SESSION_SEEN_AT,
    membership_grant,
    staff_create,
)
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.patients import services as patient_services
from openiop.patients.models import Patient
from openiop.programs import services as program_services
from openiop.programs.models import LevelOfCare, Program, Track

SYSTEM = Actor.system("tests")
PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


class NameFactory(DictFactory):
    given = Faker("first_name")
    family = Faker("last_name")


@dataclass
class ProgramSet:
    program: Program
    track: Track


def program_setup(
    name: str = "Adult IOP", *, tz: str = "America/Chicago", part2: bool = False
) -> ProgramSet:
    n = next(_counter)
    org = program_services.organization_create(name=f"Org {n}")
    site = program_services.site_create(organization=org, name=f"Site {n}")
    program = program_services.program_create(
        site=site, name=name, level_of_care=LevelOfCare.IOP, time_zone=tz, is_part2=part2
    )
    track = program_services.track_create(
        program=program,
        name=f"{name} – Evening",
        weekdays=[0, 1, 3],
        starts_at=dt.time(18),
        ends_at=dt.time(21),
    )
    return ProgramSet(program=program, track=track)


def staff(
    role: ProgramRole | None = None,
    program: Program | None = None,
    *,
    org_role: OrgRole = OrgRole.NONE,
    username: str | None = None,
    caseload_cap: int | None = None,
) -> User:
    n = next(_counter)
    user = staff_create(
        actor=SYSTEM,
        username=username or f"staff{n}",
        password=PASSWORD,
        first_name="Test",
        last_name=f"Staff{n}",
        org_role=org_role,
    )
    if role is not None and program is not None:
        membership_grant(
            actor=SYSTEM, user=user, program=program, role=role, caseload_cap=caseload_cap
        )
    return user


def patient(program: Program, **overrides: object) -> Patient:
    names: dict[str, str] = NameFactory.build()
    fields: dict[str, object] = {
        "legal_given_name": names["given"],
        "legal_family_name": f"{names['family']}{next(_counter)}",
        "date_of_birth": dt.date(1990, 5, 17),
    }
    fields.update(overrides)
    return patient_services.patient_register(actor=SYSTEM, program=program, **fields)  # type: ignore[arg-type]


def login(client: Client, user: User) -> Client:
    """Sign ``user`` in with a confirmed TOTP device, as if they had passed both factors."""
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    session = client.session
    session["otp_device_id"] = device.persistent_id
    moment = clock.now().timestamp()
    session[SESSION_AUTH_AT] = moment
    session[SESSION_SEEN_AT] = moment
    session.save()
    return client
