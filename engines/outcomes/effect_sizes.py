"""Standardized pre–post effect sizes for paired scores, each labelled with its kind.

Sign convention: d = (mean_pre - mean_post) / standardizer, so a *drop* in scores is positive.
On symptom scales (lower is better) positive d is improvement; on a scale where higher is better
a positive d is worsening, and the caller must say so.

Definitions (Lakens 2013, Front Psychol 4:863, doi:10.3389/fpsyg.2013.00863; clinical.md §3.3):

* d_av = (M_pre - M_post) / ((SD_pre + SD_post)/2) — average SD, ignores r; comparable with
  between-group d, common in clinical reports.
* d_z = M_diff / SD_diff, diff = pre - post — standardized by the SD of change scores; equals
  t/√n and grows with the pre–post correlation r.

95 % confidence intervals: estimate ± t(0.975, n - 1)·SE, with the t quantile (not 1.96) so
that small groups get honestly wide intervals. Both are large-sample (delta-method) intervals,
not exact noncentral-t intervals. When no patient changed at all, SE(d_av) is 0 and the d_av
interval collapses to [0, 0].

* SE(d_z) = √(1/n + d_z²/(2n)): the large-sample variance of a one-sample standardized mean
  (Hedges & Olkin 1985, Statistical Methods for Meta-Analysis), as listed for d_z in Jané et
  al., "Standardized Mean Differences",
  https://matthewbjane.quarto.pub/Standardized-Mean-Differences.html.
* SE(d_av)² = s_D²/(n·S²) + d_av²·(s_pre² + s_post² + 2r²·s_pre·s_post)/(8(n - 1)·S²), with
  S = (s_pre + s_post)/2 and s_D the SD of the differences. This is the delta-method variance
  of M_diff/S under bivariate normality (Var s_i ≈ sigma_i²/(2(n - 1)) and
  Cov(s_pre, s_post) ≈ r²·sigma_pre·sigma_post/(2(n - 1))), derived here for Lakens' average-SD
  standardizer. With equal SDs it reduces to 2(1 - r)/n + d²(1 + r²)/(4(n - 1)), Bonett's
  (2008, Psychol Methods 13(2):99–109) variance for the paired standardized mean difference;
  Algina & Keselman (2003) and Bonett (2015) recommend such r-aware intervals over ones that
  ignore r. Computed, not copied from a published d_av formula.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from engines.outcomes.moments import PairMoments, counted_pairs, pair_moments
from engines.outcomes.student_t import t_quantile

D_AV_LABEL = "Cohen's d_av (mean change / average SD)"
D_Z_LABEL = "Cohen's d_z (mean change / SD of change)"
_CONFIDENCE = 0.95


@dataclass(frozen=True, slots=True)
class EffectSize:
    """One effect size with its kind, label, 95 % CI, n and the pre–post r.

    `value` and the CI are None when undefined (n < 2 or a zero standardizer); `r` is None when
    n < 2 or either time point has no variance.
    """

    kind: str
    label: str
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    r: float | None


def _interval(kind: str, d: float | None, se: float, n: int, r: float | None) -> EffectSize:
    label = D_AV_LABEL if kind == "d_av" else D_Z_LABEL
    if d is None:
        return EffectSize(kind, label, None, None, None, n, r)
    half_width = t_quantile(1 - (1 - _CONFIDENCE) / 2, n - 1) * se
    return EffectSize(kind, label, d, d - half_width, d + half_width, n, r)


def d_av_of(m: PairMoments) -> EffectSize:
    """Cohen's d_av with its 95 % CI from the pairs' moments (module docstring)."""
    if m.n < 2:
        return _interval("d_av", None, 0.0, m.n, None)
    s_pre, s_post, r = math.sqrt(m.var_pre), math.sqrt(m.var_post), m.r
    standardizer = (s_pre + s_post) / 2
    if standardizer == 0:
        return _interval("d_av", None, 0.0, m.n, r)
    d = (m.mean_pre - m.mean_post) / standardizer
    cross = 2 * (r or 0.0) ** 2 * (s_pre * s_post)
    variance = m.var_diff / (m.n * standardizer**2) + d**2 * (s_pre**2 + s_post**2 + cross) / (
        8 * (m.n - 1) * standardizer**2
    )
    return _interval("d_av", d, math.sqrt(variance), m.n, r)


def d_z_of(m: PairMoments) -> EffectSize:
    """Cohen's d_z with its 95 % CI from the pairs' moments; None when every patient changed
    by the same amount (SD of change 0)."""
    if m.n < 2:
        return _interval("d_z", None, 0.0, m.n, None)
    sd_diff = math.sqrt(m.var_diff)
    if sd_diff == 0:
        return _interval("d_z", None, 0.0, m.n, m.r)
    d = (m.mean_pre - m.mean_post) / sd_diff
    return _interval("d_z", d, math.sqrt(1 / m.n + d**2 / (2 * m.n)), m.n, m.r)


def cohens_d_av(pre: Sequence[float], post: Sequence[float]) -> EffectSize:
    """Cohen's d_av of paired scores with a 95 % CI. Raises ValueError on unequal lengths or
    non-finite scores."""
    return d_av_of(pair_moments(counted_pairs(pre, post)))


def cohens_d_z(pre: Sequence[float], post: Sequence[float]) -> EffectSize:
    """Cohen's d_z of paired scores with a 95 % CI. Raises ValueError on unequal lengths or
    non-finite scores."""
    return d_z_of(pair_moments(counted_pairs(pre, post)))
