"""Student's t distribution for integer degrees of freedom, standard library only.

The CDF uses the closed-form finite series of Abramowitz & Stegun (1964), Handbook of
Mathematical Functions, formulas 26.7.3 (odd df) and 26.7.4 (even df), which are exact for integer
df. The quantile inverts the CDF by bisection. Degrees of freedom here are always n - 1 of a
paired sample, so integers suffice.
"""

import math

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


def t_quantile(p: float, df: int) -> float:
    """The t with P(T <= t) = p, by bisection on `t_cdf` to within 1e-12.

    Raises ValueError unless 0 < p < 1 and df >= 1.
    """
    if not 0 < p < 1:
        raise ValueError("p must be strictly between 0 and 1")
    if df < 1:
        raise ValueError("degrees of freedom must be >= 1")
    if p < 0.5:
        return -t_quantile(1 - p, df)
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
