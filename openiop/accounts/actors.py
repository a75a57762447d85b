from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from openiop.accounts.models import User
from openiop.accounts.roles import Principal


def request_user(request: HttpRequest) -> User:
    """The signed-in staff user of a request whose view policy already required one."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("A signed-in user is required.")
    return user


def viewer_patient_id(request: HttpRequest) -> int | None:
    """For a token page: the signed-in portal patient's id (-1 for a patient principal with no
    record), or None when no patient is signed in. A patient may open only their own links."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.principal == Principal.PATIENT:
        patient = getattr(user, "patient", None)
        return patient.pk if patient is not None else -1
    return None
