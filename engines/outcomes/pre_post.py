"""Group pre–post outcome summary for one instrument: what the program-outcomes report shows."""

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from engines.outcomes.descriptive import Summary, summary
from engines.outcomes.effect_sizes import EffectSize, d_av_of, d_z_of
from engines.outcomes.moments import (
    Counted,
    PairMoments,
    PairSums,
    counted_pairs,
    moments_of_sums,
    pair_moments,
)
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
class PairCounts:
    """How many pairs meet each per-pair rule (see ``_facts`` and ``RuleCuts``). Without norms
    only ``response`` means anything; the other counts are ignored."""

    response: int = 0
    reliable_improvement: int = 0
    reliable_deterioration: int = 0
    recovered: int = 0
    started_below_cutoff: int = 0
    remission: int = 0
    below_cutoff_post: int = 0


@dataclass(frozen=True, slots=True)
class RuleCuts:
    """The per-pair rules as numbers, so that a database can count pairs with exactly the rules
    of ``_facts`` (openiop.measures.outcomes does). With ``sign`` = 1 when lower scores are
    healthier and -1 otherwise, and gain = sign·(pre - post):

    - reliable improvement: gain ≥ min_change; reliable deterioration: -gain ≥ min_change;
    - clinical: sign·score ≥ sign·cutoff; recovered: reliable improvement, clinical pre and
      non-clinical post;
    - remission: sign·post < sign·remission_below (never when remission_below is None);
    - response: pre > 0 and 2·post ≤ pre (``is_response``, for lower-is-better totals).
    """

    sign: int
    min_change: float
    cutoff: float
    remission_below: float | None


def rule_cuts(norms: Norms, threshold: float | None = None) -> RuleCuts:
    """The RuleCuts of `norms` (threshold as in ``pre_post_counted``)."""
    return RuleCuts(
        sign=1 if norms.lower_is_better else -1,
        min_change=norms.min_reliable_change if threshold is None else threshold,
        cutoff=norms.clinical_cutoff,
        remission_below=norms.remission_below,
    )


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


def _normed_counts(counted: Counted, norms: Norms, threshold: float | None) -> PairCounts:
    """Each rule is applied once per distinct (pre, post) pair and weighted by its count."""
    table = _facts_table(norms, threshold)
    improved = deteriorated = recovered = below_pre = remission = below_post = 0
    for pair, w in counted.items():
        facts = table.get(pair)
        if facts is None:
            facts = table[pair] = _facts(*pair, norms, threshold)
        recovered += w * (facts.category is Category.RECOVERED)
        improved += w * facts.improved
        deteriorated += w * facts.deteriorated
        below_pre += w * facts.started_below_cutoff
        remission += w * bool(facts.remission)
        below_post += w * facts.below_cutoff_post
    return PairCounts(
        response=_responders(counted),
        reliable_improvement=improved,
        reliable_deterioration=deteriorated,
        recovered=recovered,
        started_below_cutoff=below_pre,
        remission=remission,
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
    _check_norms(instrument, norms, threshold)
    counts = (
        PairCounts(response=_responders(counted))
        if norms is None
        else _normed_counts(counted, norms, threshold)
    )
    return _pre_post(instrument, pair_moments(counted), counts, norms)


def pre_post_summed(
    instrument: str, sums: PairSums, counts: PairCounts, norms: Norms | None
) -> PrePost:
    """The same summary from integer sums and rule counts that a database computed with
    ``rule_cuts(norms)``, so that the report never fetches pairs. Raises ValueError when the
    norms belong to another instrument."""
    _check_norms(instrument, norms, None)
    return _pre_post(instrument, moments_of_sums(sums), counts, norms)


def _check_norms(instrument: str, norms: Norms | None, threshold: float | None) -> None:
    if norms is not None and norms.instrument != instrument:
        raise ValueError(f"norms for {norms.instrument!r} given for {instrument!r}")
    if norms is None and threshold is not None:
        raise ValueError("a reliable-change threshold needs norms")


def _pre_post(
    instrument: str, moments: PairMoments, counts: PairCounts, norms: Norms | None
) -> PrePost:
    normed = norms is not None
    remission = None if norms is None or norms.remission_below is None else counts.remission
    improved, deteriorated = counts.reliable_improvement, counts.reliable_deterioration
    return PrePost(
        instrument=instrument,
        n_pairs=moments.n,
        pre=summary(moments.n, moments.mean_pre, moments.var_pre),
        post=summary(moments.n, moments.mean_post, moments.var_post),
        d_av=d_av_of(moments),
        d_z=d_z_of(moments),
        response=counts.response,
        reliable_improvement=improved if normed else None,
        reliable_deterioration=deteriorated if normed else None,
        recovered=counts.recovered if normed else None,
        improved=improved - counts.recovered if normed else None,
        unchanged=moments.n - improved - deteriorated if normed else None,
        deteriorated=deteriorated if normed else None,
        started_below_cutoff=counts.started_below_cutoff if normed else None,
        remission=remission,
        below_cutoff_post=counts.below_cutoff_post if normed else None,
    )
