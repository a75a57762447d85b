"""Refusals of the calendar context, each with a stable code."""

from __future__ import annotations

from openiop.core.errors import DomainError, NotFound


class FeedNotFound(NotFound):
    """An unknown, revoked or orphaned feed token: one answer for all three, so a URL that
    stopped working says nothing about why."""

    code = "feed_not_found"


class FeedRefused(DomainError):
    """A feed cannot be created for this owner (an ended episode, an inactive account)."""

    code = "feed_refused"
