from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from openiop.accounts.models import User
from openiop.core.actor import Actor, ActorKind
from openiop.core.middleware import client_ip


def request_user(request: HttpRequest) -> User:
    """The signed-in staff user of a request whose view policy already required one."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("A signed-in user is required.")
    return user


def actor_from_request(request: HttpRequest) -> Actor:
    """The audited actor for a web request: the signed-in user, or anonymous."""
    user = getattr(request, "user", None)
    request_id = getattr(request, "request_id", "")
    ip = client_ip(request)
    if user is not None and user.is_authenticated:
        kind = ActorKind.PATIENT if user.principal == "patient" else ActorKind.USER
        return Actor(kind=kind, user_id=user.pk, label=user.username, request_id=request_id, ip=ip)
    return Actor(
        kind=ActorKind.ANONYMOUS, user_id=None, label="anonymous", request_id=request_id, ip=ip
    )
