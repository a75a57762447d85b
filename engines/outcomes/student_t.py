"""Student's t distribution for integer degrees of freedom, standard library only.

The CDF uses the closed-form finite series of Abramowitz & Stegun (1964), Handbook of
Mathematical Functions, formulas 26.7.3 (odd df) and 26.7.4 (even df), which are exact for integer
df. The quantile inverts the CDF by bisection. Degrees of freedom here are always n - 1 of a
paired sample, so integers suffice.
"""

import functools
import math
import statistics

_BISECTION_STEPS = 200
_TOLERANCE = 1e-12


def _two_sided_mass(t: float, df: int) -> float:
    """A(t|df) = P(|T| <= t) for t >= 0 (Abramowitz & Stegun 26.7.3 / 26.7.4)."""
    theta = math.atan(t / math.sqrt(df))
    sin_t, cos_t = math.sin(theta), math.cos(theta)
    cos_sq = cos_t * cos_t
    if df % 2 == 0:
        term = total = 1.0
        for k in range(1, (df - 2) // 2 + 1):
            term *= (2 * k - 1) / (2 * k) * cos_sq
            total += term
        return sin_t * total
    if df == 1:
        return 2 * theta / math.pi
    term = total = cos_t
    for k in range(1, (df - 3) // 2 + 1):
        term *= (2 * k) / (2 * k + 1) * cos_sq
        total += term
    return 2 / math.pi * (theta + sin_t * total)


def t_cdf(t: float, df: int) -> float:
    """P(T <= t) for Student's t with `df` degrees of freedom. Raises ValueError if df < 1."""
    if df < 1:
        raise ValueError("degrees of freedom must be >= 1")
    mass = _two_sided_mass(abs(t), df)
    return 0.5 + 0.5 * mass if t >= 0 else 0.5 - 0.5 * mass


# Above this many degrees of freedom the exact CDF costs O(df) per evaluation, so the quantile
# uses the Cornish–Fisher expansion instead (its error there is below 1e-9).
_EXPANSION_FROM_DF = 200


def _t_quantile_expansion(p: float, df: int) -> float:
    """Abramowitz & Stegun 26.7.5: t_p ≈ z + g1/df + g2/df² + g3/df³ + g4/df⁴ (z the normal
    quantile), accurate to well under 1e-9 for df above 200."""
    z = statistics.NormalDist().inv_cdf(p)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


@functools.lru_cache(maxsize=4096)
def t_quantile(p: float, df: int) -> float:
    """The t with P(T <= t) = p: bisection on `t_cdf` to within 1e-12, or for df above 200 the
    Cornish–Fisher expansion (Abramowitz & Stegun 26.7.5).

    Raises ValueError unless 0 < p < 1 and df >= 1.
    """
    if not 0 < p < 1:
        raise ValueError("p must be strictly between 0 and 1")
    if df < 1:
        raise ValueError("degrees of freedom must be >= 1")
    if p < 0.5:
        return -t_quantile(1 - p, df)
    if df > _EXPANSION_FROM_DF:
        return _t_quantile_expansion(p, df)
    return _bisect_quantile(p, df)


def _bisect_quantile(p: float, df: int) -> float:
    """Bisection on the exact `t_cdf` to within 1e-12, for 0.5 <= p < 1."""
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        low, high = high, high * 2
    for _ in range(_BISECTION_STEPS):
        mid = (low + high) / 2
        if t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
        if high - low < _TOLERANCE:
            break
    return (low + high) / 2
