"""The plain, frozen data the scoring engine takes and returns.

Nothing here reads a clock, a database or Django; instances are safe to share between threads
and to cache. Mappings handed to the constructors are copied into read-only views.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


class ScoringError(ValueError):
    """Input a clinician must correct before an instrument can be scored.

    ``code`` is stable and meant for programs: ``unknown_instrument``, ``unknown_version``,
    ``unknown_language``, ``wrong_item_count``, ``out_of_range``, ``not_a_number``,
    ``too_many_missing``, ``invalid_skip``. ``message`` is one sentence for a person, and
    ``item`` is the 1-based item number when the problem is about one item.
    """

    def __init__(self, code: str, message: str, *, item: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.item = item


def frozen_text(mapping: Mapping[str, str]) -> Mapping[str, str]:
    """A read-only copy, so a shared Instrument cannot be changed by one caller."""
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, slots=True)
class Option:
    """One answer choice: the value recorded and its label per language."""

    value: int
    label: Mapping[str, str]

    def __hash__(self) -> int:
        # The label mapping is read-only but not hashable; equal options share a value.
        return hash(self.value)


@dataclass(frozen=True, slots=True)
class Item:
    """One question. ``number`` is its 1-based position in the response list.

    ``reverse_scored`` items count ``max + min - value`` toward the total (DAST-10 item 3).
    ``scored=False`` marks gate questions that steer skip logic but add nothing to the total
    (the PC-PTSD-5 trauma-exposure question, the ASQ acuity question).
    """

    number: int
    link_id: str
    text: Mapping[str, str]
    options: tuple[Option, ...]
    loinc: str | None = None
    reverse_scored: bool = False
    safety: bool = False
    scored: bool = True

    def __hash__(self) -> int:
        return hash((self.number, self.link_id))

    @property
    def values(self) -> frozenset[int]:
        return frozenset(option.value for option in self.options)

    def keyed(self, value: int) -> int:
        """The points an answer adds to the total, after reverse keying."""
        if not self.reverse_scored:
            return value
        return max(self.values) + min(self.values) - value


@dataclass(frozen=True, slots=True)
class Band:
    """A severity band; ``low`` and ``high`` are inclusive."""

    low: int
    high: int
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Subscale:
    """A named sum of items, e.g. a PCL-5 DSM-5 symptom cluster."""

    key: str
    label: str
    items: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Instrument:
    """A published questionnaire at one version, with the rules to interpret its total."""

    id: str
    version: str
    short_title: str
    title: str
    instructions: Mapping[str, str]
    items: tuple[Item, ...]
    min_total: int
    max_total: int
    bands: tuple[Band, ...]
    subscales: tuple[Subscale, ...]
    cutoff: int | None
    cutoff_label: str
    loinc_panel: str | None
    loinc_total: str | None
    source: str
    licence: str
    missing_rule: str
    languages: tuple[str, ...]
    lower_is_better: bool = True

    def __hash__(self) -> int:
        # Usable as a dict key or in a cache; (id, version) identifies a registered instrument.
        return hash((self.id, self.version))

    def band_for(self, total: int) -> Band | None:
        """The band whose inclusive range holds ``total``, or None when there is none."""
        for band in self.bands:
            if band.low <= total <= band.high:
                return band
        return None

    def item(self, number: int) -> Item:
        """The item at 1-based position ``number``."""
        return self.items[number - 1]


@dataclass(frozen=True, slots=True)
class Flag:
    """Something the app must show next to the score.

    ``safety=True`` means the app must raise an immediate safety alert.
    """

    code: str
    label: str
    safety: bool
    items: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "label": self.label,
            "safety": self.safety,
            "items": list(self.items),
        }


@dataclass(frozen=True, slots=True)
class Completeness:
    """How complete the response was.

    ``expected`` counts the items the instrument's skip logic asks for in this response
    (a PC-PTSD-5 with no trauma exposure expects 1); ``missing`` lists the expected items
    left blank, so ``answered + len(missing) == expected``. ``prorated`` is True when the
    total was estimated from the answered items under the instrument's missing-item rule.
    """

    answered: int
    expected: int
    missing: tuple[int, ...]
    prorated: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "answered": self.answered,
            "expected": self.expected,
            "missing": list(self.missing),
            "prorated": self.prorated,
        }


@dataclass(frozen=True, slots=True)
class Score:
    """The result of scoring one completed instrument."""

    instrument: str
    version: str
    language: str
    total: int
    severity: str | None
    severity_label: str | None
    subscales: Mapping[str, int]
    flags: tuple[Flag, ...]
    completeness: Completeness

    def __post_init__(self) -> None:
        object.__setattr__(self, "subscales", MappingProxyType(dict(self.subscales)))

    def __hash__(self) -> int:
        return hash((self.instrument, self.version, self.language, self.total, self.flags))

    @property
    def safety(self) -> bool:
        """True when any flag requires an immediate safety alert."""
        return any(flag.safety for flag in self.flags)

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready dict with plain lists and dicts only."""
        return {
            "instrument": self.instrument,
            "version": self.version,
            "language": self.language,
            "total": self.total,
            "severity": self.severity,
            "severity_label": self.severity_label,
            "subscales": dict(self.subscales),
            "flags": [flag.as_dict() for flag in self.flags],
            "completeness": self.completeness.as_dict(),
        }
