"""Refusals of the billing context, each with a stable machine-readable ``code``.

Input problems are collected and raised together as one ``InvalidInput`` so a form can show
every correction at once (an authorization with reversed dates *and* zero units gets two
messages, not one per round trip). State refusals (deciding twice, ending an ended coverage)
are ``InvalidTransition`` subclasses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from openiop.core.errors import DomainError, InvalidTransition


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: ``field`` is the form field it belongs to ("" for the
    form as a whole), ``code`` is stable."""

    code: str
    field: str
    message: str


class InvalidInput(DomainError):
    """The input breaks one or more rules; nothing was written. ``code`` is the first
    problem's code, ``problems`` lists them all."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("InvalidInput needs at least one problem")
        first = problems[0]
        super().__init__(first.message, field=first.field or None)
        self.code = first.code
        self.problems = tuple(problems)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.problems)


def refuse_if(problems: Sequence[Problem]) -> None:
    """Raise InvalidInput when any problem was found."""
    if problems:
        raise InvalidInput(problems)


class CoverageEnded(InvalidTransition):
    code = "coverage_already_ended"


class AuthorizationDecided(InvalidTransition):
    code = "authorization_already_decided"


class PaymentPlanCancelled(InvalidTransition):
    code = "payment_plan_cancelled"


class InstallmentPaid(InvalidTransition):
    code = "installment_already_paid"


def problems_from_validation(error: ValidationError) -> list[Problem]:
    """Django field validation (``full_clean``) as problems, keeping each error's code."""
    if not hasattr(error, "error_dict"):
        return [Problem(e.code or "invalid", "", " ".join(e.messages)) for e in error.error_list]
    return [
        Problem(e.code or "invalid", "" if name == NON_FIELD_ERRORS else name, " ".join(e.messages))
        for name, errors in error.error_dict.items()
        for e in errors
    ]
