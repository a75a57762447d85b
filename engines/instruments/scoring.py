"""Steps every instrument shares: input checks, keyed sums, completeness and the result.

The instrument modules compose these; the published rules themselves (bands, cut-offs,
missing-item and skip rules) live with each instrument and cite their sources there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from engines.instruments.model import Completeness, Flag, Instrument, Item, Score, ScoringError

Responses = Sequence[int | None]


def check_language(instrument: Instrument, language: str) -> None:
    """Raises ScoringError("unknown_language") unless the instrument has that wording."""
    if language not in instrument.languages:
        available = ", ".join(instrument.languages)
        raise ScoringError(
            "unknown_language",
            f"{instrument.short_title} is not available in language '{language}'; "
            f"available: {available}.",
        )


def check_length(instrument: Instrument, responses: Responses) -> None:
    """Raises ScoringError("wrong_item_count") unless there is one entry per item."""
    expected = len(instrument.items)
    if len(responses) != expected:
        raise ScoringError(
            "wrong_item_count",
            f"{instrument.short_title} expects {expected} answers, one per item in order "
            f"(blank for a missing one); got {len(responses)}.",
        )


def check_values(instrument: Instrument, responses: Responses) -> None:
    """Raises ScoringError("not_a_number" / "out_of_range") for the first bad answer."""
    for item, value in zip(instrument.items, responses, strict=True):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise ScoringError(
                "not_a_number",
                f"{item_name(instrument, item.number)} must be a whole number; got {value!r}.",
                item=item.number,
            )
        if value not in item.values:
            raise ScoringError(
                "out_of_range",
                f"{item_name(instrument, item.number)} must be {allowed_text(item)}; got {value}.",
                item=item.number,
            )


def item_name(instrument: Instrument, number: int) -> str:
    return f"{instrument.short_title} item {number}"


def allowed_text(item: Item) -> str:
    """'0–3', or '0 (No) or 1 (Yes)' for a two-choice item."""
    options = sorted(item.options, key=lambda option: option.value)
    if len(options) == 2:
        low, high = options
        return f"{low.value} ({low.label['en']}) or {high.value} ({high.label['en']})"
    return f"{options[0].value}–{options[-1].value}"


def join_numbers(numbers: Sequence[int]) -> str:
    """'3', '3 and 5', '3, 5 and 7'."""
    words = [str(number) for number in numbers]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def missing_among(responses: Responses, numbers: Iterable[int]) -> tuple[int, ...]:
    return tuple(number for number in numbers if responses[number - 1] is None)


def scored_numbers(instrument: Instrument) -> tuple[int, ...]:
    return tuple(item.number for item in instrument.items if item.scored)


def keyed_sum(instrument: Instrument, responses: Responses, numbers: Iterable[int]) -> int:
    """Sum of the answered items among ``numbers``, reverse keying applied."""
    total = 0
    for number in numbers:
        value = responses[number - 1]
        if value is not None:
            total += instrument.item(number).keyed(value)
    return total


def refuse_missing(instrument: Instrument, missing: Sequence[int], rule: str) -> None:
    """Raises ScoringError("too_many_missing") naming the blank items and the rule broken."""
    noun = "item" if len(missing) == 1 else "items"
    verb = "is" if len(missing) == 1 else "are"
    raise ScoringError(
        "too_many_missing",
        f"{instrument.short_title} {noun} {join_numbers(missing)} {verb} unanswered; {rule}",
        item=missing[0],
    )


def complete_total(
    instrument: Instrument, responses: Responses, rule: str
) -> tuple[int, tuple[int, ...]]:
    """The keyed total of an instrument whose manual allows no missing item, and the item
    numbers it expects. Raises ScoringError("too_many_missing") naming ``rule`` otherwise."""
    expected = scored_numbers(instrument)
    missing = missing_among(responses, expected)
    if missing:
        refuse_missing(instrument, missing, rule)
    return keyed_sum(instrument, responses, expected), expected


def subscale_totals(instrument: Instrument, responses: Responses) -> dict[str, int]:
    return {
        subscale.key: keyed_sum(instrument, responses, subscale.items)
        for subscale in instrument.subscales
    }


def cutoff_flag(instrument: Instrument, total: int, code: str, label: str) -> Flag | None:
    """The screen-positive flag when ``total`` reaches the instrument's cut-off (>=)."""
    if instrument.cutoff is None or total < instrument.cutoff:
        return None
    return Flag(code=code, label=label, safety=False)


def completeness(
    responses: Responses, expected: Sequence[int], *, prorated: bool = False
) -> Completeness:
    missing = missing_among(responses, expected)
    return Completeness(
        answered=len(expected) - len(missing),
        expected=len(expected),
        missing=missing,
        prorated=prorated,
    )


def result(
    instrument: Instrument,
    language: str,
    total: int,
    flags: Iterable[Flag | None],
    complete: Completeness,
    *,
    subscales: dict[str, int] | None = None,
) -> Score:
    """A Score whose severity is the instrument's band for ``total`` (None without bands)."""
    band = instrument.band_for(total)
    return Score(
        instrument=instrument.id,
        version=instrument.version,
        language=language,
        total=total,
        severity=band.key if band else None,
        severity_label=band.label if band else None,
        subscales=subscales or {},
        flags=tuple(flag for flag in flags if flag is not None),
        completeness=complete,
    )


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest whole number, halves upward.

    Integer arithmetic on purpose: Python's round() sends halves to the even neighbour, so
    10.5 would become 10 there; here it becomes 11.
    """
    return (2 * numerator + denominator) // (2 * denominator)
