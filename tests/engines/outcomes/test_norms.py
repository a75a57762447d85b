import dataclasses

import pytest

from engines.outcomes import NORMS, Norms


def _norms(**overrides):
    return dataclasses.replace(NORMS["phq9"], **overrides)


def test_phq9_reproduces_the_clinical_md_worked_example():
    # clinical.md §2.3: SD 5.5, alpha 0.89 -> SEM 1.82, S_diff 2.58, minimum reliable change ≈ 5.1
    phq9 = NORMS["phq9"]

    assert phq9.sem == pytest.approx(1.82, abs=0.005)
    assert phq9.s_diff == pytest.approx(2.58, abs=0.005)
    assert phq9.min_reliable_change == pytest.approx(5.06, abs=0.005)
    assert round(phq9.min_reliable_change, 1) == 5.1


def test_gad7_reproduces_the_clinical_md_worked_example():
    # clinical.md §2.3: SD 4.5, alpha 0.92 -> SEM 1.27, S_diff 1.80, minimum ≈ 3.5
    gad7 = NORMS["gad7"]

    assert gad7.sem == pytest.approx(1.27, abs=0.005)
    assert gad7.s_diff == pytest.approx(1.80, abs=0.005)
    assert gad7.min_reliable_change == pytest.approx(3.53, abs=0.005)


def test_pcl5_minimum_reliable_change_from_its_inputs():
    # 1.96 * sqrt(2) * 12.40 * sqrt(1 - 0.91) = 1.96 * 1.41421 * 12.40 * 0.3 = 10.31
    assert NORMS["pcl5"].min_reliable_change == pytest.approx(10.31, abs=0.005)


def test_published_thresholds_are_the_cited_values():
    assert NORMS["phq9"].published_reliable_change == 6
    assert NORMS["gad7"].published_reliable_change == 4
    assert NORMS["pcl5"].published_reliable_change == 15


@pytest.mark.parametrize(
    ("instrument", "cutoff", "remission_below"),
    [("phq9", 10, 5), ("gad7", 8, None), ("pcl5", 33, 33)],
)
def test_cutoffs_and_remission_rules(instrument, cutoff, remission_below):
    norms = NORMS[instrument]

    assert norms.clinical_cutoff == cutoff
    assert norms.remission_below == remission_below
    assert norms.lower_is_better


def test_every_instrument_cites_sources_and_a_known_reliability_kind():
    assert set(NORMS) == {"phq9", "gad7", "pcl5"}
    for code, norms in NORMS.items():
        assert norms.instrument == code
        assert len(norms.sources) >= 3
        assert norms.reliability_kind in {"cronbach_alpha", "test_retest"}


def test_norms_mapping_is_read_only():
    with pytest.raises(TypeError):
        NORMS["phq9"] = NORMS["gad7"]  # type: ignore[index]


@pytest.mark.parametrize(
    "overrides",
    [
        {"sd_pre": 0.0},
        {"sd_pre": -1.0},
        {"sd_pre": float("nan")},
        {"reliability": 1.0},
        {"reliability": -0.1},
        {"reliability_kind": "split_half_guess"},
        {"published_reliable_change": 0.0},
    ],
)
def test_invalid_norms_are_refused(overrides):
    with pytest.raises(ValueError, match="phq9"):
        _norms(**overrides)


def test_lower_reliability_needs_a_larger_change():
    less_reliable = _norms(reliability=0.80)

    assert less_reliable.min_reliable_change > NORMS["phq9"].min_reliable_change


def test_norms_is_frozen():
    norms: Norms = NORMS["phq9"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        norms.sd_pre = 1.0  # type: ignore[misc]
