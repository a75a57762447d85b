"""Refusals of consent recording, each with a stable code."""

from __future__ import annotations

from openiop.core.errors import DomainError


class ConsentIncomplete(DomainError):
    """A consent lacks an element the law or the form requires (``missing`` names them, as
    element codes of ``openiop.consents.part2.ELEMENTS`` or form field names)."""

    code = "consent_incomplete"

    def __init__(self, message: str, *, missing: list[str]) -> None:
        super().__init__(message, field=missing[0] if missing else None)
        self.missing = missing


class Part2ConsentRequired(DomainError):
    """A 42 CFR Part 2 program admits no one without a Part 2 consent on file."""

    code = "part2_consent_required"


class Part2NotApplicable(DomainError):
    """A Part 2 consent belongs only to an episode in a Part 2 program."""

    code = "part2_not_applicable"
