"""A program's payer weekly-hours minimums (configuration, audited without a patient).

A payer may require more (or fewer) weekly hours than the program's own minimum (IOP 9, PHP
20; clinical.md §1.1 and §1.4). Each minimum names the payer as it appears on coverages and
where the payer states the figure; ``openiop.billing.hours`` applies it to patients whose
primary coverage names that payer. Payer names are compared ignoring case and spacing, so
"Prairie Mutual" and "prairie  mutual" are one payer.
"""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from django.db import transaction

from openiop.audit.models import DataCategory
from openiop.audit.services import Entry, audit_record
from openiop.billing.errors import Problem, refuse_if
from openiop.billing.hours import payer_key
from openiop.billing.models import PayerHoursMinimum
from openiop.billing.services.audit import clean
from openiop.core.actor import Actor
from openiop.programs.models import Program

#: Hours in a week: no minimum can exceed it.
WEEK_HOURS = Decimal(168)


def _hours(value: Decimal) -> str:
    """Hours as stored (one decimal place), for the audit detail."""
    return f"{Decimal(value):.1f}"


def _entry(action: str, program: Program, **detail: object) -> Entry:
    return Entry(
        action=action,
        category=DataCategory.NONE,
        object_type="program",
        object_id=str(program.pk),
        detail=dict(detail),
    )


def _validated(program: Program, payer_name: str, hours: Decimal | None, source: str) -> Decimal:
    """``hours`` once every rule holds; InvalidInput with all the problems otherwise."""
    problems = []
    if not payer_name:
        problems.append(Problem("payer_name_required", "payer_name", "Name the payer."))
    if hours is None or not hours.is_finite():
        problems.append(Problem("hours_required", "min_weekly_hours", "Give the weekly hours."))
    elif hours < 0:
        message = "Weekly hours cannot be negative."
        problems.append(Problem("hours_negative", "min_weekly_hours", message))
    elif hours > program.max_weekly_hours:
        message = (
            f"{hours} h is above this program's weekly maximum of "
            f"{program.max_weekly_hours} h: no patient of this payer could meet it."
        )
        problems.append(Problem("hours_above_program_maximum", "min_weekly_hours", message))
    if not source:
        message = "Say where the payer states this minimum (policy number, contract, page)."
        problems.append(Problem("source_required", "source", message))
    refuse_if(problems)
    return cast(Decimal, hours)


@transaction.atomic
def payer_minimum_set(
    *,
    actor: Actor,
    program: Program,
    payer_name: str,
    min_weekly_hours: Decimal | None,
    source: str,
) -> PayerHoursMinimum:
    """Set ``payer_name``'s weekly minimum in ``program``, replacing the payer's current one
    (matched ignoring case and spacing; the name is kept as now given).

    Raises InvalidInput with ``payer_name_required``, ``hours_required``, ``hours_negative``,
    ``hours_above_program_maximum`` (above ``Program.max_weekly_hours``) or
    ``source_required``; nothing is written then. Audits PAYER_MINIMUM_SET (category NONE,
    the program as object, no patient).
    """
    name = " ".join(payer_name.split())
    source = source.strip()
    hours = _validated(program, name, min_weekly_hours, source)
    existing = next(
        (
            row
            for row in PayerHoursMinimum.objects.select_for_update().filter(program=program)
            if payer_key(row.payer_name) == payer_key(name)
        ),
        None,
    )
    previous = _hours(existing.min_weekly_hours) if existing else None
    row = existing or PayerHoursMinimum(program=program)
    row.payer_name, row.min_weekly_hours, row.source = name, hours, source
    clean(row)
    if existing is None:
        row.save()
    else:
        row.save(update_fields=["payer_name", "min_weekly_hours", "source"])
    entry = _entry(
        "PAYER_MINIMUM_SET",
        program,
        payer_name=name,
        min_weekly_hours=_hours(hours),
        previous=previous,
    )
    audit_record(actor=actor, entry=entry)
    return row


@transaction.atomic
def payer_minimum_remove(*, actor: Actor, minimum: PayerHoursMinimum) -> None:
    """Remove a payer's minimum (the program's own applies to its patients again). Audits
    PAYER_MINIMUM_REMOVED with the figure removed."""
    entry = _entry(
        "PAYER_MINIMUM_REMOVED",
        minimum.program,
        payer_name=minimum.payer_name,
        min_weekly_hours=_hours(minimum.min_weekly_hours),
    )
    minimum.delete()
    audit_record(actor=actor, entry=entry)
