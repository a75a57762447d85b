"""Means, variances and the covariance of paired scores, from counted pairs.

The outcomes report summarizes hundreds of thousands of (pre, post) pairs, but totals are small
integers, so the distinct pairs are few. Every statistic here is computed once per distinct pair
and weighted by its count, with two passes (mean first, then squared deviations) so that the
variances stay accurate however many pairs there are. ``describe``, the effect sizes and
``pre_post`` all use these functions: there is one implementation of each formula.
"""

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

Counted = Mapping[tuple[float, float], int]


@dataclass(frozen=True, slots=True)
class PairMoments:
    """n, means, sample variances (n - 1) of pre, post and of the change (pre - post), and the
    pre–post sample covariance. Variances are 0.0 when n < 2."""

    n: int
    mean_pre: float
    mean_post: float
    var_pre: float
    var_post: float
    var_diff: float
    cov: float

    @property
    def r(self) -> float | None:
        """Pearson r; None when n < 2 or either time point has no variance."""
        if self.n < 2 or self.var_pre == 0 or self.var_post == 0:
            return None
        return self.cov / math.sqrt(self.var_pre * self.var_post)


def check_finite(values: Iterable[float]) -> None:
    if not all(math.isfinite(v) for v in values):
        raise ValueError("scores must be finite numbers")


def counted_pairs(pre: Sequence[float], post: Sequence[float]) -> Counter[tuple[float, float]]:
    """Paired sequences as counts of distinct pairs. Raises ValueError on unequal lengths or
    non-finite scores."""
    if len(pre) != len(post):
        raise ValueError("pre and post must be paired sequences of equal length")
    check_finite(pre)
    check_finite(post)
    return Counter(zip(pre, post, strict=True))


def pair_moments(counted: Counted) -> PairMoments:
    """The moments of counted pairs (weights must be positive integers)."""
    n = sum(counted.values())
    if n == 0:
        return PairMoments(0, math.nan, math.nan, 0.0, 0.0, 0.0, 0.0)
    mean_pre = sum(w * a for (a, _), w in counted.items()) / n
    mean_post = sum(w * b for (_, b), w in counted.items()) / n
    if n < 2:
        return PairMoments(n, mean_pre, mean_post, 0.0, 0.0, 0.0, 0.0)
    # The mean of the differences themselves, not mean_pre - mean_post: when every patient
    # changed by the same amount the deviations must be exactly 0 (d_z undefined), while the
    # difference of two rounded means leaves a residue that makes d_z about 1e15.
    mean_diff = sum(w * (a - b) for (a, b), w in counted.items()) / n
    dev = [(w, a - mean_pre, b - mean_post, (a - b) - mean_diff) for (a, b), w in counted.items()]
    return PairMoments(
        n=n,
        mean_pre=mean_pre,
        mean_post=mean_post,
        var_pre=sum(w * x * x for w, x, _, _ in dev) / (n - 1),
        var_post=sum(w * y * y for w, _, y, _ in dev) / (n - 1),
        var_diff=sum(w * z * z for w, _, _, z in dev) / (n - 1),
        cov=sum(w * x * y for w, x, y, _ in dev) / (n - 1),
    )


@dataclass(frozen=True, slots=True)
class PairSums:
    """Integer sums over paired integer scores, as a database's SUM() returns them: the count,
    Σpre, Σpost, Σpre², Σpost² and Σpre·post."""

    n: int = 0
    pre: int = 0
    post: int = 0
    pre_sq: int = 0
    post_sq: int = 0
    cross: int = 0


def moments_of_sums(sums: PairSums) -> PairMoments:
    """The moments of integer pairs from their sums, exactly: each sample (co)variance is the
    integer n·Σxy - Σx·Σy divided once by n(n - 1), so no cancellation error creeps in however
    large the sums (an equal change for everyone gives var_diff exactly 0, as pair_moments)."""
    n = sums.n
    if n == 0:
        return PairMoments(0, math.nan, math.nan, 0.0, 0.0, 0.0, 0.0)
    if n < 2:
        return PairMoments(n, sums.pre / n, sums.post / n, 0.0, 0.0, 0.0, 0.0)
    scale = n * (n - 1)
    var_pre = n * sums.pre_sq - sums.pre * sums.pre
    var_post = n * sums.post_sq - sums.post * sums.post
    cov = n * sums.cross - sums.pre * sums.post
    return PairMoments(
        n=n,
        mean_pre=sums.pre / n,
        mean_post=sums.post / n,
        var_pre=var_pre / scale,
        var_post=var_post / scale,
        var_diff=(var_pre + var_post - 2 * cov) / scale,
        cov=cov / scale,
    )
