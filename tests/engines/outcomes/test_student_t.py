import math

import pytest

from engines.outcomes import t_cdf, t_quantile


@pytest.mark.parametrize(
    ("df", "expected"),
    # Two-sided 95 % critical values from standard t tables.
    [(1, 12.7062), (2, 4.3027), (3, 3.1824), (5, 2.5706), (10, 2.2281), (30, 2.0423)],
)
def test_t_quantile_matches_table_values(df, expected):
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=5e-5)


def test_t_quantile_large_df_approaches_the_normal():
    assert t_quantile(0.975, 100) == pytest.approx(1.9840, abs=5e-5)
    assert t_quantile(0.975, 1000) == pytest.approx(1.9623, abs=5e-5)
    assert t_quantile(0.975, 1000) > 1.959964


@pytest.mark.parametrize("p", [0.6, 0.9, 0.975, 0.999])
def test_df1_is_the_cauchy_quantile(p):
    # Student's t with 1 df is the standard Cauchy: quantile tan(pi * (p - 1/2)).
    assert t_quantile(p, 1) == pytest.approx(math.tan(math.pi * (p - 0.5)), rel=1e-9)


@pytest.mark.parametrize("p", [0.6, 0.9, 0.975, 0.999])
def test_df2_has_a_closed_form_quantile(p):
    # For 2 df: t = (2p - 1) / sqrt(2 p (1 - p)).
    assert t_quantile(p, 2) == pytest.approx((2 * p - 1) / math.sqrt(2 * p * (1 - p)), rel=1e-9)


def test_df3_cdf_matches_its_closed_form():
    # For 3 df: F(t) = 1/2 + (theta + sin(theta) cos(theta)) / pi, theta = atan(t / sqrt(3)).
    for t in (-2.0, 0.5, 1.7, 4.0):
        theta = math.atan(t / math.sqrt(3))
        expected = 0.5 + (theta + math.sin(theta) * math.cos(theta)) / math.pi
        assert t_cdf(t, 3) == pytest.approx(expected, rel=1e-12)


def test_quantile_is_symmetric_and_centered():
    assert t_quantile(0.5, 7) == pytest.approx(0.0, abs=1e-12)
    assert t_quantile(0.025, 7) == pytest.approx(-t_quantile(0.975, 7), rel=1e-12)


@pytest.mark.parametrize(("p", "df"), [(0.0, 5), (1.0, 5), (0.975, 0)])
def test_invalid_arguments_are_refused(p, df):
    with pytest.raises(ValueError, match="must"):
        t_quantile(p, df)


def test_cdf_refuses_zero_degrees_of_freedom():
    with pytest.raises(ValueError, match="degrees of freedom"):
        t_cdf(1.0, 0)


@pytest.mark.parametrize("df", [201, 350, 1000])
def test_the_expansion_used_for_large_df_agrees_with_bisection(df):
    from engines.outcomes.student_t import _bisect_quantile, t_quantile

    assert t_quantile(0.975, df) == pytest.approx(_bisect_quantile(0.975, df), abs=1e-9)


def test_large_df_approaches_the_normal_quantile():
    from engines.outcomes import t_quantile

    assert t_quantile(0.975, 100_000) == pytest.approx(1.95998, abs=1e-4)
