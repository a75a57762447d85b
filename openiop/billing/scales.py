"""A program's sliding fee scale between its stored JSON and ``engines.fees``.

``SlidingFeeScale.tiers`` holds ``[{up_to_percent, discount_percent, flat_fee, label}]`` with
decimals as strings (never floats: money and bounds stay exact) and ``null`` for an absent
value; the engine's ``SlidingScale`` validates the tiers. The guideline years on offer are the
ones the engine has tables for (HHS poverty guidelines, clinical.md §7.1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import engines.fees as fees
from openiop.billing.errors import Problem

LABEL_MAX = 80  # FeeDetermination.tier_label


def guideline_years() -> list[int]:
    """Years with a loaded table for the 48 contiguous states and DC, newest first."""
    return sorted({t.year for t in fees.TABLES if t.region is fees.Region.CONTIGUOUS}, reverse=True)


def current_guideline_year(today: dt.date) -> int:
    """The newest loaded guideline year not after ``today``'s year (HHS publishes each year's
    guidelines in January; before the new table is loaded the previous one applies)."""
    years = guideline_years()
    return next((y for y in years if y <= today.year), years[-1])


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def tiers_to_json(tiers: Iterable[fees.Tier]) -> list[dict[str, Any]]:
    return [
        {
            "up_to_percent": _text(t.up_to_percent),
            "discount_percent": _text(t.discount_percent),
            "flat_fee": _text(t.flat_fee),
            "label": t.label,
        }
        for t in tiers
    ]


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as error:
        raise ValueError(f"{value!r} is not a number") from error


def tiers_from_json(data: Sequence[dict[str, Any]]) -> tuple[fees.Tier, ...]:
    """The stored tiers as engine tiers. Raises ValueError on a malformed row."""
    return tuple(
        fees.Tier(
            up_to_percent=_decimal(row.get("up_to_percent")),
            discount_percent=_decimal(row.get("discount_percent")),
            flat_fee=_decimal(row.get("flat_fee")),
            label=str(row.get("label", "")),
        )
        for row in data
    )


def scale_problems(tiers: Sequence[fees.Tier]) -> list[Problem]:
    """Why ``tiers`` cannot be a scale: the engine's rule (its code, field ``tiers[i]...``)
    and the labels every pay class needs to be named on a determination."""
    problems = [
        Problem("tier_label_required", f"tiers[{i}].label", "Name every pay class.")
        for i, tier in enumerate(tiers)
        if not tier.label.strip() or len(tier.label) > LABEL_MAX
    ]
    try:
        fees.SlidingScale(tiers=tuple(tiers))
    except fees.FeeInputError as error:
        problems.insert(0, Problem(error.code, error.field, error.message))
    return problems


def default_tiers() -> tuple[fees.Tier, ...]:
    """HRSA's example pay classes with the engine's starting discounts (program configuration,
    HRSA Compliance Manual ch. 9; see ``engines.fees.scale.default_scale``)."""
    return fees.default_scale().tiers
