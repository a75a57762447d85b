"""The levels of care the placement engine recommends, ordered from least to most intensive.

Labels and hour bands are ASAM Criteria, 3rd edition (2013), as restated in
/work/shared/reference/clinical.md §1.1; the edition is stored with every level because
clinical.md §1.2 says the 4th edition renames and renumbers levels and its 2.1/2.5 hour
rules are not confirmed [U]. A level is a coded value plus its edition, never a bare number.

Why withdrawal management sits between the day programs and the 24-hour levels: a patient
who needs medically monitored or managed withdrawal must go through it before a day program
can work, so it outranks OP, IOP and PHP; but residential (3.7) and inpatient (4) care
manage withdrawal themselves (clinical.md §1.1, the WM row: 3.7-WM and 4-WM are the
withdrawal-management forms of those levels), so a 24-hour recommendation absorbs it.
"""

from __future__ import annotations

from dataclasses import dataclass

from engines.placement.model import Population

EDITION = "asam3"

_SOURCE_HOURS = (
    "clinical.md §1.1: ASAM 3rd ed. Level 1 < 9 h/week adults, < 6 adolescents; Level 2.1 "
    "9–19 h/week adults, 6–19 adolescents (77 IAC 2060.410(a)-(b), "
    "https://ilga.gov/ftp/JCAR/AdminCode/077/077020600D04100R.html [V]; DC 22-A DCMR 6329.1, "
    "http://dcrules.elaws.us/dcmr/22-a6329 [V]); Level 2.5 ≥ 20 h/week "
    "(https://midshorebehavioralhealth.org/glossary/asam-criteria/ [S]; Medicare PHP ≥ 20 h, "
    "clinical.md §1.4)"
)
_SOURCE_24H = (
    "clinical.md §1.1: Levels 3.1–3.7 residential with 24-hour structure, Level 4 24-hour "
    "physician-directed hospital care (https://studyhippo.com/asam-placement/ [S])"
)
_SOURCE_WM = (
    "clinical.md §1.1, WM row: withdrawal management is a separate axis in the 3rd edition "
    "(1-WM, 2-WM, 3.2-WM, 3.7-WM, 4-WM; "
    "https://docest.com/doc/152137/overview-of-asam-levels-of-care [S]); medically monitored "
    "/ managed withdrawal is 3.7-WM / 4-WM"
)


@dataclass(frozen=True, slots=True)
class HourBand:
    """Scheduled treatment hours a week: at least ``at_least`` and fewer than ``fewer_than``.

    Half-open, so the bands of OP, IOP and PHP meet without a gap: "9–19 h" in the sources
    means 9 up to (not including) the 20 that starts PHP. None means no bound on that side.
    """

    at_least: int | None
    fewer_than: int | None

    def shortfall(self, hours: float) -> float:
        """Hours a week missing to reach the band's minimum (0 when none are missing)."""
        if self.at_least is None or hours >= self.at_least:
            return 0
        return self.at_least - hours


@dataclass(frozen=True, slots=True)
class Level:
    """One level of care. The hour bands are None for the 24-hour levels (withdrawal
    management at 3.7-WM / 4-WM, residential, inpatient): they are not counted in weekly
    hours."""

    code: str
    rank: int
    name: str
    asam_label: str
    adult_hours: HourBand | None
    adolescent_hours: HourBand | None
    twenty_four_hour: bool
    source: str
    edition: str = EDITION

    def hours(self, population: Population) -> HourBand | None:
        """The hour band for ``population`` (adolescents have a lower IOP minimum)."""
        return self.adolescent_hours if population is Population.ADOLESCENT else self.adult_hours


LEVELS: tuple[Level, ...] = (
    Level(
        code="op",
        rank=0,
        name="Outpatient",
        asam_label="Level 1 (Outpatient Services)",
        adult_hours=HourBand(None, 9),
        adolescent_hours=HourBand(None, 6),
        twenty_four_hour=False,
        source=_SOURCE_HOURS,
    ),
    Level(
        code="iop",
        rank=1,
        name="Intensive outpatient",
        asam_label="Level 2.1 (Intensive Outpatient)",
        adult_hours=HourBand(9, 20),
        adolescent_hours=HourBand(6, 20),
        twenty_four_hour=False,
        source=_SOURCE_HOURS,
    ),
    Level(
        code="php",
        rank=2,
        name="Partial hospitalization",
        asam_label="Level 2.5 (Partial Hospitalization)",
        adult_hours=HourBand(20, None),
        adolescent_hours=HourBand(20, None),
        twenty_four_hour=False,
        source=_SOURCE_HOURS,
    ),
    Level(
        code="withdrawal_management",
        rank=3,
        name="Medically monitored or managed withdrawal management",
        asam_label="3.7-WM or 4-WM (Withdrawal Management)",
        adult_hours=None,
        adolescent_hours=None,
        twenty_four_hour=True,
        source=_SOURCE_WM,
    ),
    Level(
        code="residential",
        rank=4,
        name="Residential",
        asam_label="Level 3.1–3.7 (Residential / Inpatient Services)",
        adult_hours=None,
        adolescent_hours=None,
        twenty_four_hour=True,
        source=_SOURCE_24H,
    ),
    Level(
        code="inpatient",
        rank=5,
        name="Inpatient",
        asam_label="Level 4 (Medically Managed Intensive Inpatient; acute psychiatric inpatient)",
        adult_hours=None,
        adolescent_hours=None,
        twenty_four_hour=True,
        source=_SOURCE_24H,
    ),
)

_BY_CODE = {level.code: level for level in LEVELS}
LEVEL_CODES: tuple[str, ...] = tuple(_BY_CODE)
LOWEST = LEVELS[0]


class UnknownLevelError(KeyError):
    """``level_by_code`` was given a code that is not a level (``code`` = "unknown_level")."""

    code = "unknown_level"


def level_by_code(code: str) -> Level:
    """The level with this stable code. Raises UnknownLevelError for any other string."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise UnknownLevelError(
            f"unknown level {code!r}; known: {', '.join(LEVEL_CODES)}"
        ) from None
