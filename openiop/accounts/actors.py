from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from openiop.accounts.models import User


def request_user(request: HttpRequest) -> User:
    """The signed-in staff user of a request whose view policy already required one."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("A signed-in user is required.")
    return user
