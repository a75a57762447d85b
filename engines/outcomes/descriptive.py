"""Descriptive statistics of one set of scores."""

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Summary:
    """`mean` is None when n == 0; `sd` is the sample SD (n - 1 denominator), None when n < 2."""

    n: int
    mean: float | None
    sd: float | None


def describe(values: Sequence[float]) -> Summary:
    """Count, mean and sample SD. Raises ValueError on a non-finite value."""
    if not all(math.isfinite(v) for v in values):
        raise ValueError("values must be finite numbers")
    n = len(values)
    mean = float(statistics.mean(values)) if n else None
    sd = float(statistics.stdev(values)) if n >= 2 else None
    return Summary(n=n, mean=mean, sd=sd)
