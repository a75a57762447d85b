"""The input of the placement engine: one intake assessment, as plain frozen data.

Every field is required: a placement made on a guessed default (a missing dimension read as
0, a missing safety screen read as negative) would under-place exactly the patients whose
data are incomplete, so the engine refuses to guess (PlacementFormatError).

The six dimensions are the ASAM 3rd-edition dimensions (clinical.md §1.3). Ratings are the
general 0–4 severity scale (0 none, 1 mild, 2 moderate, 3 serious, 4 severe); ASAM's own
per-dimension risk-rating tables are copyrighted and are not reproduced here (clinical.md
§1.3, note).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from engines.instruments.registry import INSTRUMENTS
from engines.placement.instrument_flags import INSTRUMENT_FLAGS

ASSESSMENT_FORMAT = "openiop.placement.assessment"
DECISION_FORMAT = "openiop.placement.decision"
FORMAT_VERSION = 1
MAX_RATING = 4
HOURS_IN_A_WEEK = 168

ERROR_CODES: tuple[str, ...] = (
    *("not_json", "not_utf8", "duplicate_key", "wrong_type", "wrong_format"),
    *("unsupported_version", "missing_field", "unknown_field", "invalid_choice"),
    *("missing_dimension", "unknown_dimension", "duplicate_dimension", "rating_out_of_range"),
    *("unknown_instrument", "duplicate_instrument", "total_out_of_range", "unknown_flag"),
    *("duplicate_flag", "inconsistent_flags", "hours_out_of_range", "safety_screen_mismatch"),
)
"""Every PlacementFormatError code (documented in docs/placement.md)."""


class PlacementFormatError(ValueError):
    """An assessment the engine cannot place until someone corrects it.

    ``code`` is stable for programs: one of ERROR_CODES (docs/placement.md says when each
    is raised).
    ``path`` is the JSON path of the offending value (``$.dimensions.3.rating``,
    ``$.instruments[0].total``); ``$`` is the whole document.
    """

    def __init__(self, code: str, path: str, message: str) -> None:
        super().__init__(f"{path}: {message} [{code}]")
        self.code = code
        self.path = path
        self.message = message


class Population(StrEnum):
    """Adults and adolescents have different OP/IOP hour thresholds (clinical.md §1.1)."""

    ADULT = "adult"
    ADOLESCENT = "adolescent"


class SafetyScreen(StrEnum):
    """The NIMH ASQ result categories (public domain toolkit,
    https://www.nimh.nih.gov/research/research-conducted-at-nimh/asq-toolkit-materials)."""

    NEGATIVE = "negative"
    NON_ACUTE_POSITIVE = "non_acute_positive"
    ACUTE_POSITIVE = "acute_positive"


DIMENSION_NAMES: dict[int, str] = {
    1: "acute intoxication and/or withdrawal potential",
    2: "biomedical conditions and complications",
    3: "emotional, behavioral or cognitive conditions and complications",
    4: "readiness to change",
    5: "relapse, continued use or continued problem potential",
    6: "recovery/living environment",
}
"""ASAM 3rd-edition dimension names (clinical.md §1.3)."""


@dataclass(frozen=True, slots=True)
class Dimension:
    """One ASAM dimension's rating (0 none … 4 severe) and the clinician's notes."""

    number: int
    rating: int
    notes: str


@dataclass(frozen=True, slots=True)
class InstrumentResult:
    """A scored instrument: its registry code (``phq9``), total and raised flag codes."""

    instrument: str
    total: int
    flags: tuple[str, ...]

    def __post_init__(self) -> None:
        # A list from a Python caller would make the frozen record unhashable.
        object.__setattr__(self, "flags", tuple(self.flags))


@dataclass(frozen=True, slots=True)
class Assessment:
    """One intake assessment. Construction checks every domain rule and raises
    PlacementFormatError (with the JSON path of the field) on the first problem; the
    dimensions are stored in order 1..6 whatever order they were given in."""

    population: Population
    dimensions: tuple[Dimension, ...]
    instruments: tuple[InstrumentResult, ...]
    safety_screen: SafetyScreen
    needs_medical_withdrawal_management: bool
    home_environment_enables_use: bool
    stable_housing_and_support: bool
    hours_available_per_week: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "population", _choice(Population, self.population, "population"))
        object.__setattr__(
            self, "safety_screen", _choice(SafetyScreen, self.safety_screen, "safety_screen")
        )
        object.__setattr__(self, "dimensions", _checked_dimensions(tuple(self.dimensions)))
        object.__setattr__(self, "instruments", tuple(self.instruments))
        _check_instruments(self.instruments)
        for name in FACTS:
            if not isinstance(getattr(self, name), bool):
                raise PlacementFormatError("wrong_type", f"$.{name}", "expected true or false")
        _check_hours(self.hours_available_per_week)
        _check_asq_agrees(self.instruments, self.safety_screen)

    def rating(self, number: int) -> int:
        """The rating of dimension ``number`` (1..6)."""
        return self.dimensions[number - 1].rating

    def instrument(self, code: str) -> InstrumentResult | None:
        """The result for instrument ``code``, or None when it was not given."""
        return next((found for found in self.instruments if found.instrument == code), None)

    def fact(self, name: str) -> bool:
        """One of the yes/no FACTS by field name."""
        if name not in FACTS:
            raise KeyError(name)
        value: bool = getattr(self, name)
        return value


FACTS: tuple[str, ...] = (
    "needs_medical_withdrawal_management",
    "home_environment_enables_use",
    "stable_housing_and_support",
)
"""The yes/no fields of an Assessment a rule can test."""


def _choice[E: StrEnum](kind: type[E], value: object, field: str) -> E:
    if isinstance(value, str) and value in kind.__members__.values():
        return kind(value)
    allowed = ", ".join(member.value for member in kind)
    raise PlacementFormatError(
        "invalid_choice", f"$.{field}", f"{value!r} is not one of: {allowed}"
    )


def _checked_dimensions(dimensions: tuple[Dimension, ...]) -> tuple[Dimension, ...]:
    seen: dict[int, Dimension] = {}
    for dimension in dimensions:
        path = f"$.dimensions.{dimension.number}"
        if dimension.number not in DIMENSION_NAMES:
            raise PlacementFormatError("unknown_dimension", path, "ASAM dimensions are 1 to 6")
        if dimension.number in seen:
            raise PlacementFormatError("duplicate_dimension", path, "dimension given twice")
        _check_rating(dimension.rating, f"{path}.rating")
        if not isinstance(dimension.notes, str):
            raise PlacementFormatError("wrong_type", f"{path}.notes", "expected a string")
        seen[dimension.number] = dimension
    for number in DIMENSION_NAMES:
        if number not in seen:
            raise PlacementFormatError(
                "missing_dimension",
                f"$.dimensions.{number}",
                f"dimension {number} ({DIMENSION_NAMES[number]}) must be rated",
            )
    return tuple(seen[number] for number in sorted(seen))


def _check_rating(rating: object, path: str) -> None:
    if isinstance(rating, bool) or not isinstance(rating, int):
        raise PlacementFormatError("wrong_type", path, "a rating is a whole number 0 to 4")
    if not 0 <= rating <= MAX_RATING:
        raise PlacementFormatError("rating_out_of_range", path, f"{rating} is not within 0 to 4")


def _check_instruments(instruments: tuple[InstrumentResult, ...]) -> None:
    seen: set[str] = set()
    for index, result in enumerate(instruments):
        path = f"$.instruments[{index}]"
        known = INSTRUMENTS.get(result.instrument)
        if known is None:
            raise PlacementFormatError(
                "unknown_instrument",
                f"{path}.instrument",
                f"{result.instrument!r} is not an instrument code; known: {', '.join(INSTRUMENTS)}",
            )
        if result.instrument in seen:
            raise PlacementFormatError(
                "duplicate_instrument", f"{path}.instrument", f"{result.instrument} listed twice"
            )
        seen.add(result.instrument)
        total = result.total
        if isinstance(total, bool) or not isinstance(total, int):
            raise PlacementFormatError("wrong_type", f"{path}.total", "expected a whole number")
        if not known.min_total <= total <= known.max_total:
            raise PlacementFormatError(
                "total_out_of_range",
                f"{path}.total",
                f"{known.short_title} totals run {known.min_total} to {known.max_total}, "
                f"not {total}",
            )
        _check_flags(result, f"{path}.flags")


def _check_flags(result: InstrumentResult, path: str) -> None:
    known = INSTRUMENT_FLAGS.get(result.instrument, {})  # an instrument that raises no flags
    for index, flag in enumerate(result.flags):
        if flag not in known:
            listed = ", ".join(known) or "none"
            raise PlacementFormatError(
                "unknown_flag",
                f"{path}[{index}]",
                f"{result.instrument} raises no flag {flag!r}; its flags: {listed}",
            )
        if flag in result.flags[:index]:
            raise PlacementFormatError("duplicate_flag", f"{path}[{index}]", f"{flag} listed twice")


def _check_hours(hours: object) -> None:
    path = "$.hours_available_per_week"
    if isinstance(hours, bool) or not isinstance(hours, int | float):
        raise PlacementFormatError("wrong_type", path, "expected a number of hours")
    if not math.isfinite(hours) or not 0 <= hours <= HOURS_IN_A_WEEK:
        raise PlacementFormatError("hours_out_of_range", path, f"{hours} is not within 0 to 168")


def _check_asq_agrees(instruments: tuple[InstrumentResult, ...], screen: SafetyScreen) -> None:
    """An ASQ in the instrument list must tell the same story as ``safety_screen``: the rules
    read ``safety_screen``, so a contradiction would let a positive ASQ be placed as a
    negative screen. The category follows the scorer's flags (engines/instruments/asq.py)."""
    for index, result in enumerate(instruments):
        if result.instrument != "asq":
            continue
        flags = set(result.flags)
        if "asq_acute" in flags and "asq_positive" not in flags:
            raise PlacementFormatError(
                "inconsistent_flags",
                f"$.instruments[{index}].flags",
                "asq_acute is raised only with asq_positive",
            )
        if result.total > 0 and "asq_positive" not in flags:
            raise PlacementFormatError(
                "inconsistent_flags",
                f"$.instruments[{index}].flags",
                "an ASQ with a 'yes' answer (total above 0) is a positive screen: asq_positive",
            )
        implied = _asq_category(flags)
        if implied is not screen:
            raise PlacementFormatError(
                "safety_screen_mismatch",
                "$.safety_screen",
                f"safety_screen is {screen.value} but the ASQ at $.instruments[{index}] "
                f"is {implied.value}",
            )


def _asq_category(flags: set[str]) -> SafetyScreen:
    if "asq_acute" in flags:
        return SafetyScreen.ACUTE_POSITIVE
    if "asq_positive" in flags:
        return SafetyScreen.NON_ACUTE_POSITIVE
    return SafetyScreen.NEGATIVE
