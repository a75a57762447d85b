"""The out-of-pocket estimate for an episode: OP, IOP and PHP side by side under the current
primary coverage, or self-pay with the sliding discount. A thin adapter: it loads the coverage,
the program's charges and the fee determination, and ``engines.fees.compare_levels`` does all
the math (deductible, copays, coinsurance, day limit, out-of-pocket maximum, discount).

A secondary coverage is listed but not applied: coordination of benefits depends on the
payers' rules, so the estimate shows the patient's share under the primary plan alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import engines.fees as fees
from openiop.billing.models import Coverage, FeeDetermination, ProgramCharge
from openiop.billing.scales import tiers_from_json
from openiop.billing.selectors import EpisodeBilling, program_charges
from openiop.patients.models import EpisodeOfCare


@dataclass(frozen=True, slots=True)
class EstimateView:
    """What the estimate page shows. ``problem`` explains an estimate the engine refused
    (stored values it cannot use); ``notes`` are the adapter's own explanations."""

    episode: EpisodeOfCare
    today: dt.date
    coverage: Coverage | None
    secondary: Coverage | None
    determination: FeeDetermination | None
    charges: dict[str, ProgramCharge]
    estimates: list[fees.Estimate]
    notes: list[str]
    problem: str = ""


def _applicable(coverage: Coverage | None, today: dt.date, notes: list[str]) -> Coverage | None:
    if coverage is None:
        notes.append("No current coverage: the estimate is self-pay.")
        return None
    if coverage.effective_to is not None and coverage.effective_to < today:
        notes.append(f"{coverage.payer_name} coverage ended on {coverage.effective_to:%Y-%m-%d}.")
        return None
    return coverage


def _benefits(coverage: Coverage) -> fees.Benefits:
    return fees.Benefits(
        copay_per_day=coverage.copay_per_day,
        coinsurance_percent=coverage.coinsurance_percent,
        deductible=coverage.deductible,
        deductible_met=coverage.deductible_met,
        out_of_pocket_max=coverage.out_of_pocket_max,
        out_of_pocket_met=coverage.out_of_pocket_met,
        day_limit=coverage.day_limit,
        days_used=coverage.days_used,
        in_network=coverage.in_network,
    )


def placement(row: FeeDetermination) -> fees.Determination:
    """The engine's determination for a stored one, recomputed from the inputs and the scale
    it was made on (a scale that patients were placed on is never changed)."""
    return fees.determine(
        annual_income=row.annual_income,
        household_size=row.household_size,
        region=fees.region_for_state(row.state),
        year=row.guideline_year,
        scale=fees.SlidingScale(tiers=tiers_from_json(row.scale.tiers)),
    )


def _determination(
    row: FeeDetermination | None, today: dt.date, notes: list[str]
) -> fees.Determination | None:
    if row is None:
        return None
    if row.redetermine_on < today:
        notes.append(
            f"The fee determination was due for renewal on {row.redetermine_on:%Y-%m-%d}; "
            "no sliding discount is applied until it is redetermined."
        )
        return None
    return placement(row)


def episode_estimate(billing: EpisodeBilling) -> EstimateView:
    """The estimate for the episode of ``billing`` on its program's today. One query beyond
    ``billing`` (the program's charges)."""
    notes: list[str] = []
    charges = program_charges(billing.episode.program)
    coverage = _applicable(billing.primary, billing.today, notes)
    view = EstimateView(
        episode=billing.episode,
        today=billing.today,
        coverage=coverage,
        secondary=billing.secondary,
        determination=billing.determination,
        charges=charges,
        estimates=[],
        notes=notes,
    )
    if not charges:
        return replace(view, problem="The program has not set its charges per level of care.")
    try:
        estimates = fees.compare_levels(
            _benefits(coverage) if coverage else None,
            [_level_charge(c) for c in charges.values()],
            _determination(billing.determination, billing.today, notes),
        )
    except fees.FeeInputError as error:
        return replace(view, problem=f"The estimate cannot be computed: {error.message}.")
    return replace(view, estimates=estimates)


def _level_charge(charge: ProgramCharge) -> fees.LevelCharge:
    return fees.LevelCharge(
        level=fees.Level(charge.level),
        charge_per_day=charge.charge_per_day,
        days_per_week=charge.days_per_week,
        weeks=charge.typical_weeks,
    )
