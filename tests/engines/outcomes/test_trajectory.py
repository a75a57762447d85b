import pytest

from engines.outcomes import NORMS, TrajectoryFlagCode, trajectory_flags

PHQ9 = NORMS["phq9"]  # cut-off 10, computed minimum reliable change 5.06


def _codes(points, **kwargs):
    return [flag.code for flag in trajectory_flags(points, PHQ9, **kwargs)]


def test_no_reliable_improvement_by_day_28_is_flagged():
    flags = trajectory_flags([(0, 15), (14, 12), (28, 14)], PHQ9)

    assert [flag.code for flag in flags] == [TrajectoryFlagCode.NO_RESPONSE_BY_WEEK_4]
    assert flags[0].day == 28
    assert "week 4" in flags[0].label


def test_reliable_improvement_by_week_4_raises_nothing():
    assert _codes([(0, 15), (14, 11), (28, 9)]) == []


def test_before_day_28_non_response_is_not_judged():
    assert _codes([(0, 15), (21, 14), (27, 15)]) == []


def test_baseline_below_the_cutoff_is_never_a_non_responder():
    assert _codes([(0, 9), (35, 9)]) == []


def test_reliable_deterioration_of_the_latest_point():
    flags = trajectory_flags([(0, 10), (7, 16)], PHQ9)

    assert [flag.code for flag in flags] == [TrajectoryFlagCode.RELIABLE_DETERIORATION]
    assert flags[0].day == 7
    assert "10 → 16" in flags[0].label


def test_only_the_latest_point_counts():
    # Day 7 was reliably worse, but the latest point has recovered to within 5.06 of baseline.
    assert _codes([(0, 10), (7, 17), (14, 11)]) == []


def test_deterioration_after_week_4_raises_both_flags():
    assert _codes([(0, 12), (30, 18)]) == [
        TrajectoryFlagCode.RELIABLE_DETERIORATION,
        TrajectoryFlagCode.NO_RESPONSE_BY_WEEK_4,
    ]


def test_threshold_can_be_the_published_one():
    assert _codes([(0, 10), (7, 16)], threshold=7) == []
    assert _codes([(0, 15), (28, 9)], threshold=7) == [TrajectoryFlagCode.NO_RESPONSE_BY_WEEK_4]


@pytest.mark.parametrize("points", [[], [(0, 20)]])
def test_fewer_than_two_points_raise_nothing(points):
    assert trajectory_flags(points, PHQ9) == ()


def test_unsorted_points_are_refused():
    with pytest.raises(ValueError, match="sorted"):
        trajectory_flags([(0, 10), (14, 12), (7, 11)], PHQ9)


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="negative"):
        trajectory_flags([(-1, 10), (14, 12)], PHQ9)
