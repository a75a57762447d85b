"""Fee writes: a program's per-diem charges and sliding fee scale (configuration, audited
without a patient), and an episode's fee determination (category FINANCIAL). All fee math is
``engines.fees``; these services load, validate through the engine, save and audit.

The income a patient reports is never written to the audit detail or a log: the audit trail
is read by more people than the record (minimum necessary, 45 CFR 164.502(b)).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

import engines.fees as fees
from openiop.accounts.models import User
from openiop.audit.models import DataCategory
from openiop.audit.services import Entry, audit_record
from openiop.billing.errors import InvalidInput, Problem, refuse_if
from openiop.billing.models import FeeDetermination, ProgramCharge, SlidingFeeScale
from openiop.billing.scales import (
    guideline_years,
    scale_problems,
    tiers_from_json,
    tiers_to_json,
)
from openiop.billing.selectors import current_scale
from openiop.billing.services.audit import clean, episode_entry
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.patients.models import EpisodeOfCare
from openiop.programs.models import Program


def _program_entry(action: str, program: Program, **detail: object) -> Entry:
    return Entry(
        action=action,
        category=DataCategory.NONE,
        object_type="program",
        object_id=str(program.pk),
        detail=dict(detail),
    )


@dataclass(frozen=True, slots=True)
class ChargeInput:
    """One level's per-diem charge and usual schedule (``engines.fees.LevelCharge``)."""

    level: str
    charge_per_day: Decimal
    days_per_week: int
    weeks: int


def _charge_problems(charges: Sequence[ChargeInput]) -> list[Problem]:
    problems = []
    for charge in charges:
        if charge.level not in fees.Level:
            problems.append(Problem("unknown_level", "", f"{charge.level!r} is not a level."))
            continue
        try:
            fees.LevelCharge(
                level=fees.Level(charge.level),
                charge_per_day=charge.charge_per_day,
                days_per_week=charge.days_per_week,
                weeks=charge.weeks,
            )
        except fees.FeeInputError as error:
            field = f"{charge.level}-{error.field.removeprefix('charge.')}"
            problems.append(Problem(error.code, field, error.message))
    return problems


@transaction.atomic
def program_charges_set(
    *, actor: Actor, program: Program, charges: Sequence[ChargeInput]
) -> list[ProgramCharge]:
    """Set the program's charge for each level given and remove the levels left out (the
    program does not offer them). Raises InvalidInput with the engine's codes and a field
    ``<level>-<name>``. Audits PROGRAM_CHARGES_SET."""
    refuse_if(_charge_problems(charges))
    saved = []
    for charge in charges:
        row, _ = ProgramCharge.objects.update_or_create(
            program=program,
            level=charge.level,
            defaults={
                "charge_per_day": charge.charge_per_day,
                "days_per_week": charge.days_per_week,
                "typical_weeks": charge.weeks,
            },
        )
        saved.append(row)
    levels = [c.level for c in charges]
    ProgramCharge.objects.filter(program=program).exclude(level__in=levels).delete()
    audit_record(actor=actor, entry=_program_entry("PROGRAM_CHARGES_SET", program, levels=levels))
    return saved


def _scale_problems(
    program: Program, effective_from: dt.date, year: int, tiers: Sequence[fees.Tier]
) -> list[Problem]:
    problems = scale_problems(tiers)
    if year not in guideline_years():
        loaded = ", ".join(str(y) for y in guideline_years())
        message = f"No poverty guidelines are loaded for {year} ({loaded})."
        problems.append(Problem("unknown_guideline_year", "guideline_year", message))
    used = FeeDetermination.objects.filter(
        scale__program=program, scale__effective_from=effective_from
    ).exists()
    if used:
        message = "Patients were placed on the scale of that date; give the new one a later date."
        problems.append(Problem("fee_scale_in_use", "effective_from", message))
    return problems


@transaction.atomic
def fee_scale_set(
    *,
    actor: Actor,
    program: Program,
    effective_from: dt.date,
    guideline_year: int,
    tiers: Sequence[fees.Tier],
) -> SlidingFeeScale:
    """Save the program's sliding fee scale from ``effective_from``. A scale of the same date
    is replaced unless a determination used it; earlier scales stay for the determinations
    made on them. Raises InvalidInput: the engine's tier codes (field ``tiers[i].<name>``),
    ``tier_label_required``, ``unknown_guideline_year``, ``fee_scale_in_use``.
    Audits FEE_SCALE_SET."""
    refuse_if(_scale_problems(program, effective_from, guideline_year, tiers))
    scale, _ = SlidingFeeScale.objects.update_or_create(
        program=program,
        effective_from=effective_from,
        defaults={
            "guideline_year": guideline_year,
            "tiers": tiers_to_json(tiers),
            "created_at": clock.now(),
        },
    )
    entry = _program_entry(
        "FEE_SCALE_SET", program, effective_from=effective_from.isoformat(), year=guideline_year
    )
    audit_record(actor=actor, entry=entry)
    return scale


@dataclass(frozen=True, slots=True)
class HouseholdReport:
    """What the patient reported and what evidence staff saw."""

    household_size: int
    annual_income: Decimal
    state: str
    documents: str = ""
    redetermine_on: dt.date | None = None


# The engine names the input it refuses; the form field that holds it.
_ENGINE_FIELDS = {"annual_income": "annual_income", "household_size": "household_size"}


def _engine_problem(error: fees.FeeInputError) -> Problem:
    field = _ENGINE_FIELDS.get(error.field, "state" if error.field in {"state", "region"} else "")
    return Problem(error.code, field, error.message)


def _place(report: HouseholdReport, scale: SlidingFeeScale) -> fees.Determination:
    try:
        region = fees.region_for_state(report.state)
        return fees.determine(
            annual_income=report.annual_income,
            household_size=report.household_size,
            region=region,
            year=scale.guideline_year,
            scale=fees.SlidingScale(tiers=tiers_from_json(scale.tiers)),
        )
    except fees.FeeInputError as error:
        raise InvalidInput([_engine_problem(error)]) from error


@transaction.atomic
def fee_determine(
    *, actor: Actor, episode: EpisodeOfCare, determined_by: User, report: HouseholdReport
) -> FeeDetermination:
    """Place the episode's household on the program's current scale and store the engine's
    result, to be redetermined on ``report.redetermine_on`` (default: one year from today).

    Raises InvalidInput: ``no_fee_scale``, the engine's ``negative_income``,
    ``household_size_below_one``, ``unknown_state``, ``territory_not_covered``,
    ``unknown_guideline``, and ``redetermination_not_future``. Audits FEE_DETERMINED
    (FINANCIAL) with the pay class, never the income.
    """
    today = clock.localdate(episode.program.zone)
    scale = current_scale(episode.program, today)
    if scale is None:
        message = "The program has no sliding fee scale yet; set one up in its fee settings."
        raise InvalidInput([Problem("no_fee_scale", "", message)])
    redetermine_on = report.redetermine_on or fees.add_months(today, 12)
    if redetermine_on <= today:
        message = "The redetermination date must be after today."
        refuse_if([Problem("redetermination_not_future", "redetermine_on", message)])
    placed = _place(report, scale)
    row = _determination_row(episode, scale, report, placed, determined_by, redetermine_on)
    clean(row)
    row.save()
    entry = episode_entry(
        "FEE_DETERMINED",
        episode,
        row,
        category=DataCategory.FINANCIAL,
        tier=placed.tier.label,
        guideline_year=placed.guideline_year,
    )
    audit_record(actor=actor, entry=entry)
    return row


def _determination_row(
    episode: EpisodeOfCare,
    scale: SlidingFeeScale,
    report: HouseholdReport,
    placed: fees.Determination,
    determined_by: User,
    redetermine_on: dt.date,
) -> FeeDetermination:
    return FeeDetermination(
        episode=episode,
        scale=scale,
        household_size=placed.household_size,
        annual_income=placed.annual_income,
        state=report.state.strip().upper(),
        guideline_year=placed.guideline_year,
        guideline_amount=placed.guideline_amount,
        percent_of_guideline=placed.percent_of_guideline,
        tier_label=placed.tier.label,
        discount_percent=placed.tier.discount_percent,
        flat_fee=placed.tier.flat_fee,
        documents=report.documents.strip(),
        determined_by=determined_by,
        determined_at=clock.now(),
        redetermine_on=redetermine_on,
    )
