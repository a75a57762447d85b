"""The proposed week against the current one, in names (pure: no database)."""

import datetime as dt
from types import MappingProxyType

from engines.scheduling.model import (
    DEFAULT_WEIGHTS,
    Assignment,
    Cohort,
    Instance,
    Meeting,
    Needs,
    Patient,
    Room,
    Session,
    SessionKind,
    Site,
    Skill,
    Slot,
    Solution,
    Staff,
    Track,
    Week,
)
from openiop.scheduling.diff import in_words, plan_diff, slot_label

SLOTS = tuple(Slot(f"mon-{h:02d}00", 0, dt.time(h)) for h in (18, 19, 20))
NAMES = {
    "patient-1": "Ana Ruiz",
    "patient-2": "Ben Cho",
    "cohort-1": "Evening A",
    "cohort-2": "Evening B",
    "staff-1": "Dr One",
    "staff-2": "Dr Two",
    "room-1": "Room A",
}


def _instance(previous: Solution | None) -> Instance:
    patients = tuple(
        Patient(p, "site-1", ("track-1",), frozenset(s.id for s in SLOTS), 1, 1, 3, Needs())
        for p in ("patient-1", "patient-2")
    )
    staff = tuple(
        Staff(
            s,
            s,
            frozenset({Skill.GROUP, Skill.INDIVIDUAL}),
            ("site-1",),
            frozenset(x.id for x in SLOTS),
            9,
        )
        for s in ("staff-1", "staff-2")
    )
    return Instance(
        id="i",
        week=Week(dt.date(2026, 3, 9), "America/Chicago", 60, SLOTS),
        sites=(Site("site-1", "Main"),),
        rooms=(Room("room-1", "site-1", 10),),
        tracks=(Track("track-1", "site-1", "Evening", tuple(s.id for s in SLOTS)),),
        cohorts=(Cohort("cohort-1", "track-1", 1, 9), Cohort("cohort-2", "track-1", 1, 9)),
        staff=staff,
        patients=patients,
        weights=DEFAULT_WEIGHTS,
        session_minutes=MappingProxyType(
            dict.fromkeys(("group", "individual", "psychiatry", "family"), 60)
        ),
        previous=previous,
    )


def _solution(assignments, meetings, sessions) -> Solution:
    return Solution("i", "", tuple(assignments), tuple(meetings), tuple(sessions))


def test_kept_moved_added_removed_and_people_changes():
    # given: this week one meeting at 18:00, one at 19:00, and Ana's individual at 20:00
    before = _solution(
        [
            Assignment("patient-1", "cohort-1", "staff-1"),
            Assignment("patient-2", "cohort-1", "staff-1"),
        ],
        [
            Meeting("cohort-1", "mon-1800", "staff-1", "room-1"),
            Meeting("cohort-1", "mon-1900", "staff-1", "room-1"),
        ],
        [Session("patient-1", SessionKind.INDIVIDUAL, "mon-2000", "staff-1")],
    )
    # when: the 18:00 meeting stays, 19:00 moves to 20:00 with another facilitator, Ana's
    # individual is gone, Ben gets a new one, and Ben moves cohort and therapist
    after = _solution(
        [
            Assignment("patient-1", "cohort-1", "staff-1"),
            Assignment("patient-2", "cohort-2", "staff-2"),
        ],
        [
            Meeting("cohort-1", "mon-1800", "staff-1", "room-1"),
            Meeting("cohort-1", "mon-2000", "staff-2", "room-1"),
        ],
        [Session("patient-2", SessionKind.INDIVIDUAL, "mon-1900", "staff-2")],
    )
    diff = plan_diff(_instance(before), after, {"meeting": 2}, NAMES)
    # then
    assert [line.what for line in diff.kept] == ["Group · Evening A"]
    assert diff.moved[0].before == "Mon 19:00 · Dr One · Room A"
    assert diff.moved[0].after == "Mon 20:00 · Dr Two · Room A"
    assert [line.what for line in diff.removed] == ["Individual · Ana Ruiz"]
    assert [line.what for line in diff.added] == ["Individual · Ben Cho"]
    assert [(c.patient, c.before, c.after) for c in diff.cohort_moves] == [
        ("Ben Cho", "Evening A", "Evening B")
    ]
    assert [(c.patient, c.before, c.after) for c in diff.therapist_changes] == [
        ("Ben Cho", "Dr One", "Dr Two")
    ]
    assert diff.new_patients == ()
    meeting = next(c for c in diff.components if c.label == "Group meetings held")
    assert (meeting.count, meeting.weight, meeting.cost) == (2, 1, 2)
    assert diff.kept_share is not None
    assert 0 < diff.kept_share < 1


def test_without_a_previous_week_everything_is_added_and_everyone_is_new():
    after = _solution(
        [Assignment("patient-1", "cohort-1", "staff-1")],
        [Meeting("cohort-1", "mon-1800", "staff-1", "room-1")],
        [],
    )
    diff = plan_diff(_instance(None), after, {}, NAMES)
    assert (len(diff.kept), len(diff.moved), len(diff.added), len(diff.removed)) == (0, 0, 1, 0)
    assert diff.new_patients == ("Ana Ruiz",)
    assert diff.kept_share is None
    assert diff.kept_percent is None


def test_solver_messages_name_people_not_ids():
    message = "patient-1 has no slot with staff-2; cohort-3 stays as is"
    assert in_words(message, NAMES) == "Ana Ruiz has no slot with Dr Two; cohort-3 stays as is"
    assert slot_label("thu-1830") == "Thu 18:30"
    assert slot_label("odd") == "odd"
