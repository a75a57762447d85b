"""Per-patient change: reliable change, outcome category, response and remission.

Rules and sources (clinical.md §3.1–3.2):

* Reliable change index RCI = (post - pre) / S_diff, S_diff = √2·SD₁·√(1 - r_xx)
  (Jacobson & Truax 1991, J Consult Clin Psychol 59(1):12–19, with the √2 of Christensen &
  Mendoza 1986). A change is reliable when its size in the healthy or unhealthy direction is at
  least the threshold: 1.96·S_diff by default, or a published raw threshold (e.g. the NHS Talking
  Therapies "decrease of ≥ 6" on the PHQ-9). The boundary counts as reliable, matching the
  published "≥" wording and clinical.md's "RCI ≤ -1.96".
* Categories (Ronk, Hooke & Page 2016, BMC Psychiatry 16:187; Jacobson & Truax 1991): recovered =
  reliable improvement and moved from the clinical to the non-clinical side of the cut-off;
  improved = reliable improvement otherwise (including patients who started non-clinical, who
  cannot "recover"); deteriorated = reliable worsening; unchanged = no reliable change.
* Response = a reduction of at least 50 % from baseline (HEDIS DRR-E; MN Community Measurement).
* Remission = the norms' remission rule, e.g. PHQ-9 < 5 (HEDIS DRR-E, CMS159/NQF 0710).
"""

import math
from dataclasses import dataclass
from enum import StrEnum

from engines.outcomes.norms import Norms


class Category(StrEnum):
    RECOVERED = "recovered"
    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    DETERIORATED = "deteriorated"


@dataclass(frozen=True, slots=True)
class ReliableChange:
    """`rci` is (post - pre)/S_diff whatever threshold was used; `min_change` is the raw-point
    threshold that decided `improved` / `deteriorated`."""

    rci: float
    min_change: float
    improved: bool
    deteriorated: bool


def _require_score(value: float, name: str) -> None:
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number")


def _threshold(norms: Norms, threshold: float | None) -> float:
    if threshold is None:
        return norms.min_reliable_change
    if not (math.isfinite(threshold) and threshold > 0):
        raise ValueError("threshold must be a positive number of points")
    return threshold


def improvement(pre: float, post: float, norms: Norms) -> float:
    """Change in the healthy direction, in raw points (negative = worse)."""
    return pre - post if norms.lower_is_better else post - pre


def is_clinical(score: float, norms: Norms) -> bool:
    """Whether a score is on the clinical side of the norms' cut-off (see `Norms`)."""
    if norms.lower_is_better:
        return score >= norms.clinical_cutoff
    return score <= norms.clinical_cutoff


def reliable_change(
    pre: float, post: float, norms: Norms, *, threshold: float | None = None
) -> ReliableChange:
    """Jacobson–Truax reliable change of one pre/post pair.

    `threshold` None uses the computed 1.96·S_diff; a number uses that many raw points instead
    (e.g. `norms.published_reliable_change`). Raises ValueError on a non-finite score or a
    non-positive threshold.
    """
    _require_score(pre, "pre")
    _require_score(post, "post")
    min_change = _threshold(norms, threshold)
    gain = improvement(pre, post, norms)
    return ReliableChange(
        rci=(post - pre) / norms.s_diff,
        min_change=min_change,
        improved=gain >= min_change,
        deteriorated=-gain >= min_change,
    )


def classify(pre: float, post: float, norms: Norms, *, threshold: float | None = None) -> Category:
    """Outcome category of one pre/post pair (Ronk, Hooke & Page 2016; Jacobson & Truax 1991).

    `threshold` as in `reliable_change`. Raises ValueError like `reliable_change`.
    """
    change = reliable_change(pre, post, norms, threshold=threshold)
    if change.improved:
        crossed = is_clinical(pre, norms) and not is_clinical(post, norms)
        return Category.RECOVERED if crossed else Category.IMPROVED
    if change.deteriorated:
        return Category.DETERIORATED
    return Category.UNCHANGED


def is_response(pre: float, post: float) -> bool | None:
    """Response: post <= 50 % of baseline, i.e. a reduction of at least half (HEDIS DRR-E).

    Assumes a symptom scale where lower is better and 0 is the floor. None when pre == 0: a
    relative reduction from zero is undefined. Raises ValueError on a negative or non-finite
    score.
    """
    _require_score(pre, "pre")
    _require_score(post, "post")
    if pre < 0 or post < 0:
        raise ValueError("scores must not be negative")
    if pre == 0:
        return None
    return post <= pre / 2


def is_remission(post: float, norms: Norms) -> bool | None:
    """Whether `post` meets the remission rule of `norms` (e.g. PHQ-9 < 5, HEDIS DRR-E).

    None when the instrument has no published remission rule.
    """
    _require_score(post, "post")
    if norms.remission_below is None:
        return None
    if norms.lower_is_better:
        return post < norms.remission_below
    return post > norms.remission_below


def threshold_lines(
    baseline: float, norms: Norms, *, threshold: float | None = None
) -> tuple[float, float]:
    """(improvement line, deterioration line) for a chart: baseline ∓ the reliable-change threshold.

    A later score at or beyond a line is reliable change (same rule as `reliable_change`). For a
    scale where higher is better the lines are baseline ± the threshold.
    """
    _require_score(baseline, "baseline")
    step = _threshold(norms, threshold)
    if norms.lower_is_better:
        return baseline - step, baseline + step
    return baseline + step, baseline - step
