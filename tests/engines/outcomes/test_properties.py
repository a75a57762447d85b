"""Property tests: invariants that must hold for any scores, not just the hand-picked ones."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engines.outcomes import (
    NORMS,
    Category,
    classify,
    cohens_d_av,
    cohens_d_z,
    is_clinical,
    pre_post,
    reliable_change,
    t_cdf,
    t_quantile,
    threshold_lines,
)

# Totals are integers within each instrument's range: PHQ-9 0–27, GAD-7 0–21, PCL-5 0–80.
_RANGES = {"phq9": 27, "gad7": 21, "pcl5": 80}


@st.composite
def instrument_pairs(draw, min_size=0):
    instrument = draw(st.sampled_from(sorted(_RANGES)))
    score = st.integers(0, _RANGES[instrument])
    pairs = draw(st.lists(st.tuples(score, score), min_size=min_size, max_size=40))
    return instrument, pairs


# These are correctness properties, not timing ones: a loaded CI machine must not turn a slow
# example into a flaky failure.
no_deadline = settings(deadline=None)

thresholds = st.one_of(st.none(), st.integers(1, 20).map(float))


def _swap(pairs):
    return [(post, pre) for pre, post in pairs]


@no_deadline
@given(instrument_pairs(min_size=2))
def test_swapping_pre_and_post_flips_the_sign_of_d(data):
    _, pairs = data
    pre, post = [a for a, _ in pairs], [b for _, b in pairs]

    for effect in (cohens_d_av, cohens_d_z):
        forward, backward = effect(pre, post), effect(post, pre)
        if forward.value is None:
            assert backward.value is None
            continue
        assert forward.ci_low is not None
        assert forward.ci_high is not None
        assert backward.value == pytest.approx(-forward.value, rel=1e-9, abs=1e-12)
        assert backward.ci_low == pytest.approx(-forward.ci_high, rel=1e-9, abs=1e-12)
        assert backward.ci_high == pytest.approx(-forward.ci_low, rel=1e-9, abs=1e-12)


@no_deadline
@given(instrument_pairs(), thresholds)
def test_swapping_pre_and_post_swaps_improvement_and_deterioration(data, threshold):
    instrument, pairs = data
    norms = NORMS[instrument]

    forward = pre_post(instrument, pairs, norms, threshold=threshold)
    backward = pre_post(instrument, _swap(pairs), norms, threshold=threshold)

    assert backward.reliable_improvement == forward.reliable_deterioration
    assert backward.reliable_deterioration == forward.reliable_improvement
    assert forward.recovered is not None
    assert forward.improved is not None
    assert backward.deteriorated == forward.recovered + forward.improved


@no_deadline
@given(instrument_pairs(min_size=2))
def test_confidence_interval_contains_the_estimate(data):
    _, pairs = data
    pre, post = [a for a, _ in pairs], [b for _, b in pairs]

    for effect in (cohens_d_av(pre, post), cohens_d_z(pre, post)):
        if effect.value is not None:
            assert effect.ci_low is not None
            assert effect.ci_high is not None
            assert effect.ci_low <= effect.value <= effect.ci_high
            # Zero width only in the degenerate case where nobody changed at all.
            if any(a != b for a, b in pairs):
                assert effect.ci_low < effect.value < effect.ci_high


@no_deadline
@given(st.sampled_from(sorted(_RANGES)), st.data(), thresholds)
def test_classify_agrees_with_reliable_change(instrument, data, threshold):
    norms = NORMS[instrument]
    pre = data.draw(st.integers(0, _RANGES[instrument]))
    post = data.draw(st.integers(0, _RANGES[instrument]))

    change = reliable_change(pre, post, norms, threshold=threshold)
    category = classify(pre, post, norms, threshold=threshold)

    assert not (change.improved and change.deteriorated)
    assert (category in {Category.RECOVERED, Category.IMPROVED}) == change.improved
    assert (category is Category.DETERIORATED) == change.deteriorated
    if category is Category.RECOVERED:
        assert is_clinical(pre, norms)
        assert not is_clinical(post, norms)
    if threshold is None:
        assert (abs(change.rci) >= 1.96) == (change.improved or change.deteriorated)


@no_deadline
@given(st.sampled_from(sorted(_RANGES)), st.data(), thresholds)
def test_threshold_lines_agree_with_reliable_change(instrument, data, threshold):
    norms = NORMS[instrument]
    baseline = data.draw(st.integers(0, _RANGES[instrument]))
    later = data.draw(st.integers(0, _RANGES[instrument]))

    improvement_line, deterioration_line = threshold_lines(baseline, norms, threshold=threshold)
    change = reliable_change(baseline, later, norms, threshold=threshold)

    assert (later <= improvement_line) == change.improved
    assert (later >= deterioration_line) == change.deteriorated


@no_deadline
@given(instrument_pairs(), thresholds)
def test_categories_add_up_and_percentages_stay_in_range(data, threshold):
    instrument, pairs = data

    result = pre_post(instrument, pairs, NORMS[instrument], threshold=threshold)

    categories = (result.recovered, result.improved, result.unchanged, result.deteriorated)
    assert sum(c or 0 for c in categories) == result.n_pairs == len(pairs)
    assert result.reliable_improvement == (result.recovered or 0) + (result.improved or 0)
    assert result.reliable_deterioration == result.deteriorated
    counts = (
        *categories,
        result.reliable_improvement,
        result.started_below_cutoff,
        result.response,
        result.remission,
        result.below_cutoff_post,
    )
    for count in counts:
        pct = result.pct(count)
        if count is None or not pairs:
            assert pct is None
        else:
            assert pct is not None
            assert 0 <= pct <= 100


@no_deadline
@given(st.floats(0.001, 0.999), st.integers(1, 300))
def test_t_quantile_inverts_the_cdf(p, df):
    assert t_cdf(t_quantile(p, df), df) == pytest.approx(p, abs=1e-9)
