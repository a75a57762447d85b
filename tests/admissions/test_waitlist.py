"""The waitlist: its stated order and the sentences explaining it (pure), and the services
that add, offer, decline, remove and close on admission."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from openiop.admissions.capacity import TrackSeats, seats_by_track, track_seats
from openiop.admissions.models import (
    CloseReason,
    Referral,
    ReferralSource,
    Stage,
    Urgency,
    WaitlistEntry,
)
from openiop.admissions.selectors.waitlist import open_entries, track_waitlist
from openiop.admissions.services import waitlist
from openiop.admissions.services.referrals import referral_close
from openiop.admissions.services.waitlist import WaitlistRefused
from openiop.admissions.waitlist_order import (
    URGENCY_RANK,
    Reason,
    Waiting,
    deciding_reason,
    order_waitlist,
    ordinal,
    sort_key,
)
from openiop.audit.models import AuditEvent
from openiop.core.errors import InvalidTransition
from openiop.patients.models import EpisodeState
from tests.admissions import scenarios as sc
from tests.factories import SYSTEM

NOW = dt.datetime(2026, 3, 20, 12, tzinfo=dt.UTC)


def w(referral_id: int, urgency: str, waited_days: float, *, step_down=False, declined=False):
    return Waiting(
        entry_id=referral_id * 10,
        referral_id=referral_id,
        urgency=urgency,
        step_down=step_down,
        added_at=NOW - dt.timedelta(days=waited_days),
        declined=declined,
    )


def _ids(places):
    return [p.waiting.referral_id for p in places]


# --- The order ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        pytest.param([w(1, "routine", 30), w(2, "urgent", 1)], [2, 1], id="urgency first"),
        pytest.param(
            [w(1, "routine", 3), w(2, "soon", 1), w(3, "urgent", 2)], [3, 2, 1], id="three ranks"
        ),
        pytest.param(
            [w(1, "soon", 30), w(2, "soon", 1, step_down=True)], [2, 1], id="step-down before wait"
        ),
        pytest.param(
            [w(1, "urgent", 1, step_down=True), w(2, "soon", 40, step_down=True)],
            [1, 2],
            id="urgency before step-down",
        ),
        pytest.param([w(1, "routine", 2), w(2, "routine", 9)], [2, 1], id="longer wait first"),
        pytest.param([w(7, "routine", 2), w(3, "routine", 2)], [3, 7], id="tie → referral id"),
        pytest.param(
            [w(1, "urgent", 20, declined=True), w(2, "routine", 1)],
            [2, 1],
            id="a declined offer goes behind",
        ),
        pytest.param(
            [w(1, "routine", 5, declined=True), w(2, "urgent", 1, declined=True)],
            [2, 1],
            id="among decliners the order holds",
        ),
        pytest.param([], [], id="empty"),
    ],
)
def test_the_order_follows_the_stated_key(entries, expected):
    assert _ids(order_waitlist(entries, now=NOW)) == expected


def test_each_place_is_explained_against_its_neighbours():
    places = order_waitlist(
        [
            w(13, "routine", 30),
            w(12, "routine", 1, step_down=True),
            w(11, "urgent", 5),
            w(10, "urgent", 12),
        ],
        now=NOW,
    )
    assert [p.explanation for p in places] == [
        "1st: urgent; ahead of #2 by waiting longer (12 days vs 5)",
        "2nd: urgent like #1, who has waited longer (12 days vs 5); ahead of #3, who is routine",
        "3rd: routine, stepping down from a higher level of care; behind #2, who is urgent; "
        "ahead of #4 because stepping down from a higher level of care",
        "4th: routine like #3, who is stepping down from a higher level of care",
    ]
    assert [(p.behind_because, p.ahead_because) for p in places] == [
        (None, Reason.WAITING_TIME),
        (Reason.WAITING_TIME, Reason.URGENCY),
        (Reason.URGENCY, Reason.STEP_DOWN),
        (Reason.STEP_DOWN, None),
    ]


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        ([w(1, "soon", 3)], ["1st: soon; the only one waiting"]),
        (
            [w(1, "urgent", 9, declined=True), w(2, "routine", 1)],
            [
                "1st: routine; ahead of #2, who declined an offered seat",
                "2nd: urgent, declined an offered seat; behind #1, who has not declined",
            ],
        ),
        (
            [w(1, "routine", 4.2), w(2, "routine", 4.7)],
            [
                "1st: routine; ahead of #2 by joining the list earlier (both 4 days)",
                "2nd: routine like #1, who joined the list earlier (both 4 days)",
            ],
        ),
        (
            [w(5, "soon", 1, step_down=True), w(4, "soon", 1, step_down=True)],
            [
                "1st: soon, stepping down from a higher level of care; ahead of #2 by the "
                "earlier referral (a tie on everything else)",
                "2nd: soon and stepping down like #1 and waiting as long; the earlier referral "
                "goes first",
            ],
        ),
        (
            [w(1, "urgent", 1), w(2, "urgent", 2)],
            [
                "1st: urgent; ahead of #2 by waiting longer (2 days vs 1)",
                "2nd: urgent like #1, who has waited longer (2 days vs 1)",
            ],
        ),
    ],
)
def test_explanations(entries, expected):
    assert [p.explanation for p in order_waitlist(entries, now=NOW)] == expected


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (101, "101st"),
        (111, "111th"),
        (112, "112th"),
    ],
)
def test_ordinals(n, text):
    assert ordinal(n) == text


def test_bad_entries_are_refused():
    with pytest.raises(ValueError, match="urgency"):
        w(1, "whenever", 1)
    with pytest.raises(ValueError, match="aware"):
        Waiting(1, 1, "soon", False, dt.datetime(2026, 1, 1))  # noqa: DTZ001 - the point
    with pytest.raises(ValueError, match="share a referral"):
        deciding_reason(w(1, "soon", 1), w(1, "soon", 1))


# --- Properties ---------------------------------------------------------------------------

MOMENTS = [NOW - dt.timedelta(days=d, hours=h) for d in (0, 1, 5, 12) for h in (0, 3)]


@st.composite
def waitlists(draw: st.DrawFn) -> list[Waiting]:
    ids = draw(st.lists(st.integers(1, 500), unique=True, max_size=12))
    return [
        Waiting(
            entry_id=i,
            referral_id=i,
            urgency=draw(st.sampled_from(list(URGENCY_RANK))),
            step_down=draw(st.booleans()),
            added_at=draw(st.sampled_from(MOMENTS)),
            declined=draw(st.booleans()),
        )
        for i in ids
    ]


@given(waitlists(), st.randoms(use_true_random=False))
def test_the_order_is_total_and_does_not_depend_on_input_order(entries, rnd: random.Random):
    places = order_waitlist(entries, now=NOW)
    shuffled = list(entries)
    rnd.shuffle(shuffled)
    assert _ids(order_waitlist(shuffled, now=NOW)) == _ids(places)
    assert [p.position for p in places] == list(range(1, len(entries) + 1))
    keys = [sort_key(p.waiting) for p in places]
    assert all(a < b for a, b in itertools.pairwise(keys))


def _says(ahead: Waiting, w_: Waiting, reason: Reason, text: str, number: int) -> None:
    """The words for ``reason`` appear, and they are true of the two entries."""
    if reason == Reason.DECLINED:
        assert w_.declined
        assert not ahead.declined
        assert "who has not declined" in text
    elif reason == Reason.URGENCY:
        assert URGENCY_RANK[ahead.urgency] < URGENCY_RANK[w_.urgency]
        assert f"behind #{number}, who is {ahead.urgency}" in text
    else:
        assert ahead.urgency == w_.urgency
        assert f"{w_.urgency}" in text
        assert f"like #{number}" in text
    if reason == Reason.STEP_DOWN:
        assert ahead.step_down
        assert not w_.step_down
        assert "who is stepping down" in text
    if reason == Reason.WAITING_TIME:
        assert ahead.added_at < w_.added_at
        numbers = re.search(r"waited longer \((\d+) days? vs (\d+)\)", text)
        assert numbers is not None or "joined the list earlier" in text
        if numbers:
            assert int(numbers[1]) > int(numbers[2])
    if reason == Reason.REFERRAL:
        assert ahead.referral_id < w_.referral_id
        assert "earlier referral" in text


@given(waitlists())
def test_explanations_never_contradict_the_order(entries):
    places = order_waitlist(entries, now=NOW)
    for previous, place in itertools.pairwise(places):
        reason = deciding_reason(previous.waiting, place.waiting)
        assert place.behind_because == previous.ahead_because == reason
        first_clause = place.explanation.split("; ahead of")[0]
        _says(previous.waiting, place.waiting, reason, first_clause, previous.position)
        assert f"ahead of #{place.position}" in previous.explanation
    for place in places:
        assert place.explanation.startswith(f"{ordinal(place.position)}: ")


# --- Services -----------------------------------------------------------------------------


def _actions(*names: str) -> int:
    return AuditEvent.objects.filter(action__in=names).count()


@pytest.mark.django_db
def test_a_track_with_a_seat_open_is_not_waited_for():
    f = sc.front()
    sc.rolling_cohort(f, seats=3)
    sc.admitted(f, 2)
    referral = sc.ready(f)
    with pytest.raises(WaitlistRefused) as refused:
        waitlist.waitlist_add(actor=SYSTEM, user=f.coordinator, referral=referral, track=f.track)
    assert refused.value.reason == "seat_open"
    assert "1 open seat:" in refused.value.message
    referral.episode.refresh_from_db()
    assert referral.episode.state == EpisodeState.REFERRED
    assert not WaitlistEntry.objects.exists()
    assert _actions("WAITLIST_ADDED", "EPISODE_WAITLISTED") == 0


@pytest.mark.django_db
def test_a_track_without_rolling_cohorts_has_no_waitlist():
    f = sc.front()
    with pytest.raises(WaitlistRefused) as refused:
        waitlist.waitlist_add(actor=SYSTEM, user=None, referral=sc.ready(f), track=f.track)
    assert refused.value.reason == "no_managed_capacity"


@pytest.mark.django_db
def test_waiting_for_a_full_track_waitlists_the_episode_and_is_audited():
    f = sc.front()
    sc.full_track(f)
    referral = sc.ready(f)
    entry = waitlist.waitlist_add(actor=SYSTEM, user=None, referral=referral, track=f.track)
    referral.episode.refresh_from_db()
    assert referral.episode.state == EpisodeState.WAITLISTED
    assert entry.closed_at is None
    assert entry.offered_at is None
    event = AuditEvent.objects.get(action="WAITLIST_ADDED")
    assert event.patient_id == referral.episode.patient_id
    assert event.detail == {"track_id": f.track.pk}
    assert _actions("EPISODE_WAITLISTED") == 1
    with pytest.raises(WaitlistRefused) as again:
        waitlist.waitlist_add(actor=SYSTEM, user=None, referral=referral, track=f.track)
    assert again.value.reason == "already_waiting"


@pytest.mark.django_db
@pytest.mark.parametrize("stage", [Stage.REFERRED, Stage.INTAKE_SCHEDULED])
def test_only_someone_ready_to_start_waits(stage):
    f = sc.front()
    sc.full_track(f)
    referral = sc.advance(f, sc.refer(f), stage)
    with pytest.raises(WaitlistRefused) as refused:
        waitlist.waitlist_add(actor=SYSTEM, user=None, referral=referral, track=f.track)
    assert refused.value.reason == "not_ready"
    assert not WaitlistEntry.objects.exists()


@pytest.mark.django_db
def test_waiting_needs_an_open_referral_and_a_track_of_its_program():
    f, other = sc.front(), sc.front("Other IOP")
    sc.full_track(other)
    referral = sc.ready(f)
    with pytest.raises(ValidationError):
        waitlist.waitlist_add(actor=SYSTEM, user=None, referral=referral, track=other.track)
    sc.full_track(f)
    referral_close(actor=SYSTEM, user=None, referral=referral, reason=CloseReason.DECLINED)
    with pytest.raises(InvalidTransition):
        waitlist.waitlist_add(actor=SYSTEM, user=None, referral=referral, track=f.track)
    assert not WaitlistEntry.objects.exists()


def _waitlisted(f: sc.Front, n: int, **detail) -> list[Referral]:
    referrals = []
    for _ in range(n):
        referral = sc.ready(f, **detail)
        waitlist.waitlist_add(actor=SYSTEM, user=None, referral=referral, track=f.track)
        referrals.append(referral)
    return referrals


@pytest.mark.django_db
def test_an_open_seat_is_offered_in_the_stated_order():
    f = sc.front()
    sc.full_track(f, seats=2)
    occupants = list(f.track.episodes.filter(state=EpisodeState.ADMITTED))
    with sc.at(sc.T0):
        routine = _waitlisted(f, 1)[0]
    with sc.at(sc.T0 + sc.days(3)):
        step_down = _waitlisted(f, 1, source=ReferralSource.STEP_DOWN)[0]
        urgent = _waitlisted(f, 1, urgency=Urgency.URGENT)[0]
    with pytest.raises(WaitlistRefused) as full:
        waitlist.waitlist_offer_next(actor=SYSTEM, user=None, track=f.track)
    assert full.value.reason == "no_seat_open"
    assert "all 2 are taken" in full.value.message
    sc.discharge(occupants[0])
    # when
    offered = waitlist.waitlist_offer_next(actor=SYSTEM, user=None, track=f.track)
    # then
    assert offered.referral_id == urgent.pk
    assert track_seats(f.track).held == 1
    event = AuditEvent.objects.get(action="WAITLIST_SEAT_OFFERED")
    assert event.detail == {"track_id": f.track.pk, "position": 1}
    with pytest.raises(WaitlistRefused) as held:
        waitlist.waitlist_offer_next(actor=SYSTEM, user=None, track=f.track)
    assert "already offered (1 offer outstanding)" in held.value.message
    sc.discharge(occupants[1])
    second = waitlist.waitlist_offer_next(actor=SYSTEM, user=None, track=f.track)
    assert second.referral_id == step_down.pk
    assert routine.pk not in {offered.referral_id, second.referral_id}


@pytest.mark.django_db
def test_a_declined_seat_goes_to_the_next_person_and_the_decliner_keeps_waiting():
    f = sc.front()
    sc.full_track(f, seats=1)
    occupant = f.track.episodes.get(state=EpisodeState.ADMITTED)
    with sc.at(sc.T0):
        first, second = _waitlisted(f, 2)
    sc.discharge(occupant)
    assert waitlist.waitlist_offer_next(actor=SYSTEM, user=None, track=f.track).referral_id == (
        first.pk
    )
    # when
    declined = waitlist.waitlist_decline(actor=SYSTEM, user=None, referral=first)
    # then
    assert declined.closed_at is None
    assert declined.offer_declined_at is not None
    assert track_seats(f.track).held == 0
    rows = track_waitlist(f.track, now=sc.T0 + sc.days(1))
    assert [r.entry.referral_id for r in rows] == [second.pk, first.pk]
    assert "declined an offered seat" in rows[1].place.explanation
    assert waitlist.waitlist_offer_next(actor=SYSTEM, user=None, track=f.track).referral_id == (
        second.pk
    )
    waitlist.waitlist_decline(actor=SYSTEM, user=None, referral=second)
    waitlist.waitlist_remove(actor=SYSTEM, user=None, referral=second)
    # Nobody else waits: the one who declined first is asked again.
    again = waitlist.waitlist_offer_next(actor=SYSTEM, user=None, track=f.track)
    assert again.referral_id == first.pk
    assert again.offer_declined_at is None
    assert _actions("WAITLIST_OFFER_DECLINED") == 2


@pytest.mark.django_db
def test_declining_needs_an_outstanding_offer_and_removing_needs_an_entry():
    f = sc.front()
    sc.full_track(f, seats=1)
    referral = _waitlisted(f, 1)[0]
    with pytest.raises(WaitlistRefused) as no_offer:
        waitlist.waitlist_decline(actor=SYSTEM, user=None, referral=referral)
    assert no_offer.value.reason == "no_offer"
    entry = waitlist.waitlist_remove(actor=SYSTEM, user=None, referral=referral)
    assert entry.closed_at is not None
    assert _actions("WAITLIST_REMOVED") == 1
    with pytest.raises(WaitlistRefused) as gone:
        waitlist.waitlist_remove(actor=SYSTEM, user=None, referral=referral)
    assert gone.value.reason == "not_waiting"
    referral.episode.refresh_from_db()
    assert referral.episode.state == EpisodeState.WAITLISTED  # until admitted or closed


@pytest.mark.django_db
def test_nobody_waiting_means_no_offer():
    f = sc.front()
    sc.rolling_cohort(f, seats=2)
    with pytest.raises(WaitlistRefused) as refused:
        waitlist.waitlist_offer_next(actor=SYSTEM, user=None, track=f.track)
    assert refused.value.reason == "nobody_waiting"
    bare = sc.front("Bare IOP")
    with pytest.raises(WaitlistRefused) as unmanaged:
        waitlist.waitlist_offer_next(actor=SYSTEM, user=None, track=bare.track)
    assert unmanaged.value.reason == "no_managed_capacity"


@pytest.mark.django_db
def test_admission_closes_the_entry_and_closing_the_referral_does_too():
    f = sc.front()
    sc.full_track(f, seats=1)
    admitted_one, closed_one = _waitlisted(f, 2)
    entry = waitlist.waitlist_close_on_admission(admitted_one)
    assert entry is not None
    assert entry.closed_at is not None
    assert waitlist.waitlist_close_on_admission(admitted_one) is None
    referral_close(actor=SYSTEM, user=None, referral=closed_one, reason=CloseReason.UNREACHABLE)
    assert not WaitlistEntry.objects.filter(closed_at__isnull=True).exists()


@pytest.mark.django_db
def test_the_seat_count_of_many_tracks_with_given_entries_matches_each_track():
    f, g = sc.front(), sc.front("Second IOP")
    sc.full_track(f, seats=2)
    sc.rolling_cohort(g, seats=4)
    sc.admitted(g, 1)
    _waitlisted(f, 2)
    sc.discharge(f.track.episodes.filter(state=EpisodeState.ADMITTED)[0])
    waitlist.waitlist_offer_next(actor=SYSTEM, user=None, track=f.track)
    tracks = [f.track, g.track, sc.front("Bare").track]
    batch = seats_by_track(tracks, list(open_entries(t.pk for t in tracks)))
    assert batch == {t.pk: track_seats(t) for t in tracks}
    assert batch == {
        f.track.pk: TrackSeats(f.track.pk, capacity=2, occupied=1, held=1),
        g.track.pk: TrackSeats(g.track.pk, capacity=4, occupied=1, held=0),
        tracks[2].pk: TrackSeats(tracks[2].pk, capacity=None, occupied=0, held=0),
    }
