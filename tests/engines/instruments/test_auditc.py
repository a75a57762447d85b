import pytest

from engines.instruments import ScoringError, score


@pytest.mark.parametrize(
    ("answers", "total", "codes"),
    [
        ([0, 0, 0], 0, []),
        ([1, 0, 1], 2, []),
        ([1, 1, 1], 3, ["positive_screen_women"]),
        ([2, 1, 1], 4, ["positive_screen"]),
        ([4, 4, 4], 12, ["positive_screen"]),
    ],
)
def test_total_and_sex_specific_cutoffs(answers, total, codes):
    result = score("auditc", answers)

    assert result.total == total
    assert [flag.code for flag in result.flags] == codes
    assert not any(flag.safety for flag in result.flags)


def test_never_drinking_skips_questions_2_and_3():
    result = score("auditc", [0, None, None])

    assert result.total == 0
    assert result.completeness.missing == ()
    assert (result.completeness.answered, result.completeness.expected) == (1, 1)


def test_never_drinking_with_zero_answers_to_2_and_3_is_accepted():
    result = score("auditc", [0, 0, None])

    assert result.total == 0
    assert (result.completeness.answered, result.completeness.expected) == (2, 2)


@pytest.mark.parametrize(("answers", "item"), [([0, 1, None], 2), ([0, 0, 2], 3)])
def test_drinking_reported_after_never_is_an_invalid_skip(answers, item):
    with pytest.raises(ScoringError) as error:
        score("auditc", answers)

    assert (error.value.code, error.value.item) == ("invalid_skip", item)


@pytest.mark.parametrize(
    ("answers", "item"), [([None, 0, 0], 1), ([1, None, 0], 2), ([2, 1, None], 3)]
)
def test_other_blanks_are_refused(answers, item):
    with pytest.raises(ScoringError) as error:
        score("auditc", answers)

    assert (error.value.code, error.value.item) == ("too_many_missing", item)
