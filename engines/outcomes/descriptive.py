"""Descriptive statistics of one set of scores."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from engines.outcomes.moments import counted_pairs, pair_moments


@dataclass(frozen=True, slots=True)
class Summary:
    """`mean` is None when n == 0; `sd` is the sample SD (n - 1 denominator), None when n < 2."""

    n: int
    mean: float | None
    sd: float | None


def describe(values: Sequence[float]) -> Summary:
    """Count, mean and sample SD. Raises ValueError on a non-finite value."""
    moments = pair_moments(counted_pairs(values, values))
    return summary(moments.n, moments.mean_pre, moments.var_pre)


def summary(n: int, mean: float, variance: float) -> Summary:
    """A Summary from moments: mean None without values, SD None with fewer than two."""
    return Summary(n=n, mean=mean if n else None, sd=math.sqrt(variance) if n >= 2 else None)
