"""Table tests of the plateau rule: the scores of the last four weeks (at least three, over
at least three weeks) and the latest three show no reliable change, the instrument started
in the clinical range, and the patient is past week 6 of treatment."""

import pytest

from engines.relapse import PlateauRules, Series, plateaus

WEEK_7 = 42  # days since admission on the first day of week 7


def _phq9(*points):
    return Series("phq9", "PHQ-9", tuple(points))


FLAT = _phq9((0, 16), (7, 14), (14, 13), (21, 12), (28, 12), (35, 13))


def test_four_flat_weeks_past_week_six_are_a_plateau():
    (found,) = plateaus((FLAT,), days_in_treatment=WEEK_7)

    # The window is days 7–35: 14 → 13 is less than PHQ-9's 5.06-point reliable change.
    assert (found.instrument, found.first, found.last, found.span_days) == ("phq9", 14, 13, 28)
    assert found.explanation.startswith("PHQ-9 14 → 13 over the last 28 days (5 scores)")
    assert "week 7 of treatment" in found.explanation
    assert "clinical side" in found.explanation


@pytest.mark.parametrize(
    ("series", "days"),
    [
        (FLAT, WEEK_7 - 1),  # still in week 6
        (_phq9((0, 12), (10, 12), (20, 12)), WEEK_7),  # scores over 20 days, not 3 weeks
        (_phq9((0, 12), (28, 12)), WEEK_7),  # two scores only
        (_phq9((0, 20), (7, 18), (14, 17), (21, 16), (28, 12), (35, 9)), WEEK_7),  # improving
        (_phq9((0, 12), (7, 12), (14, 12), (21, 12), (28, 15), (35, 18)), WEEK_7),  # worsening
        # the four weeks are flat (16 → 14) but the latest three are not (8 → 14)
        (_phq9((0, 16), (7, 14), (14, 8), (21, 12), (28, 14)), WEEK_7),
        (Series("auditc", "AUDIT-C", ((0, 6), (14, 6), (35, 6))), WEEK_7),  # no norms
        (_phq9((0, 8), (7, 6), (14, 6), (28, 7), (35, 6)), WEEK_7),  # never clinical
    ],
)
def test_not_a_plateau(series, days):
    assert plateaus((series,), days_in_treatment=days) == ()


def test_only_the_last_four_weeks_are_compared():
    # Reliable improvement early on, then flat for four weeks.
    series = _phq9((0, 22), (7, 15), (14, 9), (21, 8), (28, 8), (35, 8), (42, 9))

    (found,) = plateaus((series,), days_in_treatment=60)

    assert (found.first, found.last, found.span_days) == (9, 9, 28)
    assert "non-clinical side" in found.explanation


def test_each_instrument_is_judged_on_its_own():
    gad7 = Series("gad7", "GAD-7", ((0, 15), (14, 10), (28, 5)))  # improving

    found = plateaus((FLAT, gad7), days_in_treatment=WEEK_7)

    assert [p.instrument for p in found] == ["phq9"]


def test_the_rules_are_the_programs_to_change():
    rules = PlateauRules(min_treatment_days=84)

    assert plateaus((FLAT,), days_in_treatment=WEEK_7, rules=rules) == ()
