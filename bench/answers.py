"""Valid, scored answer vectors for every instrument, pooled by severity.

Scoring a million responses one by one would dominate the generation time, so each
instrument gets a pool of answer vectors per severity level (0 = no symptoms … LEVELS - 1 =
most severe), each scored once with ``engines.instruments.score``. A response then draws a
vector from the pool of its level: the rows carry the engine's own total, severity, subscales
and flags, and the answers are always valid for the instrument (skip logic included).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import engines.instruments as instruments

LEVELS = 21
POOL_SIZE = 48
PRORATED_SHARE = 0.03  # PHQ-9 forms with one blank item (not item 9): the total is prorated

Answers = list[int | None]


@dataclass(frozen=True, slots=True)
class Scored:
    """One answer vector and its score, with the JSON columns already serialized."""

    answers: str
    total: int
    severity: str
    subscales: str
    flags: str
    answered: int
    prorated: bool


def _graded(rng: random.Random, item: instruments.Item, latent: float) -> int:
    low, high = min(item.values), max(item.values)
    value = round(low + latent * (high - low) + rng.gauss(0, 0.7))
    value = min(high, max(low, value))
    return item.keyed(value)  # reverse-keyed items are answered the other way round


def _phq9(rng: random.Random, instrument: instruments.Instrument, latent: float) -> Answers:
    answers: Answers = [_graded(rng, item, latent) for item in instrument.items[:8]]
    # Item 9 (thoughts of self-harm) is endorsed far less often than the others.
    answers.append(min(3, max(0, round(latent * 1.1 + rng.gauss(0, 0.45)))))
    if rng.random() < PRORATED_SHARE:
        answers[rng.randrange(8)] = None
    return answers


def _pcptsd5(rng: random.Random, instrument: instruments.Instrument, latent: float) -> Answers:
    if rng.random() > 0.55 + 0.4 * latent:
        return [0, None, None, None, None, None]  # no trauma exposure: the screen stops
    return [1, *(int(rng.random() < latent) for _ in instrument.items[1:])]


def _asq(rng: random.Random, instrument: instruments.Instrument, latent: float) -> Answers:
    screen: Answers = [int(rng.random() < 0.25 * latent) for _ in range(3)]
    screen.append(int(rng.random() < 0.12 * latent))  # "ever tried": lifetime, rarer
    if not any(screen):
        return [*screen, None]  # negative screen: question 5 is not asked
    return [*screen, int(rng.random() < 0.06)]


def _auditc(rng: random.Random, instrument: instruments.Instrument, latent: float) -> Answers:
    answers: Answers = [_graded(rng, item, latent) for item in instrument.items]
    if answers[0] == 0:
        return [0, None, None]  # "Never" drinks: the WHO form skips questions 2 and 3
    return answers


def _yes_no(rng: random.Random, instrument: instruments.Instrument, latent: float) -> Answers:
    return [
        item.keyed(int(rng.random() < latent))
        if item.reverse_scored
        else int(rng.random() < latent)
        for item in instrument.items
    ]


def _graded_all(rng: random.Random, instrument: instruments.Instrument, latent: float) -> Answers:
    return [_graded(rng, item, latent) for item in instrument.items]


_GENERATORS: dict[str, Callable[[random.Random, instruments.Instrument, float], Answers]] = {
    "phq9": _phq9,
    "gad7": _graded_all,
    "pcl5": _graded_all,
    "pcptsd5": _pcptsd5,
    "auditc": _auditc,
    "dast10": _yes_no,
    "asq": _asq,
}


def _scored(instrument: instruments.Instrument, answers: Sequence[int | None]) -> Scored:
    result = instruments.score(instrument, answers)
    flags = [{"code": f.code, "label": f.label, "safety": f.safety} for f in result.flags]
    return Scored(
        answers=json.dumps(list(answers)),
        total=result.total,
        severity=result.severity or "",
        subscales=json.dumps(dict(result.subscales)),
        flags=json.dumps(flags, ensure_ascii=False),
        answered=result.completeness.answered,
        prorated=result.completeness.prorated,
    )


def build_pools(rng: random.Random) -> dict[str, tuple[tuple[Scored, ...], ...]]:
    """``pools[instrument][level]`` holds POOL_SIZE scored vectors. Raises ScoringError if a
    generator ever produced answers the engine refuses (a bug in this module)."""
    pools: dict[str, tuple[tuple[Scored, ...], ...]] = {}
    for instrument_id, generate in _GENERATORS.items():
        instrument = instruments.get(instrument_id)
        levels = []
        for level in range(LEVELS):
            latent = level / (LEVELS - 1)
            levels.append(
                tuple(
                    _scored(instrument, generate(rng, instrument, latent)) for _ in range(POOL_SIZE)
                )
            )
        pools[instrument_id] = tuple(levels)
    return pools


def level_of(latent: float) -> int:
    """The pool level of a latent severity in [0, 1] (clamped)."""
    return min(LEVELS - 1, max(0, round(latent * (LEVELS - 1))))
