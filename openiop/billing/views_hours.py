"""A program's payer weekly-hours minimums page. Needs CONFIGURE_PROGRAM in the program;
another program's user gets an audited 404. Thin: parse → access → one service → render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from openiop.billing.errors import InvalidInput
from openiop.billing.forms import add_problems
from openiop.billing.hours import payer_minimum_get, payer_minimum_list, program_minimum
from openiop.billing.services.payer_minimums import payer_minimum_remove, payer_minimum_set
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import NotFound
from openiop.core.policy import requires
from openiop.programs.models import Program
from openiop.scheduling.access import program_access


class PayerMinimumForm(forms.Form):
    """Input shape only; the rules (not negative, within the program's maximum, a source)
    and their codes are the service's."""

    payer_name = forms.CharField(
        label="Payer", max_length=200, help_text="As it appears on patients' coverages."
    )
    min_weekly_hours = forms.DecimalField(
        label="Minimum hours a week", max_digits=4, decimal_places=1
    )
    source = forms.CharField(
        label="Where the payer states it",
        max_length=300,
        help_text="Policy number, contract section or page.",
    )


def _program(request: HttpRequest, program_id: int, action: str) -> Program:
    try:
        return program_access(
            request.user,
            program_id,
            actor=actor_from_request(request),
            capability=Capability.CONFIGURE_PROGRAM,
            action=action,
        )
    except NotFound as exc:
        raise Http404 from exc


def _page(
    request: HttpRequest, program: Program, form: PayerMinimumForm, *, status: int = 200
) -> HttpResponse:
    context = {
        "program": program,
        "default": program_minimum(program),
        "minimums": payer_minimum_list(program),
        "form": form,
    }
    return render(request, "billing/payer_minimums.html", context, status=status)


@require_http_methods(["GET", "POST"])
@requires(Capability.CONFIGURE_PROGRAM)
def payer_minimums(request: HttpRequest, program_id: int) -> HttpResponse:
    """The program's minimums and the form to set one (POST: set, then back here)."""
    if request.method != "POST":
        return _page(
            request, _program(request, program_id, "PAYER_MINIMUMS_VIEWED"), PayerMinimumForm()
        )
    program = _program(request, program_id, "PAYER_MINIMUM_SET")
    form = PayerMinimumForm(request.POST)
    if form.is_valid():
        try:
            row = payer_minimum_set(
                actor=actor_from_request(request), program=program, **form.cleaned_data
            )
        except InvalidInput as error:
            add_problems(form, error)
        else:
            messages.success(request, f"{row.payer_name}: {row.min_weekly_hours} h a week saved.")
            return redirect("billing:payer_minimums", program_id=program.pk)
    return _page(request, program, form, status=400)


@require_POST
@requires(Capability.CONFIGURE_PROGRAM)
def payer_minimum_delete(request: HttpRequest, program_id: int, minimum_id: int) -> HttpResponse:
    """Remove one of the program's minimums; another program's minimum is a 404."""
    program = _program(request, program_id, "PAYER_MINIMUM_REMOVED")
    minimum = payer_minimum_get(program, minimum_id)
    if minimum is None:
        raise Http404
    payer_minimum_remove(actor=actor_from_request(request), minimum=minimum)
    messages.success(request, f"{minimum.payer_name}: the program's minimum applies again.")
    return redirect("billing:payer_minimums", program_id=program.pk)
