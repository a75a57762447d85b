"""Answer vectors for a wanted total, valid for each instrument the demo gives.

Pure: the caller's ``random.Random`` decides which items carry the points. Every vector obeys
the instrument's item count, option values and skip logic as ``engines.instruments`` scores
them (AUDIT-C items 2-3 blank after "Never", DAST-10 item 3 reverse-keyed, PC-PTSD-5 symptoms
blank without trauma exposure, ASQ question 5 only after a "yes"), so the engine's total of a
vector is the total asked for (checked in ``tests/devtools``).
"""

from __future__ import annotations

import random

import engines.instruments as instruments

Answers = tuple[int | None, ...]

PHQ9, GAD7, PCL5 = "phq9", "gad7", "pcl5"
PCPTSD5, AUDITC, DAST10, ASQ = "pcptsd5", "auditc", "dast10", "asq"

# How readily each PHQ-9 item is endorsed in outpatient samples: low mood, anhedonia, sleep and
# fatigue most, psychomotor change least. Item 9 (the safety item) is set only on purpose.
_PHQ9_WEIGHTS = (3, 3, 3, 3, 2, 2, 2, 1, 0)
_DAST10_REVERSED = 3
_ASQ_POSITIVE: tuple[Answers, ...] = (
    (0, 0, 0, 1, 0),  # a past attempt only: non-acute positive
    (1, 0, 0, 1, 0),
    (1, 1, 0, 0, 0),
)


def _weights(instrument_id: str) -> list[int]:
    count = len(instruments.get(instrument_id).items)
    return list(_PHQ9_WEIGHTS) if instrument_id == PHQ9 else [1] * count


def _maxima(instrument_id: str) -> list[int]:
    return [max(item.values) for item in instruments.get(instrument_id).items]


def highest(instrument_id: str) -> int:
    """The largest total ``scaled`` gives (the PHQ-9's without item 9)."""
    weights = _weights(instrument_id)
    return sum(top for top, w in zip(_maxima(instrument_id), weights, strict=True) if w > 0)


def spread(rng: random.Random, total: int, maxima: list[int], weights: list[int]) -> list[int]:
    """Item values in ``0..maxima[i]`` summing to ``total``, each point landing on an item
    by ``weights``; items of weight 0 stay 0, and the total is capped at what the others
    can hold."""
    values = [0] * len(maxima)
    room = sum(top for top, w in zip(maxima, weights, strict=True) if w > 0)
    for _ in range(min(total, room)):
        free = [i for i, top in enumerate(maxima) if values[i] < top and weights[i] > 0]
        values[rng.choices(free, [weights[i] for i in free])[0]] += 1
    return values


def scaled(rng: random.Random, instrument_id: str, total: int, *, item9: int = 0) -> Answers:
    """A response to a severity scale (PHQ-9, GAD-7, PCL-5, AUDIT-C, DAST-10) with ``total``
    points (capped at ``highest``); ``item9`` sets the PHQ-9 safety item, otherwise 0."""
    maxima, weights = _maxima(instrument_id), _weights(instrument_id)
    if instrument_id == PHQ9:
        values = spread(rng, max(0, total - item9), maxima, weights)
        values[8] = item9
        return tuple(values)
    values = spread(rng, total, maxima, weights)
    if instrument_id == AUDITC:
        return _audit_c(values)
    if instrument_id == DAST10:
        values[_DAST10_REVERSED - 1] = 1 - values[_DAST10_REVERSED - 1]  # "no" counts 1
    return tuple(values)


def _audit_c(values: list[int]) -> Answers:
    """Any drinking needs a non-zero frequency (item 1); none skips items 2 and 3."""
    if not any(values):
        return (0, None, None)
    if values[0] == 0:
        donor = 1 if values[1] >= values[2] else 2
        values[donor] -= 1
        values[0] = 1
    return tuple(values)


def pc_ptsd_5(rng: random.Random, *, exposed: bool) -> Answers:
    """The trauma gate, then the five symptom questions only after a "yes"."""
    if not exposed:
        return (0, None, None, None, None, None)
    symptoms = [0] * 5
    for i in rng.sample(range(5), rng.randint(1, 5)):
        symptoms[i] = 1
    return (1, *symptoms)


def asq(rng: random.Random, *, positive: bool) -> Answers:
    """Negative: four "no" and question 5 not asked. Positive: non-acute (question 5 "no")."""
    return rng.choice(_ASQ_POSITIVE) if positive else (0, 0, 0, 0, None)
