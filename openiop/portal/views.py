"""The patient's own portal pages, reached through a 30-day link: home, my treatment plan
(with the acknowledgement form) and my safety plan (also as a PDF). No staff login: the
unguessable token is the credential, checked on every request (``portal_open``); a signed-in
patient may only open their own link. Every page view is audited with the patient as the
actor. Crisis resources are on every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from openiop.accounts.actors import viewer_patient_id
from openiop.audit.models import DataCategory
from openiop.core.actor import actor_from_request
from openiop.core.errors import DomainError
from openiop.core.policy import public
from openiop.core.tokens import bearer_page
from openiop.portal.access import portal_actor, portal_open, portal_viewed
from openiop.portal.errors import AccessInvalid
from openiop.portal.forms import AcknowledgeForm
from openiop.portal.models import PortalAccess
from openiop.portal.selectors import portal_plan, portal_safety_plan
from openiop.safety_plans.pdf import safety_plan_print
from openiop.safety_plans.sections import CRISIS_LINE
from openiop.safety_plans.selectors import sections_of
from openiop.treatment_plans.errors import InvalidPlanInput
from openiop.treatment_plans.services import plan_acknowledge

CLOSED = {
    "link_invalid": "This link is not valid. Ask your care team for a new one.",
    "link_expired": "This link has expired. Ask your care team for a new one.",
    "link_revoked": "This link was turned off by your care team. Ask them for a new one.",
}


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context = {"crisis_line": CRISIS_LINE, **context}
    return bearer_page(render(request, template, context, status=status))


def _closed(request: HttpRequest, error: DomainError) -> HttpResponse:
    status = 404 if isinstance(error, AccessInvalid) else 410
    message = CLOSED.get(error.code, CLOSED["link_invalid"])
    return _page(request, "portal/closed.html", {"message": message}, status)


def _open(
    request: HttpRequest, token: str, action: str, category: DataCategory, *, audit: bool = True
) -> PortalAccess:
    return portal_open(
        token,
        actor=actor_from_request(request),
        action=action,
        category=category,
        viewer_patient_id=viewer_patient_id(request),
        audit_success=audit,
    )


@public
def home(request: HttpRequest, token: str) -> HttpResponse:
    try:
        access = _open(request, token, "PORTAL_HOME_VIEWED", DataCategory.DEMOGRAPHICS)
    except DomainError as error:
        return _closed(request, error)
    return _page(request, "portal/home.html", {"access": access, "token": token, "page": "home"})


def _plan_page(
    request: HttpRequest,
    access: PortalAccess,
    token: str,
    form: AcknowledgeForm | None = None,
    *,
    status: int = 200,
    notice: str = "",
) -> HttpResponse:
    if request.method == "POST":  # shown again after an acknowledgement that did not go through
        portal_viewed(
            actor=actor_from_request(request),
            access=access,
            action="PORTAL_PLAN_VIEWED",
            category=DataCategory.TREATMENT_PLAN,
        )
    overview = portal_plan(access)
    if form is None and overview is not None:
        form = AcknowledgeForm(initial={"revision": overview.plan.revision})
    context = {"access": access, "token": token, "overview": overview, "form": form}
    context.update(notice=notice, page="plan")
    return _page(request, "portal/plan.html", context, status)


@public
def plan(request: HttpRequest, token: str) -> HttpResponse:
    """My treatment plan; a POST acknowledges the revision shown (idempotent)."""
    posting = request.method == "POST"
    action = "TREATMENT_PLAN_ACKNOWLEDGED" if posting else "PORTAL_PLAN_VIEWED"
    try:
        access = _open(request, token, action, DataCategory.TREATMENT_PLAN, audit=not posting)
    except DomainError as error:
        return _closed(request, error)
    if not posting:
        return _plan_page(request, access, token)
    return _acknowledge(request, access, token)


def _acknowledge(request: HttpRequest, access: PortalAccess, token: str) -> HttpResponse:
    form = AcknowledgeForm(request.POST)
    overview = portal_plan(access)
    if overview is None:
        return _plan_page(request, access, token, status=409)
    if not form.is_valid():
        return _plan_page(request, access, token, form, status=400)
    try:
        plan_acknowledge(
            actor=portal_actor(actor_from_request(request), access),
            plan=overview.plan,
            revision=form.cleaned_data["revision"],
            comment=form.cleaned_data["comment"],
        )
    except InvalidPlanInput as error:
        form.add_error("comment", error.message)
        return _plan_page(request, access, token, form, status=400)
    except DomainError as error:  # the plan changed while it was read, or was closed
        return _plan_page(request, access, token, status=409, notice=error.message)
    return bearer_page(redirect("portal:plan", token=token))


@public
def safety_plan(request: HttpRequest, token: str) -> HttpResponse:
    try:
        access = _open(request, token, "PORTAL_SAFETY_PLAN_VIEWED", DataCategory.SAFETY_PLAN)
    except DomainError as error:
        return _closed(request, error)
    current = portal_safety_plan(access)
    context = {
        "access": access,
        "token": token,
        "plan": current,
        "sections": sections_of(current),
        "page": "safety_plan",
    }
    return _page(request, "portal/safety_plan.html", context)


@public
def safety_plan_pdf(request: HttpRequest, token: str) -> HttpResponse:
    """My current safety plan as a PDF; audited SAFETY_PLAN_PRINTED with the patient as
    actor."""
    try:
        access = _open(request, token, "SAFETY_PLAN_PRINTED", DataCategory.SAFETY_PLAN, audit=False)
    except DomainError as error:
        return _closed(request, error)
    current = portal_safety_plan(access)
    if current is None:
        context = {"access": access, "token": token, "plan": None, "sections": []}
        return _page(request, "portal/safety_plan.html", context, 404)
    actor = portal_actor(actor_from_request(request), access)
    content = safety_plan_print(actor=actor, plan=current, via="portal")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="my-safety-plan.pdf"'
    return bearer_page(response)
