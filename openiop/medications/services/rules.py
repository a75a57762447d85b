"""The checks every write of the medications context shares: who may write, whether the
episode takes the write, required text, and the model's own validation as a coded refusal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from openiop.accounts.models import Membership, User
from openiop.accounts.roles import PROGRAM_ROLE_CAPABILITIES, ProgramRole
from openiop.core import clock
from openiop.core.capabilities import Capability
from openiop.core.errors import PermissionDenied
from openiop.medications import errors
from openiop.patients.models import EpisodeOfCare, EpisodeState
from openiop.programs.models import Program


def holds(user: User, program: Program, roles: Sequence[str]) -> bool:
    return Membership.objects.filter(
        user=user, user__is_active=True, program=program, is_active=True, role__in=roles
    ).exists()


def require_capability(user: User, program: Program, capability: Capability) -> None:
    """The person writing must hold ``capability`` in the program right now (the views check
    it first; this keeps the services closed to any other caller)."""
    roles = [role for role, caps in PROGRAM_ROLE_CAPABILITIES.items() if capability in caps]
    if not holds(user, program, roles):
        raise PermissionDenied(f"{user.display_name} may not do this in {program.name}.")


def require_prescriber(user: User, program: Program) -> None:
    if not holds(user, program, [ProgramRole.PRESCRIBER]):
        raise errors.NotAPrescriber(
            "Choose a prescriber who works in this program.", field="prescriber"
        )


def require_admitted(episode: EpisodeOfCare) -> None:
    if episode.state != EpisodeState.ADMITTED:
        raise errors.EpisodeNotAdmitted(
            "Medications are kept for admitted patients; this episode is "
            f"{episode.get_state_display().lower()}."
        )


def text(value: str, field: str, label: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise errors.FieldRequired(f"Enter the {label}.", field=field)
    return cleaned


def clean(obj: models.Model) -> None:
    """``full_clean`` as a refusal with a code: the backstop behind the explicit rules (field
    lengths, the model's constraints)."""
    try:
        obj.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise errors.MedicationInvalid(
            " ".join(messages), field=None if field == NON_FIELD_ERRORS else field
        ) from error


def today(program: Program) -> dt.date:
    return clock.localdate(program.zone)
