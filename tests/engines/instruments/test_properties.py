"""Property tests over every instrument: range, monotonicity and completeness."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engines.instruments import INSTRUMENTS, Instrument, Score, get, score

Answers = list[int | None]

# Deterministic and offline: the same examples on every run, no example database.
fixed = settings(derandomize=True, database=None, deadline=None, max_examples=100)


def _complete(instrument: Instrument) -> st.SearchStrategy[Answers]:
    return st.tuples(*(st.sampled_from(sorted(item.values)) for item in instrument.items)).map(list)


@st.composite
def _phq9(draw: st.DrawFn) -> Answers:
    """Complete or with up to two blanks among items 1–8 (the proratable forms)."""
    answers: Answers = draw(_complete(get("phq9")))
    for number in draw(st.sets(st.integers(1, 8), max_size=2)):
        answers[number - 1] = None
    return answers


@st.composite
def _pcptsd5(draw: st.DrawFn, *, exposed_only: bool = False) -> Answers:
    if not exposed_only and draw(st.booleans()):
        return [0, None, None, None, None, None]
    return [1, *draw(st.lists(st.sampled_from([0, 1]), min_size=5, max_size=5))]


@st.composite
def _auditc(draw: st.DrawFn, *, drinkers_only: bool = False) -> Answers:
    if not drinkers_only and draw(st.booleans()):
        return [0, draw(st.sampled_from([None, 0])), draw(st.sampled_from([None, 0]))]
    return [draw(st.integers(1, 4)), draw(st.integers(0, 4)), draw(st.integers(0, 4))]


@st.composite
def _asq(draw: st.DrawFn, *, answered_only: bool = False) -> Answers:
    choices: list[int | None] = [0, 1] if answered_only else [0, 1, None]
    screen: Answers = draw(st.lists(st.sampled_from(choices), min_size=4, max_size=4))
    positive = any(value != 0 for value in screen)
    acuity = draw(st.sampled_from([0, 1, None])) if positive else None
    return [*screen, acuity]


VALID: dict[str, st.SearchStrategy[Answers]] = {
    "phq9": _phq9(),
    "gad7": _complete(get("gad7")),
    "pcl5": _complete(get("pcl5")),
    "pcptsd5": _pcptsd5(),
    "auditc": _auditc(),
    "dast10": _complete(get("dast10")),
    "asq": _asq(),
}

# Responses in which raising any scored, answered item by one keyed step stays valid.
RAISABLE: dict[str, st.SearchStrategy[Answers]] = {
    **VALID,
    "pcptsd5": _pcptsd5(exposed_only=True),
    "auditc": _auditc(drinkers_only=True),
    "asq": _asq(answered_only=True),
}

any_valid = st.sampled_from(list(INSTRUMENTS)).flatmap(
    lambda instrument_id: st.tuples(st.just(instrument_id), VALID[instrument_id])
)
any_raisable = st.sampled_from(list(INSTRUMENTS)).flatmap(
    lambda instrument_id: st.tuples(st.just(instrument_id), RAISABLE[instrument_id])
)


def test_every_instrument_has_strategies():
    assert set(VALID) == set(INSTRUMENTS) == set(RAISABLE)


@fixed
@given(any_valid)
def test_total_stays_within_the_published_range(case: tuple[str, Answers]) -> None:
    instrument_id, answers = case
    instrument = get(instrument_id)

    result = score(instrument_id, answers)

    assert instrument.min_total <= result.total <= instrument.max_total
    for key, value in result.subscales.items():
        subscale = next(s for s in instrument.subscales if s.key == key)
        assert 0 <= value <= 4 * len(subscale.items)


def _raise_one_step(instrument: Instrument, answers: Answers, number: int) -> Answers | None:
    """The same answers with item ``number`` one keyed step higher, or None at the top."""
    item = instrument.item(number)
    current = answers[number - 1]
    if current is None:
        return None
    higher = [v for v in item.values if item.keyed(v) == item.keyed(current) + 1]
    if not higher:
        return None
    raised = list(answers)
    raised[number - 1] = higher[0]
    return raised


@fixed
@given(any_raisable, st.data())
def test_total_never_falls_when_an_item_moves_toward_more_symptoms(
    case: tuple[str, Answers], data: st.DataObject
) -> None:
    # given: an answered, scored item below its keyed maximum (DAST-10 item 3: yes → no)
    instrument_id, answers = case
    instrument = get(instrument_id)
    candidates = [
        item.number
        for item in instrument.items
        if item.scored and _raise_one_step(instrument, answers, item.number) is not None
    ]
    if not candidates:
        return
    number = data.draw(st.sampled_from(candidates))
    raised = _raise_one_step(instrument, answers, number)
    assert raised is not None

    # when
    before, after = score(instrument_id, answers), score(instrument_id, raised)

    # then
    assert after.total >= before.total
    if not after.completeness.prorated:
        assert after.total == before.total + 1


def _check_completeness(answers: Answers, result: Score) -> None:
    complete = result.completeness
    assert complete.answered == sum(value is not None for value in answers)
    assert complete.answered + len(complete.missing) == complete.expected
    assert all(answers[number - 1] is None for number in complete.missing)
    assert list(complete.missing) == sorted(complete.missing)


@fixed
@given(any_valid)
def test_completeness_counts_what_was_answered(case: tuple[str, Answers]) -> None:
    instrument_id, answers = case

    result = score(instrument_id, answers)

    _check_completeness(answers, result)
    assert result.completeness.prorated == (instrument_id == "phq9" and None in answers)


@fixed
@given(any_valid)
def test_severity_is_the_band_and_the_dict_is_json_ready(case: tuple[str, Answers]) -> None:
    instrument_id, answers = case
    instrument = get(instrument_id)

    result = score(instrument_id, answers)

    if instrument.bands:
        band = instrument.band_for(result.total)
        assert band is not None
        assert (result.severity, result.severity_label) == (band.key, band.label)
    as_dict = result.as_dict()
    assert as_dict["total"] == result.total
    assert as_dict["flags"] == [flag.as_dict() for flag in result.flags]


@fixed
@given(_phq9())
def test_phq9_safety_flag_exactly_when_item_9_is_above_zero(answers: Answers) -> None:
    result = score("phq9", answers)

    assert result.safety == bool(answers[8])


@fixed
@given(_asq())
def test_asq_is_a_safety_alert_exactly_when_not_all_no(answers: Answers) -> None:
    result = score("asq", answers)

    assert result.safety == any(value != 0 for value in answers[:4])
    assert result.total == sum(value == 1 for value in answers[:4])
