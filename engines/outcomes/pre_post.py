"""Group pre–post outcome summary for one instrument: what the program-outcomes report shows."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from engines.outcomes.descriptive import Summary, describe
from engines.outcomes.effect_sizes import EffectSize, cohens_d_av, cohens_d_z
from engines.outcomes.norms import Norms
from engines.outcomes.reliable_change import (
    Category,
    classify,
    is_clinical,
    is_remission,
    is_response,
    reliable_change,
)


@dataclass(frozen=True, slots=True)
class PrePost:
    """Everything the outcomes report shows for one instrument and one group of paired scores.

    Counts that need norms (reliable change, categories, cut-off, remission) are None when no
    norms were given; `remission` is also None when the norms have no remission rule.
    `recovered + improved + unchanged + deteriorated == n_pairs`. `started_below_cutoff` counts
    patients whose baseline was already non-clinical; they are also inside improved / unchanged /
    deteriorated (they cannot "recover") and are reported separately (clinical.md §3.2).
    `response` counts pairs with a >= 50 % reduction; pairs with baseline 0 are not responders.
    """

    instrument: str
    n_pairs: int
    pre: Summary
    post: Summary
    d_av: EffectSize
    d_z: EffectSize
    reliable_improvement: int | None
    reliable_deterioration: int | None
    recovered: int | None
    improved: int | None
    unchanged: int | None
    deteriorated: int | None
    started_below_cutoff: int | None
    response: int
    remission: int | None
    below_cutoff_post: int | None

    def pct(self, count: int | None) -> float | None:
        """`count` as a percentage of `n_pairs`; None when count is None or there are no pairs."""
        if count is None or self.n_pairs == 0:
            return None
        return 100 * count / self.n_pairs


@dataclass(frozen=True, slots=True)
class _NormedCounts:
    reliable_improvement: int | None = None
    reliable_deterioration: int | None = None
    recovered: int | None = None
    improved: int | None = None
    unchanged: int | None = None
    deteriorated: int | None = None
    started_below_cutoff: int | None = None
    remission: int | None = None
    below_cutoff_post: int | None = None


def _remission_count(posts: Sequence[float], norms: Norms) -> int | None:
    if norms.remission_below is None:
        return None
    return sum(bool(is_remission(post, norms)) for post in posts)


def _normed_counts(
    pairs: Sequence[tuple[float, float]], norms: Norms, threshold: float | None
) -> _NormedCounts:
    changes = [reliable_change(pre, post, norms, threshold=threshold) for pre, post in pairs]
    categories = Counter(classify(pre, post, norms, threshold=threshold) for pre, post in pairs)
    return _NormedCounts(
        reliable_improvement=sum(c.improved for c in changes),
        reliable_deterioration=sum(c.deteriorated for c in changes),
        recovered=categories[Category.RECOVERED],
        improved=categories[Category.IMPROVED],
        unchanged=categories[Category.UNCHANGED],
        deteriorated=categories[Category.DETERIORATED],
        started_below_cutoff=sum(not is_clinical(pre, norms) for pre, _ in pairs),
        remission=_remission_count([post for _, post in pairs], norms),
        below_cutoff_post=sum(not is_clinical(post, norms) for _, post in pairs),
    )


def pre_post(
    instrument: str,
    pairs: Sequence[tuple[float, float]],
    norms: Norms | None,
    *,
    threshold: float | None = None,
) -> PrePost:
    """Summarize paired (pre, post) totals of one instrument.

    `norms` None gives descriptives, effect sizes and response only. `threshold` None uses the
    computed Jacobson–Truax threshold; a number (e.g. `norms.published_reliable_change`) uses that
    raw change instead. Raises ValueError when the norms belong to another instrument, when a
    threshold is given without norms, or on invalid scores (see `reliable_change`, `is_response`).
    """
    if norms is not None and norms.instrument != instrument:
        raise ValueError(f"norms for {norms.instrument!r} given for {instrument!r}")
    if norms is None and threshold is not None:
        raise ValueError("a reliable-change threshold needs norms")
    pres = [pre for pre, _ in pairs]
    posts = [post for _, post in pairs]
    counts = _NormedCounts() if norms is None else _normed_counts(pairs, norms, threshold)
    return PrePost(
        instrument=instrument,
        n_pairs=len(pairs),
        pre=describe(pres),
        post=describe(posts),
        d_av=cohens_d_av(pres, posts),
        d_z=cohens_d_z(pres, posts),
        response=sum(bool(is_response(pre, post)) for pre, post in pairs),
        reliable_improvement=counts.reliable_improvement,
        reliable_deterioration=counts.reliable_deterioration,
        recovered=counts.recovered,
        improved=counts.improved,
        unchanged=counts.unchanged,
        deteriorated=counts.deteriorated,
        started_below_cutoff=counts.started_below_cutoff,
        remission=counts.remission,
        below_cutoff_post=counts.below_cutoff_post,
    )
