import dataclasses
import math

import pytest

from engines.outcomes import (
    NORMS,
    Category,
    classify,
    is_remission,
    is_response,
    reliable_change,
    threshold_lines,
)

PHQ9 = NORMS["phq9"]  # cut-off 10, computed minimum reliable change 5.06, published 6
GAD7 = NORMS["gad7"]  # cut-off 8, computed minimum reliable change 3.53


@pytest.mark.parametrize(
    ("pre", "post", "expected"),
    [
        (15, 9, Category.RECOVERED),  # -6 >= 5.06, clinical -> non-clinical
        (10, 4, Category.RECOVERED),  # baseline exactly at the cut-off is clinical
        (16, 10, Category.IMPROVED),  # reliable, but post exactly at the cut-off is clinical
        (20, 14, Category.IMPROVED),  # reliable, still clinical
        (9, 3, Category.IMPROVED),  # started below the cut-off: cannot recover
        (15, 10, Category.UNCHANGED),  # -5 < 5.06 although it reaches the cut-off
        (15, 11, Category.UNCHANGED),
        (4, 9, Category.UNCHANGED),  # +5 < 5.06
        (4, 10, Category.DETERIORATED),  # +6 >= 5.06
        (9, 15, Category.DETERIORATED),
        (12, 12, Category.UNCHANGED),
    ],
)
def test_phq9_categories_with_the_computed_threshold(pre, post, expected):
    assert classify(pre, post, PHQ9) is expected


@pytest.mark.parametrize(
    ("pre", "post", "expected"),
    [
        (15, 9, Category.RECOVERED),  # exactly the published 6: the boundary is reliable
        (16, 10, Category.IMPROVED),
        (15, 10, Category.UNCHANGED),  # 5 < 6
        (10, 16, Category.DETERIORATED),  # exactly 6 worse
        (10, 15, Category.UNCHANGED),
    ],
)
def test_phq9_categories_with_the_published_threshold(pre, post, expected):
    assert classify(pre, post, PHQ9, threshold=PHQ9.published_reliable_change) is expected


@pytest.mark.parametrize(
    ("pre", "post", "expected"),
    [
        (12, 7, Category.RECOVERED),  # -5 >= 3.53 and 7 < 8
        (12, 8, Category.IMPROVED),  # 8 is the IAPT caseness cut-off: still clinical
        (7, 3, Category.IMPROVED),  # started below the cut-off
        (12, 9, Category.UNCHANGED),  # -3 < 3.53
        (5, 9, Category.DETERIORATED),
    ],
)
def test_gad7_categories_at_the_iapt_cutoff(pre, post, expected):
    assert classify(pre, post, GAD7) is expected


def test_a_change_of_exactly_the_minimum_is_reliable_and_one_ulp_less_is_not():
    minimum = PHQ9.min_reliable_change

    assert reliable_change(minimum, 0, PHQ9).improved
    assert reliable_change(0, minimum, PHQ9).deteriorated
    just_under = math.nextafter(minimum, 0)
    assert not reliable_change(just_under, 0, PHQ9).improved
    assert not reliable_change(0, just_under, PHQ9).deteriorated


def test_reliable_change_reports_rci_and_the_threshold_used():
    # RCI = (post - pre) / S_diff = (8 - 20) / 2.5797 = -4.652
    change = reliable_change(20, 8, PHQ9)

    assert change.rci == pytest.approx(-12 / PHQ9.s_diff)
    assert change.rci == pytest.approx(-4.652, abs=0.001)
    assert change.min_change == pytest.approx(5.056, abs=0.001)
    assert change.improved
    assert not change.deteriorated


def test_published_threshold_keeps_the_jacobson_truax_rci():
    change = reliable_change(20, 8, PHQ9, threshold=6)

    assert change.min_change == 6
    assert change.rci == pytest.approx(-12 / PHQ9.s_diff)


@pytest.mark.parametrize("threshold", [0.0, -6.0, float("nan"), float("inf")])
def test_invalid_thresholds_are_refused(threshold):
    with pytest.raises(ValueError, match="threshold"):
        reliable_change(20, 8, PHQ9, threshold=threshold)


@pytest.mark.parametrize(("pre", "post"), [(float("nan"), 3), (3, float("inf"))])
def test_non_finite_scores_are_refused(pre, post):
    with pytest.raises(ValueError, match="finite"):
        classify(pre, post, PHQ9)


def test_higher_is_better_scale_reverses_direction_and_clinical_side():
    # A wellbeing-style scale: higher is better, clinical at or below 13.
    wellbeing = dataclasses.replace(
        PHQ9, instrument="wellbeing", clinical_cutoff=13, lower_is_better=False
    )

    assert classify(10, 17, wellbeing) is Category.RECOVERED
    assert classify(14, 20, wellbeing) is Category.IMPROVED
    assert classify(17, 10, wellbeing) is Category.DETERIORATED
    assert reliable_change(10, 17, wellbeing).rci > 0


@pytest.mark.parametrize(
    ("pre", "post", "expected"),
    [
        (20, 10, True),  # exactly 50 %
        (20, 11, False),
        (21, 10, True),
        (10, 0, True),
        (5, 5, False),
        (3, 8, False),
        (0, 0, None),  # relative change from 0 is undefined
        (0, 4, None),
    ],
)
def test_response_is_at_least_a_half_reduction(pre, post, expected):
    assert is_response(pre, post) is expected


def test_response_refuses_negative_scores():
    with pytest.raises(ValueError, match="negative"):
        is_response(-1, 0)


@pytest.mark.parametrize(("post", "expected"), [(4, True), (5, False), (0, True), (12, False)])
def test_phq9_remission_is_below_five(post, expected):
    assert is_remission(post, PHQ9) is expected


def test_remission_is_none_without_a_published_rule():
    assert is_remission(0, GAD7) is None


def test_pcl5_remission_means_below_the_probable_ptsd_cutoff():
    assert is_remission(32, NORMS["pcl5"]) is True
    assert is_remission(33, NORMS["pcl5"]) is False


def test_threshold_lines_bracket_the_baseline():
    improvement, deterioration = threshold_lines(15, PHQ9)

    assert improvement == pytest.approx(15 - 5.056, abs=0.001)
    assert deterioration == pytest.approx(15 + 5.056, abs=0.001)
    assert threshold_lines(15, PHQ9, threshold=6) == (9, 21)


def test_threshold_lines_flip_for_higher_is_better_scales():
    wellbeing = dataclasses.replace(PHQ9, instrument="wellbeing", lower_is_better=False)

    assert threshold_lines(10, wellbeing, threshold=6) == (16, 4)
