"""The instruments the engine knows, looked up by id and version, and the ``score`` entry point."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType

from engines.instruments import asq, auditc, dast10, gad7, pcl5, pcptsd5, phq9
from engines.instruments.model import Instrument, Score, ScoringError
from engines.instruments.scoring import check_language, check_length, check_values

Scorer = Callable[[Instrument, Sequence[int | None], str], Score]

# Display order: mood and anxiety, trauma, substance use, then the suicide-risk screen.
_ENTRIES: tuple[tuple[Instrument, Scorer], ...] = (
    (phq9.INSTRUMENT, phq9.score_phq9),
    (gad7.INSTRUMENT, gad7.score_gad7),
    (pcl5.INSTRUMENT, pcl5.score_pcl5),
    (pcptsd5.INSTRUMENT, pcptsd5.score_pcptsd5),
    (auditc.INSTRUMENT, auditc.score_auditc),
    (dast10.INSTRUMENT, dast10.score_dast10),
    (asq.INSTRUMENT, asq.score_asq),
)

_REGISTRY: Mapping[tuple[str, str], tuple[Instrument, Scorer]] = MappingProxyType(
    {(instrument.id, instrument.version): (instrument, scorer) for instrument, scorer in _ENTRIES}
)


def _version_key(version: str) -> tuple[int, ...]:
    """'1.10' sorts after '1.9'; non-numeric parts sort first."""
    return tuple(int(part) if part.isdigit() else -1 for part in version.split("."))


def _latest() -> Mapping[str, Instrument]:
    latest: dict[str, Instrument] = {}
    for instrument, _scorer in _ENTRIES:
        current = latest.get(instrument.id)
        if current is None or _version_key(instrument.version) > _version_key(current.version):
            latest[instrument.id] = instrument
    return MappingProxyType(latest)


INSTRUMENTS: Mapping[str, Instrument] = _latest()


def normalize_id(instrument_id: str) -> str:
    """'PHQ-9', 'phq 9', 'PHQ_9' and 'phq9' all become 'phq9'."""
    return re.sub(r"[\s_\-]", "", instrument_id).lower()


def get(instrument_id: str, version: str | None = None) -> Instrument:
    """The instrument at ``version`` (the latest when None).

    Accepts case-insensitive ids and display forms ("PHQ-9", "phq-9", "PHQ9").
    Raises ScoringError("unknown_instrument") or ScoringError("unknown_version").
    """
    return _entry(instrument_id, version)[0]


def _entry(instrument_id: str, version: str | None) -> tuple[Instrument, Scorer]:
    key = normalize_id(instrument_id)
    latest = INSTRUMENTS.get(key)
    if latest is None:
        known = ", ".join(INSTRUMENTS)
        raise ScoringError(
            "unknown_instrument",
            f"Unknown instrument '{instrument_id}'; known instruments: {known}.",
        )
    entry = _REGISTRY.get((key, latest.version if version is None else version.strip()))
    if entry is None:
        versions = ", ".join(v for (i, v) in _REGISTRY if i == key)
        raise ScoringError(
            "unknown_version",
            f"{latest.short_title} has no version '{version}'; available: {versions}.",
        )
    return entry


def score(
    instrument: Instrument | str,
    responses: Sequence[int | None],
    *,
    version: str | None = None,
    language: str = "en",
) -> Score:
    """Score one completed instrument.

    ``responses`` holds one entry per item in order, None for a blank. The answers are
    checked for count, type and range, then the instrument's own skip logic and
    missing-item rule apply (see each instrument module for the cited rule).

    Pure: no I/O, no clock. Raises ScoringError with a stable ``code`` (see ScoringError)
    and a sentence for the clinician; never returns a partial score.
    """
    if isinstance(instrument, Instrument):
        if version is not None and version != instrument.version:
            raise ScoringError(
                "unknown_version",
                f"{instrument.short_title} was given as version {instrument.version} "
                f"but version '{version}' was asked for.",
            )
        found, scorer = _entry(instrument.id, instrument.version)
    else:
        found, scorer = _entry(instrument, version)
    check_language(found, language)
    answers = list(responses)
    check_length(found, answers)
    check_values(found, answers)
    return scorer(found, answers, language)
