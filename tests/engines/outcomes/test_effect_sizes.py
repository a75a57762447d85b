import math

import pytest

from engines.outcomes import cohens_d_av, cohens_d_z, describe

# Hand-computed data set, n = 3:
#   pre  = 10, 14, 18 -> mean 14, deviations -4, 0, 4, SS 32, variance 16, SD 4
#   post =  8,  6, 10 -> mean 8,  deviations 0, -2, 2, SS 8,  variance 4,  SD 2
#   r    = sum(dev_pre * dev_post) / sqrt(SS_pre * SS_post) = (0 + 0 + 8) / sqrt(32 * 8) = 0.5
#   diff = pre - post = 2, 8, 8 -> mean 6, deviations -4, 2, 2, SS 24, variance 12, SD sqrt(12)
#   d_av = 6 / ((4 + 2) / 2) = 2
#   d_z  = 6 / sqrt(12) = sqrt(3) = 1.7321
#   t(0.975, df 2) = 0.95 / sqrt(2 * 0.975 * 0.025) = 4.302653
#   SE(d_z)^2 = 1/3 + 3/6 = 5/6 -> half-width 4.302653 * 0.912871 = 3.927752
#   SE(d_av)^2 = 12 / (3 * 9) + 4 * (16 + 4 + 2 * 0.25 * 8) / (8 * 2 * 9) = 4/9 + 6/9 = 10/9
#              -> half-width 4.302653 * 1.054093 = 4.535394
PRE = [10, 14, 18]
POST = [8, 6, 10]
T_975_DF2 = 0.95 / math.sqrt(2 * 0.975 * 0.025)


def test_d_av_on_the_hand_computed_set():
    d_av = cohens_d_av(PRE, POST)

    assert d_av.kind == "d_av"
    assert d_av.label == "Cohen's d_av (mean change / average SD)"
    assert d_av.value == pytest.approx(2.0)
    assert d_av.r == pytest.approx(0.5)
    assert d_av.n == 3
    half_width = T_975_DF2 * math.sqrt(10 / 9)
    assert d_av.ci_low == pytest.approx(2.0 - half_width)
    assert d_av.ci_high == pytest.approx(2.0 + half_width)
    assert d_av.ci_low == pytest.approx(-2.5354, abs=1e-4)


def test_d_z_on_the_hand_computed_set():
    d_z = cohens_d_z(PRE, POST)

    assert d_z.kind == "d_z"
    assert d_z.label == "Cohen's d_z (mean change / SD of change)"
    assert d_z.value == pytest.approx(math.sqrt(3))
    assert d_z.r == pytest.approx(0.5)
    half_width = T_975_DF2 * math.sqrt(5 / 6)
    assert d_z.ci_low == pytest.approx(math.sqrt(3) - half_width)
    assert d_z.ci_high == pytest.approx(math.sqrt(3) + half_width)
    assert d_z.ci_high == pytest.approx(5.6598, abs=1e-4)


def test_d_av_and_d_z_differ_and_are_labelled_apart():
    d_av, d_z = cohens_d_av(PRE, POST), cohens_d_z(PRE, POST)

    assert d_av.value != pytest.approx(d_z.value)
    assert d_av.kind != d_z.kind
    assert d_av.label != d_z.label


def test_lakens_2013_worked_example():
    # Lakens 2013, Front Psychol 4:863, Table 1: two movie ratings by 10 people.
    # Published: M 8.7 vs 7.7, SD 0.82 vs 0.95, r = .726, t(9) = 4.74, d_z = 1.50, d_av = 1.13.
    movie_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
    movie_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]

    d_z = cohens_d_z(movie_1, movie_2)
    d_av = cohens_d_av(movie_1, movie_2)

    assert d_z.value is not None
    assert d_z.value == pytest.approx(1.50, abs=0.005)
    assert d_z.value * math.sqrt(10) == pytest.approx(4.74, abs=0.005)  # t = d_z * sqrt(n)
    assert d_av.value == pytest.approx(1.13, abs=0.005)
    assert d_av.r == pytest.approx(0.726, abs=0.0005)


def test_a_drop_in_scores_is_a_positive_d():
    drop_av = cohens_d_av([20, 18, 15], [10, 12, 6]).value
    drop_z = cohens_d_z([20, 18, 15], [10, 12, 6]).value
    rise_av = cohens_d_av([10, 12, 6], [20, 18, 15]).value

    assert drop_av is not None
    assert drop_av > 0
    assert drop_z is not None
    assert drop_z > 0
    assert rise_av is not None
    assert rise_av < 0


@pytest.mark.parametrize(("pre", "post"), [([], []), ([12], [6])])
def test_fewer_than_two_pairs_give_no_value(pre, post):
    for effect in (cohens_d_av(pre, post), cohens_d_z(pre, post)):
        assert effect.value is None
        assert effect.ci_low is None
        assert effect.ci_high is None
        assert effect.r is None
        assert effect.n == len(pre)


def test_equal_change_for_everyone_leaves_d_z_undefined_but_not_d_av():
    # Everyone drops by exactly 4: SD of change is 0 -> d_z undefined; d_av = 4 / 4 = 1 (r = 1).
    pre, post = [10, 14, 18], [6, 10, 14]

    assert cohens_d_z(pre, post).value is None
    d_av = cohens_d_av(pre, post)
    assert d_av.value == pytest.approx(1.0)
    assert d_av.r == pytest.approx(1.0)


def test_no_variance_at_either_time_leaves_d_av_undefined():
    d_av = cohens_d_av([12, 12, 12], [6, 6, 6])

    assert d_av.value is None
    assert d_av.r is None


def test_no_variance_at_one_time_still_gives_d_av_without_r():
    # pre SD 0, post SD 2 -> average SD 1; mean change 12 - 8 = 4 -> d_av 4.
    d_av = cohens_d_av([12, 12, 12], [6, 8, 10])

    assert d_av.value == pytest.approx(4.0)
    assert d_av.r is None
    assert d_av.ci_low is not None
    assert d_av.ci_high is not None
    assert d_av.ci_low < 4.0 < d_av.ci_high


def test_unequal_lengths_are_refused():
    with pytest.raises(ValueError, match="equal length"):
        cohens_d_av([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="equal length"):
        cohens_d_z([1, 2], [1, 2, 3])


def test_non_finite_scores_are_refused():
    with pytest.raises(ValueError, match="finite"):
        cohens_d_z([1, float("nan")], [1, 2])


def test_describe_uses_the_sample_sd():
    assert describe([10, 14, 18]).sd == pytest.approx(4.0)  # n - 1 denominator, not 3.27
    assert describe([10, 14, 18]).mean == pytest.approx(14.0)
    assert describe([7]).sd is None
    assert describe([7]).mean == 7
    assert describe([]).mean is None
    assert describe([]).n == 0
