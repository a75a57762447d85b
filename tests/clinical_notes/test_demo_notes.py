"""The demo's notes (openiop.devtools.demo_notes) on a small seeded world: an ordinary day with
older groups and appointments checked in from the paper sheet."""

import datetime as dt

import pytest

from openiop.attendance.models import AttendanceStatus
from openiop.attendance.services import attendance_record_late
from openiop.clinical_notes.cloning import identical_entries
from openiop.clinical_notes.models import Addendum, Note, NoteKind, NoteState
from openiop.devtools.demo_notes import build_notes
from openiop.devtools.layout import ADULT_IOP
from openiop.scheduling.models import SessionKind
from openiop.scheduling.services import session_create
from tests.clinical_notes.builders import AFTER_INDIVIDUAL, checked_in, objective
from tests.daily import TODAY, attend, local
from tests.factories import PASSWORD, SYSTEM

pytestmark = pytest.mark.django_db


def _older(day, kind, days_ago, clinician, episodes, start=13, end=(14, 30)):
    on = TODAY - dt.timedelta(days=days_ago)
    session = session_create(
        actor=SYSTEM,
        program=day.program,
        kind=kind,
        starts_at=local(start, day=on),
        ends_at=local(end[0], end[1], day=on),
        clinician=clinician,
        cohort=day.tiny.cohort if kind == SessionKind.GROUP else None,
        episodes=episodes,
    )
    for episode in episodes:
        attendance_record_late(
            actor=SYSTEM,
            session=session,
            episode=episode,
            status=AttendanceStatus.PRESENT,
            by=clinician,
            reason="Paper sheet",
        )
    return session


@pytest.fixture
def world(day, clock_at):
    """Today's group and appointment checked in, three older groups and an older appointment,
    and an objective in the first patient's plan; the clock after the appointment."""
    for days_ago in (2, 5, 7):
        _older(day, SessionKind.GROUP, days_ago, day.tiny.facilitator, day.episodes)
    _older(day, SessionKind.INDIVIDUAL, 6, day.tiny.therapist, [day.episodes[0]], 15, (15, 50))
    checked_in(day)
    clock_at.move_to(AFTER_INDIVIDUAL)
    attend(day, day.episodes[0], session=day.individual)
    objective(day, day.episodes[0])
    staff = {
        "therapist": day.tiny.therapist,
        "facilitator": day.tiny.facilitator,
        "director": day.tiny.director,
    }
    passwords = {user.username: PASSWORD for user in staff.values()}
    return day, staff, passwords


def test_the_demo_writes_signed_late_draft_corrected_and_cosign_notes(world):
    day, staff, passwords = world
    # when
    summary = build_notes(SYSTEM, {ADULT_IOP: day.program}, staff, passwords, seed=7)
    # then the groups: today's signed on time, the latest older one late, two drafts
    groups = Note.objects.filter(kind=NoteKind.GROUP).order_by("-service_date")
    assert [(g.service_date, g.state, g.late_entry) for g in groups] == [
        (TODAY, NoteState.SIGNED, False),
        (TODAY - dt.timedelta(days=2), NoteState.SIGNED, True),
        (TODAY - dt.timedelta(days=5), NoteState.DRAFT, False),
        (TODAY - dt.timedelta(days=7), NoteState.DRAFT, False),
    ]
    for group in groups.filter(state=NoteState.SIGNED):
        assert group.entries.count() == 4
        assert identical_entries(group) == []
    assert {g.author for g in groups} == {day.tiny.facilitator}
    # the golden thread where the plan has an objective
    first = groups[0].entries.get(episode=day.episodes[0])
    assert first.objectives.count() == 1
    # individual notes: today's signed, the older one a draft of the therapist
    sessions = Note.objects.filter(kind=NoteKind.INDIVIDUAL_DAP, session__isnull=False)
    assert {(n.session_id, n.state) for n in sessions} == {(day.individual.pk, NoteState.SIGNED)}
    assert Note.objects.filter(
        kind=NoteKind.INDIVIDUAL_BIRP, state=NoteState.DRAFT, author=day.tiny.therapist
    ).exists()
    # one addendum, one entered in error, one awaiting the therapist's co-sign
    assert Addendum.objects.count() == summary.addenda == 1
    wrong = Note.objects.get(state=NoteState.ENTERED_IN_ERROR)
    assert wrong.error_reason
    awaiting = Note.objects.get(state=NoteState.AWAITING_COSIGN)
    assert awaiting.author.username == "trainee"
    assert awaiting.cosigner == day.tiny.therapist
    assert summary.trainee_login is not None
    assert summary.trainee_login[0] == "trainee"
    assert summary.late_entries == 1
    assert "unsigned" in summary.highlight()[1]
