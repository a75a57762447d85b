"""Bearer tokens in URLs (measures' portal links, calendar feeds): 256 random bits in the
URL, only their SHA-256 in the database.

A lookup compares digests through the unique index, never the token itself. Someone timing
that lookup learns how their own guess's digest compares with stored digests, which says
nothing about any token, so a plain indexed equality is as safe here as
``hmac.compare_digest`` and stays a single index probe however many feeds exist. A fast hash
is enough because the token is random, not a password: there is nothing to brute-force."""

from __future__ import annotations

import hashlib
import secrets

# token_urlsafe(32) gives 43 characters of [A-Za-z0-9_-]: the URL's ``slug`` converter.
TOKEN_BYTES = 32


def new_token() -> str:
    """A fresh, unguessable token for a URL."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The hex SHA-256 of ``token``: what the database stores and looks up."""
    return hashlib.sha256(token.encode()).hexdigest()
