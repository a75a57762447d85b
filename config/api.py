"""Wiring of ``/api/v1``: one NinjaAPI, each context adds its router. Errors of the domain
become JSON with a stable ``code``; every operation is marked for the access-policy check."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from openiop.accounts.api_auth import StaffSessionAuth
from openiop.core.errors import DomainError, NotFound
from openiop.core.policy import api_endpoint
from openiop.measures.api import router as measures_router

api = NinjaAPI(
    title="OpenIOP API",
    version="1",
    description="Measurement-based care: instruments, scored responses and FHIR export.",
    auth=StaffSessionAuth(),
    urls_namespace="api",
    docs_url=None,  # the schema is at /api/v1/openapi.json; no third-party UI is served
)
api.add_router("/", measures_router)

# HTTP status of each domain refusal that is not a plain 400.
_STATUS = {
    "not_found": 404,
    "already_answered": 409,
    "not_scheduled": 409,
    "occasion_closed": 409,
    "idempotency_key_reused": 422,
}


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    status = getattr(exc, "status", None) or _STATUS.get(exc.code)
    if status is None:
        status = 404 if isinstance(exc, NotFound) else 422
    field = {"field": exc.field} if exc.field else {}
    return api.create_response(
        request, {"code": exc.code, "message": exc.message, **field}, status=status
    )


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request,
        {"code": "invalid_request", "message": "The request is not valid.", "errors": exc.errors},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"code": "not_authenticated", "message": "Sign in as staff (with two-factor) first."},
        status=401,
    )


def urls() -> tuple[list[Any], str, str]:
    """The API's URL patterns, each marked as an API operation for the E001 check."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if pattern.callback is not None:
            api_endpoint(pattern.callback)
    return patterns, app_name, namespace
