"""The placement reader's list of instrument flags matches what the scorers really raise,
so a safety rule can never wait for a flag code no scorer emits."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engines.instruments import INSTRUMENTS, ScoringError, score
from engines.placement.conditions import FlagPresent, leaves
from engines.placement.instrument_flags import INSTRUMENT_FLAGS
from engines.placement.rules import RULES

fixed = settings(derandomize=True, database=None, deadline=None, max_examples=300)


def test_every_registered_instrument_has_a_flag_list():
    assert set(INSTRUMENT_FLAGS) == set(INSTRUMENTS)


@st.composite
def _scored(draw: st.DrawFn) -> tuple[str, frozenset[str]]:
    instrument = INSTRUMENTS[draw(st.sampled_from(sorted(INSTRUMENTS)))]
    answers = [draw(st.sampled_from(sorted(item.values))) for item in instrument.items]
    try:
        result = score(instrument, answers)
    except ScoringError:
        assume(False)
        raise
    return instrument.id, frozenset(flag.code for flag in result.flags)


@fixed
@given(_scored())
def test_every_flag_a_scorer_raises_is_listed(scored):
    instrument, flags = scored
    assert flags <= set(INSTRUMENT_FLAGS[instrument])


PRODUCERS = [
    ("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1], "suicidal_ideation"),
    ("phq9", [3, 3, 3, 1, 0, 0, 0, 0, 0], "positive_screen"),
    ("gad7", [2, 2, 2, 2, 2, 0, 0], "positive_screen"),
    ("pcl5", [2] * 20, "probable_ptsd"),
    ("pcptsd5", [1, 1, 1, 1, 0, 0], "positive_screen"),
    ("auditc", [2, 1, 1], "positive_screen"),
    ("auditc", [1, 1, 1], "positive_screen_women"),
    ("asq", [1, 0, 0, 0, 0], "asq_positive"),
    ("asq", [1, 0, 0, 0, 1], "asq_acute"),
]


@pytest.mark.parametrize(("instrument", "answers", "flag"), PRODUCERS)
def test_every_listed_flag_is_raised_by_its_scorer(instrument, answers, flag):
    assert flag in {f.code for f in score(instrument, answers).flags}


def test_the_producer_table_covers_every_listed_flag():
    listed = {(i, f) for i, flags in INSTRUMENT_FLAGS.items() for f in flags}

    assert {(i, f) for i, _, f in PRODUCERS} == listed


def test_the_rules_name_only_flags_a_scorer_raises():
    named = {
        (leaf.instrument, leaf.flag)
        for rule in RULES
        for leaf in leaves(rule.when)
        if isinstance(leaf, FlagPresent)
    }

    assert named == {("phq9", "suicidal_ideation")}
    assert named <= {(i, f) for i, _, f in PRODUCERS}
