import pytest

from engines.instruments import drop_skipped, get, score


@pytest.mark.parametrize(
    ("instrument", "answers", "kept"),
    [
        ("pcptsd5", [0, 1, 1, 0, 1, 1], [0, None, None, None, None, None]),
        ("pcptsd5", [1, 1, 1, 0, 1, 1], [1, 1, 1, 0, 1, 1]),
        ("auditc", [0, 2, 1], [0, None, None]),
        ("auditc", [1, 2, 1], [1, 2, 1]),
        ("asq", [0, 0, 0, 0, 1], [0, 0, 0, 0, 1]),  # never drops a safety answer
        ("phq9", [1] * 9, [1] * 9),
    ],
)
def test_answers_to_skipped_questions_are_dropped(instrument, answers, kept):
    assert drop_skipped(get(instrument), answers) == kept


def test_dropped_answers_make_a_contradictory_form_scorable():
    result = score("pcptsd5", drop_skipped(get("pcptsd5"), [0, 1, 1, 1, 1, 1]))
    assert result.total == 0
