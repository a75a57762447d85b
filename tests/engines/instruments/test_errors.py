from typing import cast

import pytest

from engines.instruments import INSTRUMENTS, ScoringError, get, parse_answers, score

IDS = list(INSTRUMENTS)


def _valid(instrument_id: str) -> list[int | None]:
    """A complete answer list that passes every skip rule: 'yes' on all for the gated
    screens, the lowest choice elsewhere."""
    instrument = get(instrument_id)
    if instrument_id in {"pcptsd5", "asq"}:
        return [1] * len(instrument.items)
    return [0] * len(instrument.items)


@pytest.mark.parametrize("instrument_id", IDS)
@pytest.mark.parametrize("delta", [-1, 1])
def test_wrong_item_count(instrument_id, delta):
    answers = _valid(instrument_id)
    answers = answers[:delta] if delta < 0 else [*answers, 0]

    with pytest.raises(ScoringError) as error:
        score(instrument_id, answers)

    assert error.value.code == "wrong_item_count"
    assert error.value.item is None
    assert str(len(get(instrument_id).items)) in error.value.message


@pytest.mark.parametrize("instrument_id", IDS)
@pytest.mark.parametrize("bad", [-1, 5, 99])
def test_out_of_range_names_the_item(instrument_id, bad):
    answers = _valid(instrument_id)
    last = len(answers)
    answers[last - 1] = bad

    with pytest.raises(ScoringError) as error:
        score(instrument_id, answers)

    assert error.value.code == "out_of_range"
    assert error.value.item == last
    assert f"item {last} must be" in error.value.message
    assert f"got {bad}." in error.value.message


def test_out_of_range_message_is_a_clinician_sentence():
    with pytest.raises(ScoringError) as error:
        score("phq9", [0, 0, 7, 0, 0, 0, 0, 0, 0])

    assert error.value.message == "PHQ-9 item 3 must be 0–3; got 7."
    assert str(error.value) == error.value.message


@pytest.mark.parametrize("bad", [True, 1.5, "1"])
def test_non_integer_answers_are_not_numbers(bad):
    answers = cast(list[int | None], [0, bad, 0, 0, 0, 0, 0])

    with pytest.raises(ScoringError) as error:
        score("gad7", answers)

    assert (error.value.code, error.value.item) == ("not_a_number", 2)


@pytest.mark.parametrize("name", ["bdi2", "PHQ-8", "", "c-ssrs"])
def test_unknown_instrument(name):
    with pytest.raises(ScoringError) as error:
        score(name, [0] * 9)

    assert error.value.code == "unknown_instrument"
    assert "phq9" in error.value.message  # lists what is known


def test_unknown_version_by_id():
    with pytest.raises(ScoringError) as error:
        score("phq9", [0] * 9, version="2")

    assert error.value.code == "unknown_version"
    assert error.value.message == "PHQ-9 has no version '2'; available: 1."


def test_unknown_version_from_get():
    with pytest.raises(ScoringError) as error:
        get("gad7", "0.9")

    assert error.value.code == "unknown_version"


def test_version_that_contradicts_the_instrument_object():
    with pytest.raises(ScoringError) as error:
        score(get("phq9"), [0] * 9, version="2")

    assert error.value.code == "unknown_version"


def test_unknown_language():
    with pytest.raises(ScoringError) as error:
        score("phq9", [0] * 9, language="fr")

    assert error.value.code == "unknown_language"
    assert "en, es" in error.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0,1,2,,3", [0, 1, 2, None, 3]),
        (" 0 , - , 2 ", [0, None, 2]),
        ("1,,", [1, None, None]),
        ("-1,+2", [-1, 2]),
        ("", []),
        ("   ", []),
    ],
)
def test_parse_answers(text, expected):
    assert parse_answers(text) == expected


@pytest.mark.parametrize(
    ("text", "position"),
    [("1,x", 2), ("1.5", 1), ("0,1,two", 3), ("0,³", 2), ("0;1", 1), ("--1", 1)],
)
def test_parse_answers_refuses_text_where_a_number_belongs(text, position):
    with pytest.raises(ScoringError) as error:
        parse_answers(text)

    assert (error.value.code, error.value.item) == ("not_a_number", position)
    assert f"Answer {position} must be a whole number" in error.value.message


def test_parsed_negative_answer_is_out_of_range_when_scored():
    with pytest.raises(ScoringError) as error:
        score("phq9", parse_answers("0,0,0,-1,0,0,0,0,0"))

    assert (error.value.code, error.value.item) == ("out_of_range", 4)
