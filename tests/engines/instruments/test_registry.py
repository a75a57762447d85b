import itertools
import re

import pytest

from engines.instruments import INSTRUMENTS, Instrument, get, score

ALL = list(INSTRUMENTS.values())
_LOINC = re.compile(r"(\d+)-(\d)")


def _loinc_check_digit(body: str) -> int:
    """LOINC's mod-10 check digit (the Luhn scheme, counted from the rightmost digit)."""
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return (10 - total % 10) % 10


def _loinc_codes(instrument: Instrument) -> list[str]:
    codes = [instrument.loinc_panel, instrument.loinc_total, *(i.loinc for i in instrument.items)]
    return [code for code in codes if code is not None]


def test_display_order_and_latest_versions():
    assert list(INSTRUMENTS) == ["phq9", "gad7", "pcl5", "pcptsd5", "auditc", "dast10", "asq"]
    assert all(instrument.version == "1" for instrument in ALL)


@pytest.mark.parametrize(
    ("name", "instrument_id"),
    [
        ("phq9", "phq9"),
        ("PHQ-9", "phq9"),
        ("phq-9", "phq9"),
        ("PHQ9", "phq9"),
        (" gad 7 ", "gad7"),
        ("PC-PTSD-5", "pcptsd5"),
        ("AUDIT-C", "auditc"),
        ("dast_10", "dast10"),
        ("ASQ", "asq"),
    ],
)
def test_get_accepts_display_forms(name, instrument_id):
    assert get(name).id == instrument_id
    assert get(name, "1") is INSTRUMENTS[instrument_id]


def test_score_accepts_an_instrument_object():
    assert score(get("gad7"), [3] * 7).total == 21


@pytest.mark.parametrize("instrument", ALL, ids=lambda i: i.id)
def test_items_are_numbered_in_order_with_unique_link_ids(instrument):
    assert [item.number for item in instrument.items] == list(range(1, len(instrument.items) + 1))
    link_ids = [item.link_id for item in instrument.items]
    assert len(set(link_ids)) == len(link_ids)
    assert all(link_id.startswith(f"{instrument.id}-") for link_id in link_ids)


@pytest.mark.parametrize("instrument", ALL, ids=lambda i: i.id)
def test_every_language_has_every_text(instrument):
    for language in instrument.languages:
        assert instrument.instructions[language].strip()
        for item in instrument.items:
            assert item.text[language].strip(), (item.number, language)
            assert all(option.label[language].strip() for option in item.options)


@pytest.mark.parametrize("instrument", ALL, ids=lambda i: i.id)
def test_range_is_the_sum_of_the_scored_items(instrument):
    scored = [item for item in instrument.items if item.scored]

    assert instrument.min_total == sum(min(map(item.keyed, item.values)) for item in scored)
    assert instrument.max_total == sum(max(map(item.keyed, item.values)) for item in scored)


@pytest.mark.parametrize("instrument", [i for i in ALL if i.bands], ids=lambda i: i.id)
def test_bands_tile_the_whole_range_without_gaps(instrument):
    bands = instrument.bands

    assert bands[0].low == instrument.min_total
    assert bands[-1].high == instrument.max_total
    assert all(b.low == a.high + 1 for a, b in itertools.pairwise(bands))
    assert len({band.key for band in bands}) == len(bands)
    for total in range(instrument.min_total, instrument.max_total + 1):
        assert instrument.band_for(total) is not None


def test_band_for_outside_the_range_is_none():
    phq9 = get("phq9")

    assert phq9.band_for(28) is None
    assert phq9.band_for(-1) is None


@pytest.mark.parametrize("instrument", ALL, ids=lambda i: i.id)
def test_cutoff_subscales_and_documentation(instrument):
    if instrument.cutoff is not None:
        assert instrument.min_total < instrument.cutoff <= instrument.max_total
        assert instrument.cutoff_label
    scored = {item.number for item in instrument.items if item.scored}
    for subscale in instrument.subscales:
        assert set(subscale.items) <= scored
    assert instrument.source
    assert instrument.licence
    assert instrument.missing_rule
    assert instrument.lower_is_better is True


@pytest.mark.parametrize("instrument", ALL, ids=lambda i: i.id)
def test_loinc_codes_have_valid_check_digits(instrument):
    for code in _loinc_codes(instrument):
        match = _LOINC.fullmatch(code)
        assert match, code
        assert _loinc_check_digit(match.group(1)) == int(match.group(2)), code


def test_loinc_codes_are_the_ones_in_the_reference():
    assert {i.id: (i.loinc_panel, i.loinc_total) for i in ALL} == {
        "phq9": ("44249-1", "44261-6"),
        "gad7": ("69737-5", "70274-6"),
        "pcl5": (None, None),
        "pcptsd5": (None, None),
        "auditc": ("72109-2", "75626-2"),
        "dast10": ("82666-9", "82667-7"),
        "asq": (None, None),
    }
    assert [item.loinc for item in get("phq9").items if item.loinc] == ["44260-8"]


def test_safety_items_are_phq9_item_9_and_the_asq():
    safety = {(i.id, item.number) for i in ALL for item in i.items if item.safety}

    assert safety == {("phq9", 9), *{("asq", n) for n in range(1, 6)}}


def test_no_columbia_scale_wording_is_shipped():
    texts = " ".join(
        text.lower()
        for instrument in ALL
        for item in instrument.items
        for text in item.text.values()
    )

    assert "columbia" not in texts
    assert "go to sleep and not wake up" not in texts


def test_instruments_scores_and_items_can_be_cached_and_compared():
    phq9 = get("phq9")

    assert {phq9: "cached"}[get("PHQ-9")] == "cached"
    assert len({item for instrument in ALL for item in instrument.items}) == sum(
        len(instrument.items) for instrument in ALL
    )
    assert {score("phq9", [1] * 9)} == {score("phq9", [1] * 9)}
    assert score("phq9", [1] * 9) != score("phq9", [1] * 8 + [0])
