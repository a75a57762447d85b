import pytest

from engines.instruments import ScoringError, score
from tests.engines.instruments.answers import spread


@pytest.mark.parametrize(
    ("total", "severity"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_band_edges_5_10_15(total, severity):
    result = score("gad7", spread(total, 7, 3))

    assert (result.total, result.severity) == (total, severity)


@pytest.mark.parametrize(("total", "positive"), [(9, False), (10, True)])
def test_screen_positive_from_10(total, positive):
    flags = score("gad7", spread(total, 7, 3)).flags

    assert [flag.code for flag in flags] == (["positive_screen"] if positive else [])
    assert not any(flag.safety for flag in flags)


def test_any_missing_item_is_refused():
    with pytest.raises(ScoringError) as error:
        score("gad7", [1, 1, 1, None, 1, 1, 1])

    assert error.value.code == "too_many_missing"
    assert error.value.item == 4
    assert error.value.message.startswith("GAD-7 item 4 is unanswered")


def test_no_spanish_version_is_offered():
    with pytest.raises(ScoringError) as error:
        score("gad7", [0] * 7, language="es")

    assert error.value.code == "unknown_language"
