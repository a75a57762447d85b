"""The JSON codec: round trips, the digest, and a clear FormatError for every bad input."""

import copy
import dataclasses
import datetime as dt
import json
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engines.scheduling.codec import (
    check_solution_matches,
    instance_digest,
    instance_from_json,
    instance_to_json,
    json_from_text,
    slot_start_utc,
    solution_from_json,
    solution_to_json,
)
from engines.scheduling.model import DEFAULT_WEIGHTS, FormatError, Slot, Weight
from tests.engines.scheduling.cases import ALL, SLOTS, tiny_instance, tiny_solution

FORMAT_CODES = {
    *("not_json", "wrong_format", "unsupported_version", "missing_field", "wrong_type"),
    *("invalid_value", "duplicate_id", "unknown_reference", "inverted_window"),
    *("overlapping_window", "unsupported_duration", "nonexistent_local_time"),
    *("ambiguous_local_time", "wrong_instance"),
}


def tiny_json() -> Any:
    return copy.deepcopy(instance_to_json(tiny_instance()))


def through_text(data):
    return json_from_text(json.dumps(data))


def failure(data):
    with pytest.raises(FormatError) as caught:
        instance_from_json(data)
    return caught.value


# --- round trips ----------------------------------------------------------------------------


def test_instance_round_trips_through_json_text():
    instance = tiny_instance(previous=tiny_solution(), meta={"seed": 7, "size": "tiny"})

    assert instance_from_json(through_text(instance_to_json(instance))) == instance


def test_solution_round_trips_through_json_text():
    solution = tiny_solution(stats={"status": "OPTIMAL", "seconds": 0.5})

    assert solution_from_json(through_text(solution_to_json(solution))) == solution


def test_availability_is_written_as_the_fewest_windows():
    patients = tiny_json()["patients"]

    assert patients[2]["availability"] == [{"day": 0, "from": "09:00", "to": "12:00"}]


def test_touching_windows_are_joined_so_a_slot_across_the_seam_is_available():
    data = tiny_json()
    data["week"]["slots"].append({"id": "wed-1030", "day": 2, "start": "10:30"})
    data["patients"][0]["availability"] = [
        {"day": 2, "from": "10:00", "to": "11:00"},
        {"day": 2, "from": "11:00", "to": "12:00"},
    ]

    assert instance_from_json(data).patients[0].available == {"wed-1030"}


def test_a_slot_partly_outside_every_window_is_unavailable():
    data = tiny_json()
    data["patients"][0]["availability"] = [{"day": 0, "from": "09:30", "to": "11:00"}]

    assert instance_from_json(data).patients[0].available == {"mon-10"}


def test_missing_weights_take_the_defaults_and_closed_defaults_to_open():
    data = tiny_json()
    data["weights"] = {"meeting": 4}
    del data["cohorts"][0]["closed"]

    instance = instance_from_json(data)

    assert instance.weights == {**DEFAULT_WEIGHTS, Weight.MEETING: 4}
    assert instance.cohorts[0].closed is False


@settings(deadline=None, max_examples=40)
@given(st.lists(st.sets(st.sampled_from(sorted(ALL))), min_size=10, max_size=10))
def test_any_availability_round_trips(available_sets):
    base = tiny_instance()
    staff = tuple(
        dataclasses.replace(s, available=frozenset(a))
        for s, a in zip(base.staff, available_sets, strict=False)
    )
    patients = tuple(
        dataclasses.replace(p, available=frozenset(a))
        for p, a in zip(base.patients, available_sets[5:], strict=False)
    )
    instance = tiny_instance(staff=staff, patients=patients)

    assert instance_from_json(through_text(instance_to_json(instance))) == instance


# --- the digest -----------------------------------------------------------------------------


def test_digest_ignores_meta_and_key_order_but_not_content():
    plain = tiny_instance()
    annotated = tiny_instance(meta={"generator": "v1"})
    reordered = instance_from_json(dict(reversed(list(tiny_json().items()))))
    changed = tiny_instance(weights=MappingProxyType({**DEFAULT_WEIGHTS, Weight.MEETING: 2}))

    assert instance_digest(plain).startswith("sha256:")
    assert len(instance_digest(plain)) == len("sha256:") + 64
    assert instance_digest(annotated) == instance_digest(plain)
    assert instance_digest(reordered) == instance_digest(plain)
    assert instance_digest(changed) != instance_digest(plain)


def test_a_solution_for_this_instance_matches():
    check_solution_matches(tiny_instance(), tiny_solution())


def test_a_solution_for_another_instance_is_refused():
    other = tiny_instance(id="other", cohorts=tiny_instance().cohorts[:1])
    solution = tiny_solution(other)

    with pytest.raises(FormatError) as caught:
        check_solution_matches(tiny_instance(), solution)

    assert caught.value.code == "wrong_instance"
    assert "'other'" in caught.value.message
    assert "'tiny'" in caught.value.message


# --- bad instances: one test row per problem ------------------------------------------------


def _set(path, value):
    """A mutation that sets ``data[path...] = value`` (path of keys and indexes)."""

    def mutate(data):
        *parents, last = path
        for key in parents:
            data = data[key]
        data[last] = value

    return mutate


def _delete(path):
    def mutate(data):
        *parents, last = path
        for key in parents:
            data = data[key]
        del data[last]

    return mutate


def _append(path, value):
    def mutate(data):
        for key in path:
            data = data[key]
        data.append(value)

    return mutate


BAD_INSTANCES = [
    # (what is wrong, mutation, code, path)
    ("wrong format", _set(["format"], "openiop.schedule.solution"), "wrong_format", "format"),
    ("newer version", _set(["version"], 2), "unsupported_version", "version"),
    ("version as text", _set(["version"], "1"), "wrong_type", "version"),
    ("no version", _delete(["version"]), "missing_field", "version"),
    ("no week", _delete(["week"]), "missing_field", "week"),
    ("no patient id", _delete(["patients", 1, "id"]), "missing_field", "patients[1].id"),
    ("phase as text", _set(["patients", 0, "phase"], "1"), "wrong_type", "patients[0].phase"),
    ("sites not a list", _set(["sites"], {}), "wrong_type", "sites"),
    ("flag as number", _set(["cohorts", 0, "closed"], 1), "wrong_type", "cohorts[0].closed"),
    ("unknown field", _set(["rooms", 0, "colour"], "red"), "invalid_value", "rooms[0].colour"),
    ("empty id", _set(["sites", 0, "id"], " "), "invalid_value", "sites[0].id"),
    ("zero capacity", _set(["rooms", 1, "capacity"], 0), "invalid_value", "rooms[1].capacity"),
    ("negative capacity", _set(["rooms", 1, "capacity"], -3), "invalid_value", "rooms[1].capacity"),
    (
        "zero caseload cap",
        _set(["staff", 0, "caseload_cap"], 0),
        "invalid_value",
        "staff[0].caseload_cap",
    ),
    ("zero max size", _set(["cohorts", 0, "max_size"], 0), "invalid_value", "cohorts[0].max_size"),
    ("min above max", _set(["cohorts", 0, "min_size"], 5), "invalid_value", "cohorts[0].min_size"),
    ("phase 0", _set(["patients", 0, "phase"], 0), "invalid_value", "patients[0].phase"),
    ("phase 4", _set(["patients", 0, "phase"], 4), "invalid_value", "patients[0].phase"),
    (
        "hours min above max",
        _set(["patients", 0, "weekly_hours"], {"min": 5, "max": 4}),
        "invalid_value",
        "patients[0].weekly_hours.min",
    ),
    (
        "negative hours",
        _set(["patients", 0, "weekly_hours", "min"], -1),
        "invalid_value",
        "patients[0].weekly_hours.min",
    ),
    (
        "negative individual need",
        _set(["patients", 0, "needs", "individual"], -1),
        "invalid_value",
        "patients[0].needs.individual",
    ),
    (
        "no track option",
        _set(["patients", 0, "track_options"], []),
        "invalid_value",
        "patients[0].track_options",
    ),
    (
        "track of another site",
        _set(["patients", 0, "track_options"], ["south-am"]),
        "invalid_value",
        "patients[0].track_options[0]",
    ),
    (
        "unknown skill",
        _set(["staff", 0, "skills"], ["group", "yoga"]),
        "invalid_value",
        "staff[0].skills[1]",
    ),
    (
        "repeated skill",
        _set(["staff", 0, "skills"], ["group", "group"]),
        "invalid_value",
        "staff[0].skills[1]",
    ),
    ("unknown weight", _set(["weights", "lunch"], 1), "invalid_value", "weights.lunch"),
    ("negative weight", _set(["weights", "meeting"], -1), "invalid_value", "weights.meeting"),
    ("not a Monday", _set(["week", "start"], "2026-11-24"), "invalid_value", "week.start"),
    ("not a date", _set(["week", "start"], "2026-13-01"), "invalid_value", "week.start"),
    (
        "unknown time zone",
        _set(["week", "time_zone"], "Mars/Olympus_Mons"),
        "invalid_value",
        "week.time_zone",
    ),
    ("slot day 7", _set(["week", "slots", 0, "day"], 7), "invalid_value", "week.slots[0].day"),
    ("slot day -1", _set(["week", "slots", 0, "day"], -1), "invalid_value", "week.slots[0].day"),
    (
        "slot time 9:00",
        _set(["week", "slots", 0, "start"], "9:00"),
        "invalid_value",
        "week.slots[0].start",
    ),
    (
        "slot at 24:00",
        _set(["week", "slots", 0, "start"], "24:00"),
        "invalid_value",
        "week.slots[0].start",
    ),
    (
        "slot past midnight",
        _append(["week", "slots"], {"id": "late", "day": 3, "start": "23:30"}),
        "invalid_value",
        "week.slots[6].start",
    ),
    (
        "overlapping slots",
        _append(["week", "slots"], {"id": "mon-0930", "day": 0, "start": "09:30"}),
        "invalid_value",
        "week.slots[6].start",
    ),
    ("zero slot minutes", _set(["week", "slot_minutes"], 0), "invalid_value", "week.slot_minutes"),
    (
        "negative session length",
        _set(["session_minutes", "family"], -60),
        "invalid_value",
        "session_minutes.family",
    ),
    (
        "30-minute slots",
        _set(["week", "slot_minutes"], 30),
        "unsupported_duration",
        "week.slot_minutes",
    ),
    (
        "45-minute individual",
        _set(["session_minutes", "individual"], 45),
        "unsupported_duration",
        "session_minutes.individual",
    ),
    (
        "90-minute group",
        _set(["session_minutes", "group"], 90),
        "unsupported_duration",
        "session_minutes.group",
    ),
    (
        "no family length",
        _delete(["session_minutes", "family"]),
        "missing_field",
        "session_minutes.family",
    ),
    (
        "duplicate site",
        _append(["sites"], {"id": "north", "name": "Again"}),
        "duplicate_id",
        "sites[2].id",
    ),
    (
        "duplicate slot",
        _append(["week", "slots"], {"id": "mon-09", "day": 2, "start": "09:00"}),
        "duplicate_id",
        "week.slots[6].id",
    ),
    ("duplicate patient", _set(["patients", 3, "id"], "p1"), "duplicate_id", "patients[3].id"),
    (
        "unknown track slot",
        _set(["tracks", 0, "slots", 1], "sun-23"),
        "unknown_reference",
        "tracks[0].slots[1]",
    ),
    ("unknown room site", _set(["rooms", 0, "site"], "east"), "unknown_reference", "rooms[0].site"),
    (
        "unknown track site",
        _set(["tracks", 1, "site"], "east"),
        "unknown_reference",
        "tracks[1].site",
    ),
    (
        "unknown cohort track",
        _set(["cohorts", 2, "track"], "pm"),
        "unknown_reference",
        "cohorts[2].track",
    ),
    (
        "unknown staff site",
        _set(["staff", 1, "sites"], ["north", "east"]),
        "unknown_reference",
        "staff[1].sites[1]",
    ),
    (
        "unknown patient site",
        _set(["patients", 0, "site"], "east"),
        "unknown_reference",
        "patients[0].site",
    ),
    ("week in year 9999", _set(["week", "start"], "9999-12-27"), "invalid_value", "week.start"),
    (
        "unknown patient track",
        _set(["patients", 0, "track_options"], ["pm"]),
        "unknown_reference",
        "patients[0].track_options[0]",
    ),
    (
        "inverted window",
        _set(["staff", 0, "availability", 0, "to"], "08:00"),
        "inverted_window",
        "staff[0].availability[0].to",
    ),
    (
        "empty window",
        _set(["patients", 0, "availability", 1, "to"], "09:00"),
        "inverted_window",
        "patients[0].availability[1].to",
    ),
    (
        "overlapping windows",
        _append(["patients", 0, "availability"], {"day": 1, "from": "11:00", "to": "13:00"}),
        "overlapping_window",
        "patients[0].availability[2]",
    ),
    (
        "window day 7",
        _append(["staff", 0, "availability"], {"day": 7, "from": "09:00", "to": "10:00"}),
        "invalid_value",
        "staff[0].availability[2].day",
    ),
    (
        "window time 25:00",
        _set(["staff", 0, "availability", 0, "to"], "25:00"),
        "invalid_value",
        "staff[0].availability[0].to",
    ),
    (
        "previous of the wrong format",
        _set(["previous"], {"format": "x", "version": 1}),
        "wrong_format",
        "previous.format",
    ),
    ("meta not an object", _set(["meta"], []), "wrong_type", "meta"),
]


@pytest.mark.parametrize(
    ("mutate", "code", "path"),
    [pytest.param(m, c, p, id=what) for what, m, c, p in BAD_INSTANCES],
)
def test_bad_instance_is_refused_with_code_and_path(mutate, code, path):
    data = tiny_json()
    mutate(data)

    error = failure(data)

    assert (error.code, error.path) == (code, path)
    assert error.message
    assert str(error).startswith(path)


def _leaf_paths(data, path=()):
    yield path
    children = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, child in children:
        yield from _leaf_paths(child, (*path, key))


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-2, 70)
    | st.text(max_size=4)
    | st.sampled_from(["mon-09", "north", "am", "09:00", "24:00", "2026-11-23", "UTC", "\x00"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(deadline=None, max_examples=300)
@given(st.data())
def test_any_damaged_instance_gives_a_format_error_or_an_instance(data):
    document = instance_to_json(tiny_instance(previous=tiny_solution()))
    document = copy.deepcopy(document)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = [p for p in _leaf_paths(document) if p]
        _set(list(data.draw(st.sampled_from(paths))), data.draw(json_values))(document)

    problems = []
    try:
        instance_from_json(document)
    except FormatError as error:
        problems.append(error)

    assert all(error.code in FORMAT_CODES and error.message for error in problems)


def test_a_json_array_is_not_an_instance():
    assert failure([]).code == "wrong_type"


def test_session_length_error_names_the_one_slot_rule():
    data = tiny_json()
    data["session_minutes"]["individual"] = 45

    assert "format version 1 supports only one-slot sessions" in failure(data).message


def test_an_instance_with_a_bad_weight_type_never_raises_anything_but_format_error():
    data = tiny_json()
    data["weights"] = {"meeting": None}

    assert failure(data).code == "wrong_type"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("{", "not_json"),
        ("[1, NaN]", "not_json"),
        ('{"a": 1, "a": 2}', "invalid_value"),
        ("[" * 100_000, "not_json"),
    ],
)
def test_text_that_is_not_json_is_refused(text, code):
    with pytest.raises(FormatError) as caught:
        json_from_text(text)

    assert caught.value.code == code


# --- daylight saving ------------------------------------------------------------------------


def dst_week(start, slots):
    data = tiny_json()
    data["week"]["start"] = start
    data["week"]["slots"] += slots
    return data


def test_a_week_across_the_fall_back_change_is_valid_and_maps_to_utc():
    data = dst_week("2026-10-26", [{"id": "sun-09", "day": 6, "start": "09:00"}])

    week = instance_from_json(data).week

    monday, sunday = week.slots[0], week.slots[-1]
    assert slot_start_utc(week, monday) == dt.datetime(2026, 10, 26, 14, tzinfo=dt.UTC)
    assert slot_start_utc(week, sunday) == dt.datetime(2026, 11, 1, 15, tzinfo=dt.UTC)


def test_a_slot_in_the_fall_back_fold_is_ambiguous():
    data = dst_week("2026-10-26", [{"id": "sun-0130", "day": 6, "start": "01:30"}])

    error = failure(data)

    assert (error.code, error.path) == ("ambiguous_local_time", "week.slots[6].start")
    assert "2026-11-01 01:30" in error.message


def test_a_slot_in_the_spring_forward_gap_does_not_exist():
    data = dst_week("2026-03-02", [{"id": "sun-0230", "day": 6, "start": "02:30"}])

    error = failure(data)

    assert (error.code, error.path) == ("nonexistent_local_time", "week.slots[6].start")
    assert "2026-03-08 02:30" in error.message


def test_slot_start_utc_is_aware_and_follows_the_zone():
    week = tiny_instance().week

    start = slot_start_utc(week, Slot("x", 2, dt.time(18, 30)))

    assert start == dt.datetime(2026, 11, 26, 0, 30, tzinfo=dt.UTC)
    assert start.utcoffset() == dt.timedelta(0)
    assert slot_start_utc(week, SLOTS[0]).tzinfo is dt.UTC


# --- bad solutions --------------------------------------------------------------------------


def solution_json():
    return copy.deepcopy(solution_to_json(tiny_solution()))


BAD_SOLUTIONS = [
    ("instance format", _set(["format"], "openiop.schedule.instance"), "wrong_format", "format"),
    ("newer version", _set(["version"], 3), "unsupported_version", "version"),
    ("no sessions", _delete(["sessions"]), "missing_field", "sessions"),
    ("meetings not a list", _set(["meetings"], {}), "wrong_type", "meetings"),
    ("unknown kind", _set(["sessions", 0, "kind"], "massage"), "invalid_value", "sessions[0].kind"),
    ("room as number", _set(["meetings", 1, "room"], 3), "wrong_type", "meetings[1].room"),
    ("extra field", _set(["assignments", 0, "note"], "x"), "invalid_value", "assignments[0].note"),
    ("digest as number", _set(["instance_digest"], 5), "wrong_type", "instance_digest"),
    ("stats as list", _set(["stats"], []), "wrong_type", "stats"),
]


@pytest.mark.parametrize(
    ("mutate", "code", "path"),
    [pytest.param(m, c, p, id=what) for what, m, c, p in BAD_SOLUTIONS],
)
def test_bad_solution_is_refused_with_code_and_path(mutate, code, path):
    data = solution_json()
    mutate(data)

    with pytest.raises(FormatError) as caught:
        solution_from_json(data)

    assert (caught.value.code, caught.value.path) == (code, path)


def test_a_solution_naming_unknown_ids_is_read_for_the_validator_to_judge():
    data = solution_json()
    data["meetings"][0]["room"] = "room-z"

    assert solution_from_json(data).meetings[0].room == "room-z"
