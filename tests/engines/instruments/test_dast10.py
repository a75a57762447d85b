import pytest

from engines.instruments import ScoringError, get, score


def _dast10(total: int) -> list[int | None]:
    """Answers with ``total`` points: 'yes' on the first items, item 3 keyed in reverse."""
    keyed = [1 if position < total else 0 for position in range(10)]
    # item 3 fills last: below 10 points it is answered 'yes', which must score 0
    keyed[2], keyed[9] = keyed[9], keyed[2]
    answers: list[int | None] = list(keyed)
    answers[2] = 1 - keyed[2]
    return answers


def test_item_3_no_scores_one():
    all_no: list[int | None] = [0] * 10
    assert score("dast10", all_no).total == 1

    only_item3_yes: list[int | None] = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert score("dast10", only_item3_yes).total == 0


def test_all_yes_scores_9_and_all_problems_10():
    assert score("dast10", [1] * 10).total == 9
    assert score("dast10", [1, 1, 0, 1, 1, 1, 1, 1, 1, 1]).total == 10


def test_only_item_3_is_reverse_keyed():
    reversed_items = [item.number for item in get("dast10").items if item.reverse_scored]

    assert reversed_items == [3]


@pytest.mark.parametrize(
    ("total", "severity"),
    [
        (0, "none"),
        (1, "low"),
        (2, "low"),
        (3, "moderate"),
        (5, "moderate"),
        (6, "substantial"),
        (8, "substantial"),
        (9, "severe"),
        (10, "severe"),
    ],
)
def test_band_edges(total, severity):
    result = score("dast10", _dast10(total))

    assert (result.total, result.severity) == (total, severity)


def test_missing_item_is_refused():
    with pytest.raises(ScoringError) as error:
        score("dast10", [0, 0, 1, 0, 0, 0, 0, None, 0, 0])

    assert (error.value.code, error.value.item) == ("too_many_missing", 8)


def test_yes_no_range_message_names_the_choices():
    with pytest.raises(ScoringError) as error:
        score("dast10", [0, 0, 2, 0, 0, 0, 0, 0, 0, 0])

    assert error.value.message == "DAST-10 item 3 must be 0 (No) or 1 (Yes); got 2."
