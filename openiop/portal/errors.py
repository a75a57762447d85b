"""Refusals of the patient portal, each with a stable code. A link that was never valid is
a 404; one that was valid but has expired or been revoked is a 410 (gone)."""

from __future__ import annotations

from openiop.core.errors import DomainError, InvalidTransition


class AccessInvalid(DomainError):
    """Unknown token, or a token of another patient: one answer for both."""

    code = "link_invalid"


class AccessExpired(DomainError):
    code = "link_expired"


class AccessRevoked(DomainError):
    code = "link_revoked"


class AlreadyRevoked(InvalidTransition):
    code = "already_revoked"


class EpisodeClosed(InvalidTransition):
    """A new link is for a current episode, not a discharged one."""

    code = "episode_discharged"
