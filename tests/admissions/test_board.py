"""The pipeline board: time to admission and in each stage from known stage times, cards
by stage, the seats and waitlist per track, one audit row per person named, and a fixed
number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from openiop.accounts.roles import ProgramRole
from openiop.accounts.services import membership_grant
from openiop.admissions.models import CloseReason, Referral, ReferralSource, Stage, Urgency
from openiop.admissions.selectors.board import (
    board_get,
    board_statistics,
    median_days,
    stage_visits,
)
from openiop.admissions.services import waitlist
from openiop.admissions.services.referrals import referral_advance, referral_close
from openiop.audit.models import AuditEvent
from openiop.core.errors import NotFound
from tests import factories
from tests.admissions import scenarios as sc
from tests.factories import SYSTEM

T0 = sc.T0
NOW = T0 + sc.days(12)


def _at(offset_days: float) -> dt.datetime:
    return T0 + sc.days(offset_days)


# --- The statistics, pure ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param([], {}, id="nothing"),
        pytest.param(
            [(1, "referred", _at(0)), (1, "screening", _at(2)), (1, "closed", _at(5))],
            {"referred": [2], "screening": [3]},
            id="closed: no time counts after closing",
        ),
        pytest.param(
            [(1, "referred", _at(0)), (1, "screening", _at(1))],
            {"referred": [1], "screening": [11]},
            id="the current stage counts until now",
        ),
        pytest.param(
            [(1, "referred", _at(-200)), (1, "closed", _at(-150))],
            {},
            id="a stay that ended before the window",
        ),
        pytest.param(
            [(1, "referred", _at(-200)), (1, "screening", _at(-10))],
            {"referred": [190], "screening": [22]},
            id="a stay that began before the window and ended in it",
        ),
        pytest.param(
            [(1, "referred", _at(0)), (2, "referred", _at(4)), (2, "admitted", _at(6))],
            {"referred": [12, 2]},
            id="referrals are kept apart",
        ),
    ],
)
def test_stage_visits(rows, expected):
    visits = stage_visits(rows, since=NOW - sc.days(90), now=NOW)
    as_days = {s: [d / sc.days(1) for d in v] for s, v in visits.items() if v}
    assert as_days == expected


@pytest.mark.parametrize(
    ("days", "median"),
    [([], None), ([3], 3.0), ([1, 4], 2.5), ([1, 2, 30], 2.0), ([0.04], 0.0), ([1 / 3], 0.3)],
)
def test_median_days(days, median):
    assert median_days([sc.days(d) for d in days]) == median


# --- The statistics from real stage changes ------------------------------------------------


def _pipeline(f: sc.Front) -> dict[str, Referral]:
    """A: admitted after 10 days; B: in screening since day 3; C: closed on day 4; D: closed
    long ago; E: referred 100 days ago and still waiting; F: admitted 120 days ago."""
    made = {}
    with sc.at(_at(-200)):
        made["D"] = sc.refer(f)
    with sc.at(_at(-150)):
        referral_close(actor=SYSTEM, user=None, referral=made["D"], reason=CloseReason.DECLINED)
        made["F"] = sc.refer(f)
    with sc.at(_at(-120)):
        sc.enter_stage_directly(made["F"], Stage.ADMITTED)
    with sc.at(_at(-100)):
        made["E"] = sc.refer(f)
    with sc.at(T0):
        made["A"] = sc.refer(f, urgency=Urgency.URGENT)
        made["C"] = sc.refer(f)
    with sc.at(_at(1)):
        made["A"] = referral_advance(actor=SYSTEM, user=None, referral=made["A"])
    with sc.at(_at(2)):
        made["B"] = sc.refer(f, source=ReferralSource.STEP_DOWN)
    with sc.at(_at(3)):
        made["A"] = referral_advance(actor=SYSTEM, user=None, referral=made["A"], intake_at=_at(6))
        made["B"] = referral_advance(actor=SYSTEM, user=None, referral=made["B"])
    with sc.at(_at(4)):
        referral_close(actor=SYSTEM, user=None, referral=made["C"], reason=CloseReason.UNREACHABLE)
    with sc.at(_at(6)):
        sc.enter_stage_directly(made["A"], Stage.ASSESSED)
    with sc.at(_at(10)):
        sc.enter_stage_directly(made["A"], Stage.ADMITTED)
    return made


@pytest.mark.django_db
def test_medians_come_from_the_stage_changes():
    f = sc.front()
    _pipeline(f)
    stats = board_statistics({f.program.pk}, now=NOW)
    assert stats.median_days_to_admission == 10.0
    assert stats.admissions == 1  # F was admitted before the 90 days
    by_stage = {s.stage: (s.median_days, s.visits) for s in stats.stages}
    assert by_stage == {
        Stage.REFERRED: (2.5, 4),  # A 1, B 1, C 4, E 112 (still going on); not D
        Stage.SCREENING: (5.5, 2),  # A 2, B 9 so far
        Stage.INTAKE_SCHEDULED: (3.0, 1),
        Stage.ASSESSED: (4.0, 1),
        Stage.BENEFITS_VERIFIED: (None, 0),
        Stage.AUTHORIZED: (None, 0),
    }
    assert board_statistics({f.program.pk + 999}, now=NOW).admissions == 0


@pytest.mark.django_db
def test_the_board_puts_cards_in_their_stage_most_urgent_first():
    f, other = sc.front(), sc.front("Other IOP")
    made = _pipeline(f)
    sc.refer(other)
    with sc.at(_at(11)):
        urgent_referred = sc.refer(f, urgency=Urgency.URGENT)
    board = board_get(f.coordinator, program_id=None, now=NOW)
    columns = {c.stage: [card.referral.pk for card in c.cards] for c in board.columns}
    assert columns[Stage.REFERRED] == [urgent_referred.pk, made["E"].pk]
    assert columns[Stage.SCREENING] == [made["B"].pk]
    assert [c.stage for c in board.columns] == list(Stage)[:6]
    b_card = next(c for c in board.columns if c.stage == Stage.SCREENING).cards[0]
    assert b_card.days_in_stage == 9
    assert b_card.next_stage == Stage.INTAKE_SCHEDULED
    assert [r.pk for r in board.recently_closed] == [made["C"].pk]  # not D, long ago
    assert [r.pk for r in board.recently_admitted] == [made["A"].pk]
    assert board.programs == [f.program]


@pytest.mark.django_db
def test_the_board_filters_by_program_and_refuses_others():
    f, other = sc.front(), sc.front("Other IOP")
    both = factories.staff(ProgramRole.INTAKE_COORDINATOR, f.program)
    membership_grant(actor=SYSTEM, user=both, program=other.program, role=ProgramRole.THERAPIST)
    sc.refer(f)
    theirs = sc.refer(other)
    board = board_get(both, program_id=other.program.pk, now=NOW)
    assert board.program == other.program
    assert [c.referral.pk for col in board.columns for c in col.cards] == [theirs.pk]
    with pytest.raises(NotFound):
        board_get(f.coordinator, program_id=other.program.pk, now=NOW)
    assert board_get(f.facilitator, program_id=None, now=NOW).programs == []


@pytest.mark.django_db
def test_each_track_shows_its_seats_and_ordered_waitlist():
    f = sc.front()
    sc.full_track(f, seats=1)
    with sc.at(T0):
        routine = sc.ready(f)
        waitlist.waitlist_add(actor=SYSTEM, user=None, referral=routine, track=f.track)
    with sc.at(_at(5)):
        urgent = sc.ready(f, urgency=Urgency.URGENT)
        waitlist.waitlist_add(actor=SYSTEM, user=None, referral=urgent, track=f.track)
    [panel] = board_get(f.coordinator, program_id=None, now=NOW).tracks
    assert (panel.seats.capacity, panel.seats.occupied, panel.seats.open_seats) == (1, 1, 0)
    assert [r.entry.referral_id for r in panel.rows] == [urgent.pk, routine.pk]
    assert panel.rows[1].place.explanation == "2nd: routine; behind #1, who is urgent"
    assert panel.next_row is None  # no seat open
    sc.discharge(f.track.episodes.get(state="admitted"))
    [panel] = board_get(f.coordinator, program_id=None, now=NOW).tracks
    assert panel.next_row is not None
    assert panel.next_row.entry.referral_id == urgent.pk


# --- The page ------------------------------------------------------------------------------

# PostgreSQL takes the audit chain's advisory lock once per page that writes audit rows.
LOCK = int(connection.vendor == "postgresql")
BOARD_QUERIES = 21 + LOCK


@pytest.mark.django_db
def test_the_board_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    f = sc.front()
    sc.full_track(f, seats=1)
    sc.refer(f)
    factories.login(client, f.coordinator)
    url = reverse("admissions:board")
    client.get(url)  # warm the session
    with django_assert_num_queries(BOARD_QUERIES):
        assert client.get(url).status_code == 200
    _pipeline(f)
    for _ in range(2):
        waitlist.waitlist_add(actor=SYSTEM, user=None, referral=sc.ready(f), track=f.track)
    sc.front("Second IOP")
    with django_assert_num_queries(BOARD_QUERIES):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_board_page_audits_each_person_it_names(client):
    f = sc.front(part2=True)
    made = _pipeline(f)
    factories.login(client, f.coordinator)
    with sc.at(NOW):
        body = client.get(reverse("admissions:board")).content.decode()
    shown = {made[k].episode.patient_id for k in ("A", "B", "C", "E")}
    listed = AuditEvent.objects.filter(action="PATIENT_LISTED")
    assert set(listed.values_list("patient_id", flat=True)) == shown
    assert listed.count() == len(shown)
    assert all(listed.values_list("part2", flat=True))
    for key in ("A", "B", "E"):
        assert made[key].episode.patient.display_name in body
    assert made["D"].episode.patient.display_name not in body
    assert '10.0 days <span class="muted">(1 admission)' in body
