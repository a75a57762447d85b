"""Weekly-hours configuration in the demo, through the audited services (nothing is saved
directly):

- ``seed_payer_minimums``: one payer with its own weekly minimum in the adult IOP;
- ``seed_covered_stays`` (optional): primary coverage and an approved authorization for the
  first three admitted adult IOP patients, one ending within 7 days, so the weekly hours
  page shows a payer's minimum and authorized units used and remaining, and the director's
  today page an authorization flag. (The front-door demo insures only people not yet
  admitted.)

The payers and their policy are synthetic, like every name in the demo. Deterministic:
patients are taken in id order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from openiop.accounts.models import User
from openiop.accounts.roles import ProgramRole
from openiop.billing.benefits import BenefitValues
from openiop.billing.models import Authorization, CoverageOrder, PayerHoursMinimum
from openiop.billing.services.authorizations import (
    Span,
    authorization_approve,
    authorization_request,
)
from openiop.billing.services.coverages import PlanDetails, coverage_add
from openiop.billing.services.payer_minimums import payer_minimum_set
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.devtools.demo_admissions import PAYERS
from openiop.devtools.layout import ADULT_IOP
from openiop.patients.models import EpisodeOfCare, EpisodeState
from openiop.programs.models import Program

DAY = dt.timedelta(days=1)
#: A stricter commercial payer: four three-hour days rather than the program's nine hours.
DEMO_MINIMUM = Decimal("12")
DEMO_SOURCE = "Behavioral-health medical policy BH-IOP-07, section 3 (synthetic)"
#: Days from today to the end of each covered stay's approval; the first ends within 7 days.
APPROVAL_ENDS_IN = (5, 20, 24)


def seed_payer_minimums(actor: Actor, programs: Mapping[str, Program]) -> PayerHoursMinimum:
    """Give the first demo payer a 12-hour weekly minimum in the adult IOP. Audits
    PAYER_MINIMUM_SET (configuration, no patient)."""
    return payer_minimum_set(
        actor=actor,
        program=programs[ADULT_IOP],
        payer_name=PAYERS[0],
        min_weekly_hours=DEMO_MINIMUM,
        source=DEMO_SOURCE,
    )


def seed_covered_stays(actor: Actor, programs: Mapping[str, Program]) -> list[Authorization]:
    """Insure the first admitted adult IOP patients without a primary coverage (the first two
    with ``PAYERS[0]``, the third with ``PAYERS[1]``) and approve an authorization from three
    weeks ago (or admission) to ``APPROVAL_ENDS_IN`` days from today, requested by the
    program's director. Audits through the billing services. Returns the approvals."""
    program = programs[ADULT_IOP]
    director = _director(program)
    if director is None:
        return []
    episodes = (
        EpisodeOfCare.objects.filter(program=program, state=EpisodeState.ADMITTED)
        .exclude(patient__coverages__order=CoverageOrder.PRIMARY)
        .select_related("patient", "program")
        .order_by("pk")[: len(APPROVAL_ENDS_IN)]
    )
    payers = (PAYERS[0], PAYERS[0], PAYERS[1])
    return [
        _covered(actor, episode, director, payer, ends_in)
        for episode, payer, ends_in in zip(episodes, payers, APPROVAL_ENDS_IN, strict=False)
    ]


def _director(program: Program) -> User | None:
    return (
        User.objects.filter(
            memberships__program=program,
            memberships__is_active=True,
            memberships__role=ProgramRole.PROGRAM_DIRECTOR,
        )
        .order_by("pk")
        .first()
    )


def _covered(
    actor: Actor, episode: EpisodeOfCare, director: User, payer: str, ends_in: int
) -> Authorization:
    today = clock.localdate(episode.program.zone)
    patient = episode.patient
    coverage = coverage_add(
        actor=actor,
        episode=episode,
        details=PlanDetails(
            order=CoverageOrder.PRIMARY,
            payer_name=payer,
            member_id=f"SYN{patient.mrn}",
            subscriber_name=f"{patient.legal_given_name} {patient.legal_family_name}",
            subscriber_relationship="self",
            effective_from=dt.date(today.year, 1, 1),
        ),
        benefits=BenefitValues(copay_per_day=Decimal("30.00"), day_limit=60),
    )
    start = max(today - 21 * DAY, episode.admitted_on or today, dt.date(today.year, 1, 1))
    end = today + ends_in * DAY
    span = Span(units=min(12, (end - start).days + 1), starts_on=start, ends_on=end)
    request = authorization_request(
        actor=actor,
        episode=episode,
        coverage=coverage,
        requested_by=director,
        level=episode.program.level_of_care,
        span=span,
    )
    return authorization_approve(
        actor=actor, authorization=request, auth_number=f"PA-H{episode.pk:05d}", span=span
    )
