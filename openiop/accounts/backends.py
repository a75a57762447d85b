from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from openiop.accounts.identity import normalize_username


class CaseInsensitiveModelBackend(ModelBackend):
    """ModelBackend with usernames normalized the way they are stored (R01).

    For an unknown username ModelBackend still runs the password hasher once, so a wrong
    password and a missing account take about the same time (R04).
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is not None:
            username = normalize_username(username)
        return super().authenticate(request, username=username, password=password, **kwargs)
