"""HHS poverty guidelines as dated, versioned reference data (clinical.md §7.1).

HHS publishes one guideline table per year for three regions: the 48 contiguous states and the
District of Columbia, Alaska, and Hawaii. Each table is a one-person amount plus a fixed
increment per additional person, so a household of any size is covered. Tables are data, not
constants: a new year is a new ``GuidelineTable`` row with its own source, and a determination
records the year it used (some programs deliberately use the prior year's table).

Sources:

* 2026, all regions: ASPE poverty guidelines page
  https://aspe.hhs.gov/topics/poverty-economic-mobility/poverty-guidelines?pid=102940 and
  Federal Register notice 2026-00755 (published 2026-01-15, effective 2026-01-13)
  https://www.govinfo.gov/content/pkg/FR-2026-01-15/html/2026-00755.htm.
* 2025, contiguous states + DC: Federal Register notice 2025-01377 (published 2025-01-17)
  https://www.govinfo.gov/content/pkg/FR-2025-01-17/html/2025-01377.htm; the figures were
  cross-checked against secondary sources only (clinical.md §7.1 marks them [S]).
* 2025 Alaska and Hawaii are deliberately absent: the reference holds only their one-person
  amounts, from a secondary source, and no per-person increment, so any household of two or
  more would be invented. ``guideline`` raises ``unknown_guideline`` for them.
* The guidelines do not cover Puerto Rico or the other insular areas: HHS has published
  separate guidelines for Alaska and Hawaii since 1970 but none for the insular areas (GAO-10-240R,
  "Poverty Determination in U.S. Insular Areas", http://gao.gov/products/GAO-10-240R).

Codes raised: ``unknown_region``, ``unknown_guideline_year``, ``unknown_guideline``,
``not_an_integer``, ``household_size_below_one``, ``unknown_state``, ``territory_not_covered``.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from engines.fees.errors import FeeInputError
from engines.fees.money import to_cents


class Region(StrEnum):
    CONTIGUOUS = "contiguous"
    ALASKA = "alaska"
    HAWAII = "hawaii"


@dataclass(frozen=True, slots=True)
class GuidelineTable:
    """One year's guideline for one region: ``base`` for one person plus ``increment`` for each
    additional person (annual household income, US dollars, 100 % of the guideline)."""

    year: int
    region: Region
    base: Decimal
    increment: Decimal
    federal_register: str
    published_on: date
    effective_on: date | None
    source: str


_FR_2026 = (
    "FR notice 2026-00755, https://www.govinfo.gov/content/pkg/FR-2026-01-15/html/2026-00755.htm"
)
_FR_2025 = (
    "FR notice 2025-01377, https://www.govinfo.gov/content/pkg/FR-2025-01-17/html/2025-01377.htm"
)
_ASPE_2026 = "https://aspe.hhs.gov/topics/poverty-economic-mobility/poverty-guidelines?pid=102940"


def _table_2026(region: Region, base: int, increment: int) -> GuidelineTable:
    return GuidelineTable(
        year=2026,
        region=region,
        base=Decimal(base),
        increment=Decimal(increment),
        federal_register=_FR_2026,
        published_on=date(2026, 1, 15),
        effective_on=date(2026, 1, 13),
        source=f"ASPE {_ASPE_2026}: {region.value} 2026 is ${base:,} + ${increment:,}/person",
    )


TABLES: tuple[GuidelineTable, ...] = (
    GuidelineTable(
        year=2025,
        region=Region.CONTIGUOUS,
        base=Decimal(15650),
        increment=Decimal(5500),
        federal_register=_FR_2025,
        published_on=date(2025, 1, 17),
        effective_on=None,  # not stated in the reference; do not guess
        source=(
            "clinical.md §7.1 [S]: 1 person $15,650 + $5,500/person "
            "(https://factually.co/fact-checks/finance/2026-federal-poverty-guidelines-by-household-size-88aaa3); "
            "4 persons $32,150 (https://clarola.org/2025-federal-poverty-level-standards)"
        ),
    ),
    _table_2026(Region.CONTIGUOUS, 15960, 5680),
    _table_2026(Region.ALASKA, 19950, 7100),
    _table_2026(Region.HAWAII, 18360, 6530),
)

_BY_KEY = {(table.year, table.region): table for table in TABLES}

_KNOWN_GAPS = {
    (2025, Region.ALASKA): "2025 Alaska guidelines are not loaded: only a secondary-source "
    "one-person figure ($19,550) is known, not the per-person increment",
    (2025, Region.HAWAII): "2025 Hawaii guidelines are not loaded: only a secondary-source "
    "one-person figure ($17,990) is known, not the per-person increment",
}


def parse_region(region: Region | str, field: str = "region") -> Region:
    """``region`` as a Region; ``unknown_region`` for anything but contiguous/alaska/hawaii."""
    try:
        return Region(region)
    except ValueError:
        choices = ", ".join(member.value for member in Region)
        raise FeeInputError(
            "unknown_region", field, f"{region!r} is not a guideline region ({choices})"
        ) from None


def guideline_table(year: int, region: Region | str) -> GuidelineTable:
    """The loaded table for ``year`` and ``region``.

    Raises FeeInputError ``unknown_region``, ``unknown_guideline_year`` (no table for that year
    in any region) or ``unknown_guideline`` (the year exists but not for that region).
    """
    parsed = parse_region(region)
    table = _BY_KEY.get((year, parsed))
    if table is not None:
        return table
    if (year, parsed) in _KNOWN_GAPS:
        raise FeeInputError("unknown_guideline", "region", _KNOWN_GAPS[(year, parsed)])
    years = sorted({key[0] for key in _BY_KEY})
    if year not in years:
        loaded = ", ".join(str(y) for y in years)
        raise FeeInputError(
            "unknown_guideline_year", "year", f"no poverty guidelines loaded for {year} ({loaded})"
        )
    raise FeeInputError("unknown_guideline", "region", f"no {year} guidelines for {parsed.value}")


def require_household_size(household_size: object, field: str = "household_size") -> int:
    """A household size of at least one person."""
    # bool is an int subclass; True as "one person" is a bug upstream, not a size.
    if isinstance(household_size, bool) or not isinstance(household_size, int):
        raise FeeInputError("not_an_integer", field, "must be a whole number of persons")
    if household_size < 1:
        raise FeeInputError(
            "household_size_below_one", field, "a household has at least one person"
        )
    return household_size


def guideline(year: int, region: Region | str, household_size: int) -> Decimal:
    """The 100 % poverty guideline in dollars (two decimal places) for a household.

    base + increment × (household_size - 1), per HHS's "for families/households with more than
    8 persons, add $X for each additional person" rule, which the published rows 1–8 also follow.
    Raises FeeInputError (see ``guideline_table`` and ``require_household_size``).
    """
    size = require_household_size(household_size)
    table = guideline_table(year, region)
    return to_cents(table.base + table.increment * (size - 1))


# The 50 states and DC (USPS abbreviations), less the two with their own guidelines.
# fmt: off
# (one code per line would make a 49-line list of two-letter codes hard to check by eye)
_CONTIGUOUS_CODES = frozenset((
    "AL", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA",
    "WA", "WV", "WI", "WY",
))
# fmt: on
# Insular areas and freely associated states that have USPS codes but no HHS guideline.
_OUTLYING_CODES = frozenset(("PR", "GU", "VI", "AS", "MP", "UM", "FM", "MH", "PW"))
_STATE_REGIONS = {"AK": Region.ALASKA, "HI": Region.HAWAII} | {
    code: Region.CONTIGUOUS for code in _CONTIGUOUS_CODES
}


def region_for_state(us_state_code: str) -> Region:
    """The guideline region for a USPS state code ("AK", "hi", "NY", "DC").

    Raises FeeInputError ``territory_not_covered`` for Puerto Rico and the other outlying
    jurisdictions (HHS publishes no guideline for them; the program must choose a policy) and
    ``unknown_state`` for anything that is not a state or DC code.
    """
    if not isinstance(us_state_code, str):
        raise FeeInputError("unknown_state", "state", "must be a two-letter USPS code")
    code = us_state_code.strip().upper()
    if code in _STATE_REGIONS:
        return _STATE_REGIONS[code]
    if code in _OUTLYING_CODES:
        raise FeeInputError(
            "territory_not_covered",
            "state",
            f"HHS poverty guidelines do not cover {code}; the program must decide which "
            "guideline, if any, to use for households there",
        )
    raise FeeInputError(
        "unknown_state", "state", f"{us_state_code!r} is not a US state or DC postal code"
    )
