"""Domain errors with stable codes (Saleor style). Views map them to form errors or 4xx."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused an operation. ``code`` is stable and machine-readable."""

    code = "domain_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The object does not exist, or the principal may not know that it exists.

    Access functions raise this for both cases so that a response never reveals whether a
    record the caller cannot see exists (security.md R11).
    """

    code = "not_found"


class InvalidTransition(DomainError):
    code = "invalid_transition"


class PermissionDenied(DomainError):
    code = "permission_denied"
