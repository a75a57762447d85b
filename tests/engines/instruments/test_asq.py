import pytest

from engines.instruments import get, score


def _codes(result):
    return [flag.code for flag in result.flags]


def test_all_no_is_negative_and_item_5_is_not_asked():
    result = score("asq", [0, 0, 0, 0, None])

    assert (result.severity, result.severity_label) == ("negative", "Negative screen")
    assert result.total == 0
    assert result.flags == ()
    assert (result.completeness.answered, result.completeness.expected) == (4, 4)


@pytest.mark.parametrize("position", [1, 2, 3, 4])
def test_any_yes_on_1_to_4_is_a_positive_safety_screen(position):
    answers: list[int | None] = [0, 0, 0, 0, 0]
    answers[position - 1] = 1

    result = score("asq", answers)

    assert result.severity == "non_acute_positive"
    assert _codes(result) == ["asq_positive"]
    assert result.flags[0].safety is True
    assert result.flags[0].items == (position,)
    assert result.total == 1


def test_yes_on_item_5_is_acute():
    result = score("asq", [1, 0, 1, 0, 1])

    assert result.severity == "acute_positive"
    assert _codes(result) == ["asq_positive", "asq_acute"]
    assert all(flag.safety for flag in result.flags)
    assert result.total == 2


def test_refusing_an_item_counts_as_positive_per_nimh():
    result = score("asq", [0, None, 0, 0, 0])

    assert result.severity == "non_acute_positive"
    assert result.flags[0].items == (2,)
    assert "not answered" in result.flags[0].label
    assert result.completeness.missing == (2,)
    assert result.total == 0


def test_unanswered_acuity_on_a_positive_screen_fails_closed_to_acute():
    result = score("asq", [1, 0, 0, 0, None])

    assert result.severity == "acute_positive"
    assert _codes(result) == ["asq_positive", "asq_acute"]
    assert result.completeness.missing == (5,)


def test_a_no_on_item_5_after_all_no_changes_nothing():
    result = score("asq", [0, 0, 0, 0, 0])

    assert result.severity == "negative"
    assert _codes(result) == []
    assert result.completeness.expected == 4


def test_a_yes_on_item_5_after_all_no_is_still_an_acute_positive_screen():
    result = score("asq", [0, 0, 0, 0, 1])

    assert result.severity == "acute_positive"
    assert "asq_acute" in _codes(result)
    assert result.safety


def test_every_item_is_a_safety_item_and_only_item_5_is_unscored():
    items = get("asq").items

    assert all(item.safety for item in items)
    assert [item.number for item in items if not item.scored] == [5]
