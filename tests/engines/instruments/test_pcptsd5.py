import pytest

from engines.instruments import ScoringError, get, score

NO_EXPOSURE: list[int | None] = [0, None, None, None, None, None]


def test_no_trauma_exposure_scores_zero_and_stops():
    result = score("pcptsd5", NO_EXPOSURE)

    assert result.total == 0
    assert result.flags == ()
    assert (result.completeness.answered, result.completeness.expected) == (1, 1)


@pytest.mark.parametrize(
    ("symptoms", "total", "positive"),
    [
        ([0, 0, 0, 0, 0], 0, False),
        ([1, 1, 0, 0, 0], 2, False),
        ([1, 1, 1, 0, 0], 3, True),
        ([0, 0, 1, 1, 1], 3, True),
        ([1, 1, 1, 1, 1], 5, True),
    ],
)
def test_total_counts_yes_and_screens_positive_from_3(symptoms, total, positive):
    result = score("pcptsd5", [1, *symptoms])

    assert result.total == total
    assert [flag.code for flag in result.flags] == (["positive_screen"] if positive else [])
    assert result.completeness.expected == 6


def test_the_gate_question_is_not_scored():
    gate = get("pcptsd5").items[0]

    assert gate.scored is False
    assert score("pcptsd5", [1, 0, 0, 0, 0, 0]).total == 0


def test_blank_gate_is_an_invalid_skip():
    with pytest.raises(ScoringError) as error:
        score("pcptsd5", [None, 1, 1, 1, 1, 1])

    assert (error.value.code, error.value.item) == ("invalid_skip", 1)


@pytest.mark.parametrize("position", [2, 4, 6])
def test_symptom_answer_after_no_exposure_is_an_invalid_skip(position):
    answers = list(NO_EXPOSURE)
    answers[position - 1] = 0

    with pytest.raises(ScoringError) as error:
        score("pcptsd5", answers)

    assert (error.value.code, error.value.item) == ("invalid_skip", position)


def test_blank_symptom_after_exposure_is_refused():
    with pytest.raises(ScoringError) as error:
        score("pcptsd5", [1, 1, 1, None, 1, 1])

    assert (error.value.code, error.value.item) == ("too_many_missing", 4)
