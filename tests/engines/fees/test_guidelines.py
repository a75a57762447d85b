from decimal import Decimal

import pytest

from engines.fees import TABLES, FeeInputError, Region, guideline, guideline_table, region_for_state

# clinical.md §7.1, typed from the table (not computed): household size, 2025, 2026, 2026 × 200 %.
CONTIGUOUS_ROWS = [
    (1, "15650", "15960", "31920"),
    (2, "21150", "21640", "43280"),
    (3, "26650", "27320", "54640"),
    (4, "32150", "33000", "66000"),
    (5, "37650", "38680", "77360"),
    (6, "43150", "44360", "88720"),
    (7, "48650", "50040", "100080"),
    (8, "54150", "55720", "111440"),
]


@pytest.mark.parametrize(("size", "y2025", "y2026", "double_2026"), CONTIGUOUS_ROWS)
def test_contiguous_rows_match_the_reference_table(size, y2025, y2026, double_2026):
    assert guideline(2025, Region.CONTIGUOUS, size) == Decimal(y2025)
    assert guideline(2026, "contiguous", size) == Decimal(y2026)
    assert guideline(2026, Region.CONTIGUOUS, size) * 2 == Decimal(double_2026)


# Alaska 2026 = 19,950 + 7,100/person; Hawaii 2026 = 18,360 + 6,530/person (ASPE), by hand.
@pytest.mark.parametrize(
    ("region", "size", "expected"),
    [
        (Region.ALASKA, 1, "19950"),
        (Region.ALASKA, 2, "27050"),
        (Region.ALASKA, 3, "34150"),
        (Region.ALASKA, 4, "41250"),
        (Region.ALASKA, 10, "83850"),
        (Region.HAWAII, 1, "18360"),
        (Region.HAWAII, 2, "24890"),
        (Region.HAWAII, 3, "31420"),
        (Region.HAWAII, 4, "37950"),
        (Region.HAWAII, 10, "77130"),
        (Region.CONTIGUOUS, 10, "67080"),
        (Region.CONTIGUOUS, 9, "61400"),
    ],
)
def test_alaska_hawaii_and_large_households(region, size, expected):
    assert guideline(2026, region, size) == Decimal(expected)


def test_amounts_carry_cents():
    assert str(guideline(2026, Region.CONTIGUOUS, 4)) == "33000.00"


def test_every_table_names_its_federal_register_notice_and_a_source():
    for table in TABLES:
        assert table.federal_register.startswith("FR notice ")
        assert "https://www.govinfo.gov/" in table.federal_register
        assert table.source
        assert table.published_on.year == table.year


def test_2026_tables_are_dated_from_the_notice():
    table = guideline_table(2026, "alaska")

    assert (table.published_on.isoformat(), str(table.effective_on)) == (
        "2026-01-15",
        "2026-01-13",
    )
    assert "aspe.hhs.gov" in table.source


@pytest.mark.parametrize(
    ("year", "region", "size", "code", "field"),
    [
        (2026, Region.CONTIGUOUS, 0, "household_size_below_one", "household_size"),
        (2026, Region.CONTIGUOUS, -3, "household_size_below_one", "household_size"),
        (2026, Region.CONTIGUOUS, True, "not_an_integer", "household_size"),
        (2026, Region.CONTIGUOUS, 2.0, "not_an_integer", "household_size"),
        (2024, Region.CONTIGUOUS, 1, "unknown_guideline_year", "year"),
        (2027, Region.HAWAII, 1, "unknown_guideline_year", "year"),
        (2026, "guam", 1, "unknown_region", "region"),
        (2026, "Alaska", 1, "unknown_region", "region"),
        (2025, Region.ALASKA, 1, "unknown_guideline", "region"),
        (2025, Region.HAWAII, 3, "unknown_guideline", "region"),
    ],
)
def test_bad_lookups_raise_specific_codes(year, region, size, code, field):
    with pytest.raises(FeeInputError) as caught:
        guideline(year, region, size)

    assert (caught.value.code, caught.value.field) == (code, field)


def test_missing_2025_alaska_says_why():
    with pytest.raises(FeeInputError, match="increment"):
        guideline(2025, Region.ALASKA, 1)


@pytest.mark.parametrize(
    ("state", "region"),
    [
        ("AK", Region.ALASKA),
        ("ak", Region.ALASKA),
        ("HI", Region.HAWAII),
        (" hi ", Region.HAWAII),
        ("NY", Region.CONTIGUOUS),
        ("DC", Region.CONTIGUOUS),
        ("WY", Region.CONTIGUOUS),
        ("CA", Region.CONTIGUOUS),
    ],
)
def test_region_for_state(state, region):
    assert region_for_state(state) == region


@pytest.mark.parametrize("territory", ["PR", "GU", "VI", "AS", "MP", "pr"])
def test_territories_are_refused_with_an_explanation(territory):
    with pytest.raises(FeeInputError, match="do not cover") as caught:
        region_for_state(territory)

    assert caught.value.code == "territory_not_covered"


@pytest.mark.parametrize("bad", ["", "XX", "New York", "AA", "AP", 12])
def test_unknown_state_codes(bad):
    with pytest.raises(FeeInputError) as caught:
        region_for_state(bad)

    assert caught.value.code == "unknown_state"


def test_fifty_states_and_dc_all_have_a_region():
    from engines.fees import guidelines

    codes = set(guidelines._STATE_REGIONS)

    assert len(codes) == 51
    assert {"AK", "HI", "DC"} <= codes
    assert not codes & guidelines._OUTLYING_CODES
