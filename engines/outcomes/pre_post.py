"""Group pre–post outcome summary for one instrument: what the program-outcomes report shows."""

import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from engines.outcomes.descriptive import Summary, summary
from engines.outcomes.effect_sizes import EffectSize, d_av_of, d_z_of
from engines.outcomes.moments import Counted, counted_pairs, pair_moments
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


@dataclass(frozen=True, slots=True)
class _PairFacts:
    improved: bool
    deteriorated: bool
    category: Category
    started_below_cutoff: bool
    remission: bool | None
    below_cutoff_post: bool


def _facts(pre: float, post: float, norms: Norms, threshold: float | None) -> _PairFacts:
    change = reliable_change(pre, post, norms, threshold=threshold)
    return _PairFacts(
        improved=change.improved,
        deteriorated=change.deteriorated,
        category=classify(pre, post, norms, threshold=threshold),
        started_below_cutoff=not is_clinical(pre, norms),
        remission=is_remission(post, norms),
        below_cutoff_post=not is_clinical(post, norms),
    )


@functools.lru_cache(maxsize=64)
def _facts_table(norms: Norms, threshold: float | None) -> dict[tuple[float, float], _PairFacts]:
    """Every rule for each (pre, post) pair, computed once per norms and threshold and kept:
    totals are small integers, so the same pairs recur across groups and reports."""
    return {}


def _normed_counts(counted: Counted, norms: Norms, threshold: float | None) -> _NormedCounts:
    """Each rule is applied once per distinct (pre, post) pair and weighted by its count."""
    table = _facts_table(norms, threshold)
    categories: Counter[Category] = Counter()
    improved = deteriorated = below_pre = remission = below_post = 0
    for pair, w in counted.items():
        facts = table.get(pair)
        if facts is None:
            facts = table[pair] = _facts(*pair, norms, threshold)
        categories[facts.category] += w
        improved += w * facts.improved
        deteriorated += w * facts.deteriorated
        below_pre += w * facts.started_below_cutoff
        remission += w * bool(facts.remission)
        below_post += w * facts.below_cutoff_post
    return _NormedCounts(
        reliable_improvement=improved,
        reliable_deterioration=deteriorated,
        recovered=categories[Category.RECOVERED],
        improved=categories[Category.IMPROVED],
        unchanged=categories[Category.UNCHANGED],
        deteriorated=categories[Category.DETERIORATED],
        started_below_cutoff=below_pre,
        remission=None if norms.remission_below is None else remission,
        below_cutoff_post=below_post,
    )


def _responders(counted: Counted) -> int:
    return sum(w for (pre, post), w in counted.items() if is_response(pre, post))


def pre_post(
    instrument: str,
    pairs: Sequence[tuple[float, float]],
    norms: Norms | None,
    *,
    threshold: float | None = None,
) -> PrePost:
    """Summarize paired (pre, post) totals of one instrument (see ``pre_post_counted``)."""
    counted = counted_pairs([pre for pre, _ in pairs], [post for _, post in pairs])
    return pre_post_counted(instrument, counted, norms, threshold=threshold)


def pre_post_counted(
    instrument: str, counted: Counted, norms: Norms | None, *, threshold: float | None = None
) -> PrePost:
    """Summarize counted (pre, post) totals of one instrument: ``{(pre, post): count}``, as a
    database returns them grouped, so that a million responses cost as much as their distinct
    pairs.

    `norms` None gives descriptives, effect sizes and response only. `threshold` None uses the
    computed Jacobson–Truax threshold; a number (e.g. `norms.published_reliable_change`) uses that
    raw change instead. Raises ValueError when the norms belong to another instrument, when a
    threshold is given without norms, or on invalid scores (see `reliable_change`, `is_response`).
    """
    if norms is not None and norms.instrument != instrument:
        raise ValueError(f"norms for {norms.instrument!r} given for {instrument!r}")
    if norms is None and threshold is not None:
        raise ValueError("a reliable-change threshold needs norms")
    moments = pair_moments(counted)
    counts = _NormedCounts() if norms is None else _normed_counts(counted, norms, threshold)
    return PrePost(
        instrument=instrument,
        n_pairs=moments.n,
        pre=summary(moments.n, moments.mean_pre, moments.var_pre),
        post=summary(moments.n, moments.mean_post, moments.var_post),
        d_av=d_av_of(moments),
        d_z=d_z_of(moments),
        response=_responders(counted),
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
