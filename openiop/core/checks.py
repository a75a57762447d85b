"""System checks that keep the project fail-closed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.urls import URLPattern, URLResolver, get_resolver

from openiop.core.policy import policy_of

# The Django admin is guarded as a whole (OpenIOPAdminSite.has_permission + the policy
# middleware); the static-file server only runs in development.
_EXEMPT_NAMESPACES = {"admin"}


def iter_url_views(
    patterns: list[Any] | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    """Yield (route, namespace, pattern) for every URL pattern in the project."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner_ns = entry.namespace or namespace
            yield from iter_url_views(entry.url_patterns, prefix + str(entry.pattern), inner_ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace, entry


@register()
def every_view_declares_a_policy(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for route, namespace, pattern in iter_url_views():
        if namespace in _EXEMPT_NAMESPACES:
            continue
        if policy_of(pattern.callback) is None:
            errors.append(
                Error(
                    f"The view behind '{route}' declares no access policy.",
                    hint="Decorate it with @public, @authenticated(...) or @requires(...).",
                    obj=pattern.callback,
                    id="openiop.E001",
                )
            )
    return errors
