"""Declarations of who may reach a view. Every view carries exactly one.

The declarations are markers only. ``openiop.accounts.middleware.AccessPolicyMiddleware``
enforces them on every request, and the ``openiop.E001`` system check refuses to start a
project in which any URL leads to a view without one (fail closed, security.md R10).

- ``@public``: reachable without login (login page, health check).
- ``@authenticated``: any signed-in staff member who has passed MFA where it is required.
- ``@requires(capability)``: a staff member holding that capability in at least one program
  (or organization-wide). Object-level rules then live in each context's ``access.py``.
- ``api_endpoint``: a ``/api/v1`` operation. The API authenticates every operation itself
  (staff session, MFA, CSRF) and answers 401 in JSON instead of redirecting to a login page;
  each operation then calls its context's access functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from openiop.core.capabilities import Capability

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])

POLICY_ATTRIBUTE = "openiop_policy"


@dataclass(frozen=True, slots=True)
class ViewPolicy:
    kind: Literal["public", "authenticated", "capability", "api"]
    capability: Capability | None = None
    # Reachable after the password step but before MFA (the MFA pages and logout).
    before_mfa: bool = False


def _mark(policy: ViewPolicy) -> Callable[[ViewFunc], ViewFunc]:
    def decorator(view: ViewFunc) -> ViewFunc:
        setattr(view, POLICY_ATTRIBUTE, policy)
        return view

    return decorator


def public[V: Callable[..., Any]](view: V) -> V:
    return _mark(ViewPolicy("public"))(view)


def authenticated(*, before_mfa: bool = False) -> Callable[[ViewFunc], ViewFunc]:
    return _mark(ViewPolicy("authenticated", before_mfa=before_mfa))


def requires(capability: Capability) -> Callable[[ViewFunc], ViewFunc]:
    return _mark(ViewPolicy("capability", capability=capability))


def api_endpoint[V: Callable[..., Any]](view: V) -> V:
    return _mark(ViewPolicy("api"))(view)


def policy_of(view: Callable[..., Any]) -> ViewPolicy | None:
    """The policy declared on a view, looking through functools.wraps layers and view classes."""
    target: Any = view
    while target is not None:
        policy = getattr(target, POLICY_ATTRIBUTE, None)
        if isinstance(policy, ViewPolicy):
            return policy
        view_class = getattr(target, "view_class", None)
        if view_class is not None and isinstance(
            getattr(view_class, POLICY_ATTRIBUTE, None), ViewPolicy
        ):
            return getattr(view_class, POLICY_ATTRIBUTE)  # type: ignore[no-any-return]
        target = getattr(target, "__wrapped__", None)
    return None
