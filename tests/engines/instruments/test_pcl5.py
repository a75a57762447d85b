import pytest

from engines.instruments import ScoringError, get, score
from tests.engines.instruments.answers import spread


def test_clusters_follow_dsm5_b_c_d_e():
    # given: a distinct value per cluster, so a wrong item range shows up in the sums
    answers: list[int | None] = [*[1] * 5, *[2] * 2, *[3] * 7, *[4] * 6]

    # when
    result = score("pcl5", answers)

    # then
    assert dict(result.subscales) == {"B": 5, "C": 4, "D": 21, "E": 24}
    assert result.total == 54


def test_cluster_items_are_1_5_6_7_8_14_15_20():
    clusters = {subscale.key: subscale.items for subscale in get("pcl5").subscales}

    assert clusters == {
        "B": (1, 2, 3, 4, 5),
        "C": (6, 7),
        "D": (8, 9, 10, 11, 12, 13, 14),
        "E": (15, 16, 17, 18, 19, 20),
    }


@pytest.mark.parametrize(("total", "probable"), [(0, False), (32, False), (33, True), (80, True)])
def test_probable_ptsd_from_33(total, probable):
    result = score("pcl5", spread(total, 20, 4))

    assert result.total == total
    assert any(flag.code == "probable_ptsd" for flag in result.flags) is probable


def test_no_severity_bands_are_published():
    result = score("pcl5", [4] * 20)

    assert result.severity is None
    assert result.severity_label is None


def test_any_missing_item_is_refused():
    answers: list[int | None] = [2] * 20
    answers[11] = None

    with pytest.raises(ScoringError) as error:
        score("pcl5", answers)

    assert (error.value.code, error.value.item) == ("too_many_missing", 12)
