"""The referral pages: taking a referral (every refusal re-renders with the values kept),
the CSV import and its rejected rows, a referral's page, stage and waitlist actions from the
board and the page, and who may reach what."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from openiop.admissions import urls_referrals
from openiop.admissions.models import Referral, Stage, WaitlistEntry
from openiop.admissions.services import waitlist
from openiop.audit.models import AuditEvent
from openiop.patients.models import Patient
from tests import factories
from tests.admissions import scenarios as sc
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db

NEW = reverse("admissions:referral_new")
IMPORT = reverse("admissions:referral_import")
BOARD = reverse("admissions:board")


def _form(f: sc.Front, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "program": f.program.pk,
        "legal_given_name": "Marisol",
        "legal_family_name": "Quintanilla",
        "date_of_birth": "1991-06-14",
        "language": "es",
        "phone": "555-0142",
        "email": "",
        "source": "physician",
        "referrer_name": "Dr. Okafor",
        "reason": "Panic attacks, missing work.",
        "urgency": "soon",
        "requested_track": f.track.pk,
    }
    data.update(overrides)
    return data


def _client(user) -> Client:
    return factories.login(Client(), user)


def _referral_url(name: str, referral: Referral) -> str:
    return reverse(f"admissions:{name}", kwargs={"referral_id": referral.pk})


# --- Taking a referral ----------------------------------------------------------------------


def test_a_referral_entered_in_the_form_is_recorded():
    f = sc.front()
    client = _client(f.coordinator)
    assert client.get(NEW).status_code == 200
    response = client.post(NEW, _form(f))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _referral_url("referral", referral)
    assert referral.episode.patient.language == "es"
    assert referral.requested_track == f.track
    assert referral.created_by == f.coordinator


def test_no_contact_method_is_a_field_error_and_the_values_stay():
    f = sc.front()
    response = _client(f.coordinator).post(NEW, _form(f, phone=""))
    body = response.content.decode()
    assert response.status_code == 400
    assert response.context["form"].errors["phone"] == [
        "Give a phone number or an e-mail address to reach the person."
    ]
    assert 'value="Quintanilla"' in body
    assert "Panic attacks, missing work." in body
    assert not Patient.objects.exists()


def test_a_track_of_another_program_is_refused_on_its_field():
    f = sc.front()
    other = sc.front("Other IOP")
    response = _client(f.coordinator).post(NEW, _form(f, requested_track=other.track.pk))
    assert response.status_code == 400
    assert "requested_track" in response.context["form"].errors
    assert not Referral.objects.exists()


def test_a_duplicate_referral_links_to_the_open_one():
    f = sc.front()
    client = _client(f.coordinator)
    client.post(NEW, _form(f))
    first = Referral.objects.get()
    response = client.post(NEW, _form(f, legal_given_name="MARISOL", urgency="urgent"))
    body = response.content.decode()
    assert response.status_code == 400
    assert _referral_url("referral", first) in body
    assert "already has an open referral" in body
    assert Referral.objects.count() == 1


def test_a_duplicate_in_a_program_the_user_cannot_see_is_not_linked():
    f, other = sc.front(), sc.front("Other IOP")
    theirs = sc.refer(
        other,
        who=sc.person(
            legal_given_name="Marisol",
            legal_family_name="Quintanilla",
            date_of_birth=dt.date(1991, 6, 14),
        ),
    )
    body = _client(f.coordinator).post(NEW, _form(f)).content.decode()
    assert "in a program you cannot open" in body
    assert _referral_url("referral", theirs) not in body


def test_a_likely_duplicate_is_answered_by_referring_the_existing_patient():
    f = sc.front()
    known = factories.patient(
        f.program,
        legal_given_name="Marisol",
        legal_family_name="Quintanilla",
        date_of_birth=dt.date(1991, 6, 14),
        phone="555-0100",
    )
    sc.discharge(known.episodes.get())
    client = _client(f.coordinator)
    # given
    asked = client.post(NEW, _form(f))
    body = asked.content.decode()
    assert asked.status_code == 400
    assert known.mrn in body
    assert "Refer this existing patient" in body
    assert "Panic attacks, missing work." in body
    assert AuditEvent.objects.filter(action="PATIENT_LISTED", patient_id=known.pk).exists()
    # when
    response = client.post(NEW, _form(f, resolution="existing", existing_patient=known.pk))
    # then
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.episode.patient_id == known.pk
    assert Patient.objects.count() == 1


def test_a_likely_duplicate_is_answered_by_confirming_a_different_person():
    f = sc.front()
    factories.patient(
        f.program,
        legal_given_name="Marisol",
        legal_family_name="Quintanilla",
        date_of_birth=dt.date(1991, 6, 14),
    )
    response = _client(f.coordinator).post(NEW, _form(f, resolution="different"))
    assert response.status_code == 302
    assert Patient.objects.count() == 2


def test_an_existing_patient_outside_ones_programs_cannot_be_picked():
    f, other = sc.front(), sc.front("Other IOP")
    hidden = factories.patient(
        other.program,
        legal_given_name="Marisol",
        legal_family_name="Quintanilla",
        date_of_birth=dt.date(1991, 6, 14),
        phone="555",
    )
    client = _client(f.coordinator)
    body = client.post(NEW, _form(f)).content.decode()
    assert hidden.mrn not in body
    assert "in a program you cannot open" in body
    response = client.post(NEW, _form(f, resolution="existing", existing_patient=hidden.pk))
    assert response.status_code == 400
    assert "existing_patient" in response.context["form"].errors
    assert not Referral.objects.exists()


def test_the_program_list_holds_only_ones_own_programs():
    f, other = sc.front(), sc.front("Other IOP")
    response = _client(f.coordinator).post(NEW, _form(f, program=other.program.pk))
    assert response.status_code == 400
    assert "program" in response.context["form"].errors


# --- CSV import -----------------------------------------------------------------------------

HEADER = "legal_given_name,legal_family_name,date_of_birth,phone,email,source,urgency,reason"


def _upload(text: bytes, name: str = "referrals.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text, content_type="text/csv")


def test_an_import_reports_imported_and_rejected_rows_and_offers_them_as_csv():
    f = sc.front()
    client = _client(f.coordinator)
    assert client.get(IMPORT).status_code == 200
    data = "\n".join(
        [HEADER, "Ana,Ruiz,1990-01-02,555,,self,soon,Low mood", "=Bo,Lin,1985-07-30,,,self,soon,x"]
    ).encode()
    response = client.post(IMPORT, {"program": f.program.pk, "file": _upload(data)})
    body = response.content.decode()
    referral = Referral.objects.get()
    assert response.status_code == 200
    assert _referral_url("referral", referral) in body
    assert "referral_no_contact_method" in body
    payload = response.context["payload"]
    download = client.post(reverse("admissions:referral_import_rejected"), {"payload": payload})
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="rejected-referrals.csv"'
    text = download.content.decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["legal_given_name"] == "'=Bo"
    assert row["error_line"] == "3"
    assert AuditEvent.objects.get(action="REFERRAL_REJECTS_EXPORTED").detail == {"rows": 1}


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("Jos\xe9".encode("latin-1"), "not UTF-8"),
        (b"name,phone\nAna,555\n", "Required columns are missing"),
        (b"", "empty"),
    ],
)
def test_an_unusable_file_is_a_form_error_and_nothing_is_imported(data, words):
    f = sc.front()
    response = _client(f.coordinator).post(IMPORT, {"program": f.program.pk, "file": _upload(data)})
    assert response.status_code == 400
    assert words in " ".join(response.context["form"].errors["file"])
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "not json",
        '{"columns": ["nope"], "rows": []}',
        '{"columns": [], "rows": [{"line": "x"}]}',
    ],
)
def test_a_tampered_rejected_rows_payload_is_a_400(payload):
    f = sc.front()
    response = _client(f.coordinator).post(
        reverse("admissions:referral_import_rejected"), {"payload": payload}
    )
    assert response.status_code == 400


# --- A referral's page and its actions ------------------------------------------------------


def test_the_referral_page_shows_the_facts_and_history_and_is_audited():
    f = sc.front()
    with sc.at(sc.T0):
        referral = sc.refer(f, who=sc.person(legal_given_name="Zephyrine"))
    with sc.at(sc.T0 + sc.days(2)):
        referral = sc.advance(f, referral, Stage.SCREENING)
        response = _client(f.therapist).get(_referral_url("referral", referral))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Zephyrine" in body
    assert "Dr. Ada Referrer" in body
    assert "2.0 days" in body  # referred, then screening
    assert "Move to intake scheduled" not in body  # a therapist does not manage referrals
    assert AuditEvent.objects.filter(
        action="REFERRAL_VIEWED", patient_id=referral.episode.patient_id
    ).exists()


def test_moving_on_from_the_board_takes_the_intake_time_in_the_programs_zone():
    f = sc.front()
    referral = sc.advance(f, sc.refer(f), Stage.SCREENING)
    client = _client(f.coordinator)
    url = _referral_url("referral_advance", referral)
    refused = client.post(url, {"return_to": "board"})
    assert refused.status_code == 400
    assert "Give the date and time of the intake appointment." in refused.content.decode()
    assert refused.context["board"] is not None
    response = client.post(url, {"return_to": "board", "intake_at": "2026-12-10T09:30"})
    assert response.status_code == 302
    assert response["Location"] == BOARD
    referral.refresh_from_db()
    assert referral.stage == Stage.INTAKE_SCHEDULED
    assert referral.intake_at == dt.datetime(2026, 12, 10, 15, 30, tzinfo=dt.UTC)  # CST


def test_a_local_time_that_does_not_exist_is_refused():
    f = sc.front()
    referral = sc.advance(f, sc.refer(f), Stage.SCREENING)
    response = _client(f.coordinator).post(
        _referral_url("referral_advance", referral), {"intake_at": "2027-03-14T02:30"}
    )
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.stage == Stage.SCREENING


def test_a_refused_move_shows_its_reason_on_the_referral_page():
    f = sc.front()
    referral = sc.advance(f, sc.refer(f), Stage.INTAKE_SCHEDULED)
    response = _client(f.coordinator).post(_referral_url("referral_advance", referral))
    assert response.status_code == 400
    assert "Complete the intake assessment" in response.content.decode()


def test_closing_needs_a_reason():
    f = sc.front()
    referral = sc.refer(f)
    client = _client(f.coordinator)
    url = _referral_url("referral_close", referral)
    assert client.post(url, {"reason": "bored"}).status_code == 400
    response = client.post(url, {"reason": "unreachable", "note": "Three calls, no answer."})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.stage == Stage.CLOSED
    assert referral.close_note == "Three calls, no answer."


def test_the_waitlist_from_the_referral_page_and_the_board():
    f = sc.front()
    sc.full_track(f, seats=1)
    client = _client(f.coordinator)
    referral = sc.ready(f)
    add = _referral_url("waitlist_add", referral)
    assert client.post(add, {"track": f.track.pk}).status_code == 302
    page = client.get(_referral_url("referral", referral)).content.decode()
    assert "1st: routine; the only one waiting" in page
    sc.discharge(f.track.episodes.get(state="admitted"))
    board = client.get(BOARD).content.decode()
    assert "Offer the seat to" in board
    offer = reverse("admissions:waitlist_offer", kwargs={"track_id": f.track.pk})
    assert client.post(offer).status_code == 302
    entry = WaitlistEntry.objects.get()
    assert entry.offered_at is not None
    assert client.post(_referral_url("waitlist_decline", referral)).status_code == 302
    assert client.post(_referral_url("waitlist_remove", referral)).status_code == 302
    entry.refresh_from_db()
    assert entry.offer_declined_at is not None
    assert entry.closed_at is not None


def test_waiting_for_a_track_with_a_seat_open_is_refused_with_the_reason():
    f = sc.front()
    sc.rolling_cohort(f, seats=2)
    referral = sc.ready(f)
    response = _client(f.coordinator).post(
        _referral_url("waitlist_add", referral), {"track": f.track.pk}
    )
    assert response.status_code == 400
    assert "admit the person instead" in response.content.decode()
    assert not WaitlistEntry.objects.exists()


# --- Who may reach what ---------------------------------------------------------------------


def _referral_routes() -> list[str]:
    """Every page of this area that names a referral, from the URLconf."""
    return [
        p.name
        for p in urls_referrals.urlpatterns
        if p.name and "referral_id" in p.pattern.converters
    ]


def test_another_programs_coordinator_gets_404_everywhere_and_changes_nothing():
    f, other = sc.front(), sc.front("Other IOP")
    sc.full_track(f, seats=1)
    referral = sc.ready(f)
    waitlist.waitlist_add(actor=SYSTEM, user=None, referral=referral, track=f.track)
    client = _client(other.coordinator)
    names = _referral_routes()
    assert len(names) == 6
    data = {"track": str(f.track.pk), "reason": "declined", "intake_at": "2026-12-01T10:00"}
    for name in names:
        url = _referral_url(name, referral)
        response = client.get(url) if name == "referral" else client.post(url, data)
        assert response.status_code == 404, name
    offer = reverse("admissions:waitlist_offer", kwargs={"track_id": f.track.pk})
    assert client.post(offer).status_code == 404
    assert client.get(f"{BOARD}?program={f.program.pk}").status_code == 404
    referral.refresh_from_db()
    assert referral.stage == Stage.AUTHORIZED
    assert WaitlistEntry.objects.get().closed_at is None
    denied = AuditEvent.objects.filter(outcome="denied")
    assert denied.count() == len(names) + 1
    assert not denied.exclude(patient_id=None).exists()


def test_missing_and_not_yours_look_the_same():
    f, other = sc.front(), sc.front("Other IOP")
    theirs = sc.refer(other)
    client = _client(f.coordinator)
    for referral_id in (theirs.pk, theirs.pk + 1000, 0, 2**64):
        assert client.get(f"/admissions/referrals/{referral_id}/").status_code == 404
    assert client.get(f"{BOARD}?program=abc").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        BOARD,
        NEW,
        IMPORT,
    ],
)
def test_a_group_facilitator_without_the_front_door_is_refused(url):
    f = sc.front()
    assert _client(f.facilitator).get(url).status_code == 403


def test_a_group_facilitator_cannot_open_or_move_a_referral():
    f = sc.front()
    referral = sc.refer(f)
    client = _client(f.facilitator)
    assert client.get(_referral_url("referral", referral)).status_code == 403
    assert client.post(_referral_url("referral_advance", referral)).status_code == 403
    referral.refresh_from_db()
    assert referral.stage == Stage.REFERRED
    assert AuditEvent.objects.filter(action="ACCESS_DENIED").count() == 2


def test_a_therapist_reads_the_board_but_cannot_take_or_move_referrals():
    f = sc.front()
    referral = sc.refer(f)
    client = _client(f.therapist)
    assert client.get(BOARD).status_code == 200
    assert client.get(NEW).status_code == 403
    assert client.post(_referral_url("referral_advance", referral)).status_code == 403


def test_the_largest_rejected_file_fits_through_the_download_form():
    f = sc.front()
    client = _client(f.coordinator)
    reason = "ü" * 470  # two bytes each: 1,000 rows of about 990 bytes
    rows = [f"Ana{i},Ruiz,1990-01-02,,,self,soon,{reason}" for i in range(1000)]
    data = "\n".join([HEADER, *rows]).encode()
    assert 900_000 < len(data) < 1_000_000
    report = client.post(IMPORT, {"program": f.program.pk, "file": _upload(data)})
    assert len(report.context["report"].rejected) == 1000
    download = client.post(
        reverse("admissions:referral_import_rejected"), {"payload": report.context["payload"]}
    )
    assert download.status_code == 200
    assert download.content.decode("utf-8-sig").count(reason) == 1000
