import pytest

from engines.instruments import ScoringError, score
from tests.engines.instruments.answers import spread


def _phq9(total: int, item9: int = 0) -> list[int | None]:
    """Items 1–8 carry ``total - item9``; item 9 is set explicitly."""
    return [*spread(total - item9, 8, 3), item9]


@pytest.mark.parametrize(
    ("total", "severity"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (24, "severe"),
    ],
)
def test_band_edges_follow_kroenke_2001(total, severity):
    result = score("phq9", _phq9(total))

    assert result.total == total
    assert result.severity == severity


def test_maximum_total_is_27_and_severe():
    result = score("phq9", [3] * 9)

    assert (result.total, result.severity, result.severity_label) == (
        27,
        "severe",
        "Severe depression",
    )


@pytest.mark.parametrize(("total", "positive"), [(9, False), (10, True), (27, True)])
def test_positive_screen_from_10(total, positive):
    item9 = 3 if total == 27 else 0
    codes = [flag.code for flag in score("phq9", _phq9(total, item9)).flags]

    assert ("positive_screen" in codes) is positive


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_any_answer_above_not_at_all_on_item_9_raises_a_safety_flag(item9):
    result = score("phq9", _phq9(item9, item9))

    flag = next(flag for flag in result.flags if flag.code == "suicidal_ideation")
    assert flag.safety is True
    assert flag.items == (9,)
    assert result.safety is True


def test_item_9_not_at_all_raises_no_safety_flag_even_when_severe():
    result = score("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0])

    assert result.total == 24
    assert not any(flag.safety for flag in result.flags)
    assert [flag.code for flag in result.flags] == ["positive_screen"]


def test_complete_form_is_not_prorated():
    result = score("phq9", [1] * 9)

    assert result.completeness.prorated is False
    assert (result.completeness.answered, result.completeness.expected) == (9, 9)
    assert result.completeness.missing == ()


@pytest.mark.parametrize(
    ("answers", "total", "missing"),
    [
        # 22 from 8 items → 22 × 9 / 8 = 24.75 → 25
        ([3, 3, None, 3, 3, 3, 3, 3, 1], 25, (3,)),
        # 4 × 9 / 8 = 4.5 → 5: halves round up, which moves this form from minimal to mild
        ([1, 1, 1, 1, None, 0, 0, 0, 0], 5, (5,)),
        # 12 × 9 / 8 = 13.5 → 14
        ([3, 3, 3, 3, 0, 0, 0, None, 0], 14, (8,)),
        # 7 answered: 7 × 9 / 7 = 9 exactly
        ([1, 1, 1, 1, 1, 1, None, None, 1], 9, (7, 8)),
    ],
)
def test_one_or_two_missing_items_are_prorated(answers, total, missing):
    result = score("phq9", answers)

    assert result.total == total
    assert result.completeness.prorated is True
    assert result.completeness.missing == missing
    assert result.completeness.answered == 9 - len(missing)


def test_prorated_total_drives_the_band():
    assert score("phq9", [1, 1, 1, 1, None, 0, 0, 0, 0]).severity == "mild"


def test_three_missing_items_are_refused():
    with pytest.raises(ScoringError) as error:
        score("phq9", [1, None, 1, None, 1, None, 1, 1, 0])

    assert error.value.code == "too_many_missing"
    assert error.value.item == 2
    assert "items 2, 4 and 6 are unanswered" in error.value.message


def test_missing_item_9_is_never_prorated():
    with pytest.raises(ScoringError) as error:
        score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, None])

    assert error.value.code == "too_many_missing"
    assert error.value.item == 9
    assert "item 9" in error.value.message


def test_spanish_wording_is_the_official_us_spanish_form():
    result = score("phq9", [0] * 9, language="es")

    assert result.language == "es"
