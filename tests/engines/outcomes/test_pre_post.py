import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engines.outcomes import NORMS, pre_post

PHQ9 = NORMS["phq9"]  # cut-off 10, remission < 5, computed minimum reliable change 5.06

# (pre, post)       category      response (post <= pre/2)  remission (< 5)  post < 10
PAIRS = [
    (20, 8),  #      recovered     yes                       no               yes
    (18, 12),  #     improved      no                        no               no
    (15, 14),  #     unchanged     no                        no               no
    (9, 3),  #       improved*     yes                       yes              yes  (*started below)
    (12, 19),  #     deteriorated  no                        no               no
    (10, 4),  #      recovered     yes                       yes              yes
]


def test_counts_for_a_hand_classified_group():
    # when
    result = pre_post("phq9", PAIRS, PHQ9)

    # then
    assert result.n_pairs == 6
    assert (result.recovered, result.improved, result.unchanged, result.deteriorated) == (
        2,
        2,
        1,
        1,
    )
    assert result.reliable_improvement == 4
    assert result.reliable_deterioration == 1
    assert result.started_below_cutoff == 1
    assert result.response == 3
    assert result.remission == 2
    assert result.below_cutoff_post == 3


def test_descriptives_and_effect_sizes_are_carried():
    result = pre_post("phq9", PAIRS, PHQ9)

    assert result.pre.mean == pytest.approx(84 / 6)
    assert result.post.mean == pytest.approx(60 / 6)
    assert result.d_av.kind == "d_av"
    assert result.d_z.kind == "d_z"
    assert result.d_av.n == result.d_z.n == 6
    assert result.d_av.value is not None
    assert result.d_av.value > 0  # symptoms fell on average


def test_percentages_are_of_all_pairs():
    result = pre_post("phq9", PAIRS, PHQ9)

    assert result.pct(result.recovered) == pytest.approx(100 * 2 / 6)
    assert result.pct(result.response) == pytest.approx(50.0)
    assert result.pct(None) is None


def test_published_threshold_changes_the_counts():
    # A 5.5-point drop is reliable under the computed 5.06 but not under the published 6.
    pairs = [(16, 10.5), (20, 8)]

    computed = pre_post("phq9", pairs, PHQ9)
    published = pre_post("phq9", pairs, PHQ9, threshold=PHQ9.published_reliable_change)

    assert computed.reliable_improvement == 2
    assert published.reliable_improvement == 1
    assert published.unchanged == 1


def test_without_norms_only_descriptives_effect_sizes_and_response():
    result = pre_post("auditc", [(8, 3), (6, 5)], None)

    assert result.response == 1
    for count in (
        result.reliable_improvement,
        result.reliable_deterioration,
        result.recovered,
        result.improved,
        result.unchanged,
        result.deteriorated,
        result.started_below_cutoff,
        result.remission,
        result.below_cutoff_post,
    ):
        assert count is None
    assert result.pct(result.recovered) is None


def test_remission_is_none_when_the_instrument_has_no_rule():
    result = pre_post("gad7", [(12, 3), (10, 9)], NORMS["gad7"])

    assert result.remission is None
    assert result.recovered == 1


def test_empty_group():
    result = pre_post("phq9", [], PHQ9)

    assert result.n_pairs == 0
    assert result.pre.mean is None
    assert result.d_av.value is None
    assert result.recovered == 0
    assert result.pct(result.recovered) is None


def test_norms_of_another_instrument_are_refused():
    with pytest.raises(ValueError, match="gad7"):
        pre_post("phq9", PAIRS, NORMS["gad7"])


def test_threshold_without_norms_is_refused():
    with pytest.raises(ValueError, match="needs norms"):
        pre_post("auditc", [(8, 3)], None, threshold=2)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 27), st.integers(0, 27)), min_size=2, max_size=80))
def test_counting_distinct_pairs_matches_a_pair_by_pair_computation(pairs):
    """The report groups pairs in the database; the result must equal computing each pair."""
    import statistics
    from collections import Counter

    from engines.outcomes import classify, is_response, pre_post_counted, reliable_change

    norms = NORMS["phq9"]
    floats = [(float(a), float(b)) for a, b in pairs]
    result = pre_post_counted("phq9", Counter(floats), norms)
    pres, posts = [a for a, _ in floats], [b for _, b in floats]
    diffs = [a - b for a, b in floats]
    assert result.n_pairs == len(floats)
    assert result.pre.mean == pytest.approx(statistics.fmean(pres))
    assert result.post.sd == pytest.approx(statistics.stdev(posts))
    assert result.reliable_improvement == sum(
        reliable_change(a, b, norms).improved for a, b in floats
    )
    assert result.recovered == sum(classify(a, b, norms) == "recovered" for a, b in floats)
    assert result.response == sum(bool(is_response(a, b)) for a, b in floats)
    if statistics.stdev(diffs) > 0:
        expected_dz = statistics.fmean(diffs) / statistics.stdev(diffs)
        assert result.d_z.value == pytest.approx(expected_dz)


def test_d_z_is_undefined_when_every_patient_changed_by_the_same_amount():
    # given: three pairs that all drop by 5; their means (62/3, 47/3) are not exact in binary
    pairs = [(27.0, 22.0), (27.0, 22.0), (8.0, 3.0)]

    # when
    result = pre_post("phq9", pairs, None)

    # then: the SD of change is exactly 0, so d_z is undefined rather than about 1e15
    assert result.d_z.value is None


def _counted_with_cuts(pairs, cuts):
    """The RuleCuts rules exactly as its docstring states them (what the report's SQL does)."""
    from engines.outcomes import PairCounts

    s = cuts.sign

    def gain(a, b):
        return s * (a - b)

    return PairCounts(
        response=sum(a > 0 and 2 * b <= a for a, b in pairs),
        reliable_improvement=sum(gain(a, b) >= cuts.min_change for a, b in pairs),
        reliable_deterioration=sum(-gain(a, b) >= cuts.min_change for a, b in pairs),
        recovered=sum(
            gain(a, b) >= cuts.min_change and s * a >= s * cuts.cutoff and s * b < s * cuts.cutoff
            for a, b in pairs
        ),
        started_below_cutoff=sum(s * a < s * cuts.cutoff for a, _ in pairs),
        remission=sum(
            cuts.remission_below is not None and s * b < s * cuts.remission_below for _, b in pairs
        ),
        below_cutoff_post=sum(s * b < s * cuts.cutoff for _, b in pairs),
    )


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from(sorted(NORMS)),
    st.lists(st.tuples(st.integers(0, 80), st.integers(0, 80)), min_size=0, max_size=60),
)
def test_sums_and_rule_cuts_give_the_pair_by_pair_summary(instrument, pairs):
    """What a database returns (integer sums, counts under rule_cuts) must summarize exactly
    like the engine's own per-pair rules, for every normed instrument."""
    from engines.outcomes import PairSums, pre_post_summed, rule_cuts

    norms = NORMS[instrument]
    sums = PairSums(
        n=len(pairs),
        pre=sum(a for a, _ in pairs),
        post=sum(b for _, b in pairs),
        pre_sq=sum(a * a for a, _ in pairs),
        post_sq=sum(b * b for _, b in pairs),
        cross=sum(a * b for a, b in pairs),
    )
    summed = pre_post_summed(instrument, sums, _counted_with_cuts(pairs, rule_cuts(norms)), norms)
    direct = pre_post(instrument, [(float(a), float(b)) for a, b in pairs], norms)
    for name in ("n_pairs", "response", "reliable_improvement", "reliable_deterioration",
                 "recovered", "improved", "unchanged", "deteriorated", "started_below_cutoff",
                 "remission", "below_cutoff_post"):  # fmt: skip
        assert getattr(summed, name) == getattr(direct, name), name
    assert summed.pre.mean == pytest.approx(direct.pre.mean, nan_ok=True)
    assert summed.post.sd == pytest.approx(direct.post.sd, nan_ok=True)
    assert summed.d_av.value == pytest.approx(direct.d_av.value, nan_ok=True)
    assert summed.d_z.value == pytest.approx(direct.d_z.value, nan_ok=True)
    assert summed.d_z.ci_low == pytest.approx(direct.d_z.ci_low, nan_ok=True)


def test_exact_moments_from_sums_keep_an_equal_change_exactly_zero():
    from engines.outcomes import PairSums, moments_of_sums

    # three pairs that all drop by 5 (the case test_d_z_is_undefined... guards for floats)
    moments = moments_of_sums(
        PairSums(3, 62, 47, 27 * 27 * 2 + 64, 22 * 22 * 2 + 9, 27 * 22 * 2 + 24)
    )
    assert moments.var_diff == 0.0
