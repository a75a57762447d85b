"""Bearer tokens (measures' and the patient portal's links, calendar feeds, kiosk cookies):
256 random bits in the URL or cookie, only their SHA-256 in the database.

A lookup compares digests through the unique index, never the token itself. Someone timing
that lookup learns how their own guess's digest compares with stored digests, which says
nothing about any token, so a plain indexed equality is as safe here as
``hmac.compare_digest`` and stays a single index probe however many feeds exist. A fast hash
is enough because the token is random, not a password: there is nothing to brute-force."""

from __future__ import annotations

import hashlib
import secrets

from django.http import HttpResponse

# token_urlsafe(32) gives 43 characters of [A-Za-z0-9_-]: the URL's ``slug`` converter.
TOKEN_BYTES = 32


def new_token() -> str:
    """A fresh, unguessable token for a URL."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The hex SHA-256 of ``token``: what the database stores and looks up."""
    return hashlib.sha256(token.encode()).hexdigest()


def bearer_page(response: HttpResponse) -> HttpResponse:
    """Headers for a page whose credential is a token (a link's or a kiosk's cookie): the
    token must not leak to other sites through the Referer ("no-referrer" would make browsers
    send "Origin: null" on the page's form posts, which the CSRF check rightly refuses), and
    nothing is indexed or kept by a shared computer's browser."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response
