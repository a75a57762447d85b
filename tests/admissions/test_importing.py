"""The referral CSV import: whole-file refusals import nothing; each bad row is reported
with its line, column and code while the good rows import; the rejected rows come back as a
neutralized CSV that can be corrected and imported again."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from openiop.admissions.models import Referral, ReferralSource, Stage, Urgency
from openiop.admissions.services.importing import (
    MAX_BYTES,
    MAX_ROWS,
    CsvRejected,
    RejectedRow,
    RowProblem,
    read_referral_csv,
    referrals_import,
    rejected_rows_csv,
)
from openiop.audit.models import AuditEvent
from openiop.patients.models import Patient
from tests import factories
from tests.admissions import scenarios as sc
from tests.factories import SYSTEM

HEADER = "legal_given_name,legal_family_name,date_of_birth,phone,email,source,urgency,reason"
BOM = b"\xef\xbb\xbf"


def _file(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def _import(f: sc.Front, data: bytes):
    return referrals_import(actor=SYSTEM, user=f.coordinator, program=f.program, data=data)


# --- Whole-file refusals (no database needed: nothing is read or written) ------------------


@pytest.mark.parametrize(
    ("data", "problem", "words"),
    [
        pytest.param(b"", "empty", "empty", id="empty"),
        pytest.param(BOM + b"  \r\n", "empty", "empty", id="only a BOM"),
        pytest.param(_file(), "no_rows", "no referrals", id="header only"),
        pytest.param(b'a,"b\n', "missing_columns", "legal_given_name", id="not a header"),
    ],
)
def test_unusable_files_are_refused_as_a_whole(data, problem, words):
    with pytest.raises(CsvRejected) as refused:
        read_referral_csv(data)
    assert refused.value.problem == problem
    assert refused.value.code == "referral_file_rejected"
    assert words in refused.value.message


def test_a_file_that_is_not_utf8_names_the_line_and_the_byte():
    data = _file("Ana,Ruiz,1990-01-02,555,,self,soon,Low mood") + "Jos\xe9".encode("latin-1")
    with pytest.raises(CsvRejected) as refused:
        read_referral_csv(data)
    assert refused.value.problem == "not_utf8"
    assert "byte 0xE9 on line 3" in refused.value.message
    assert "CSV UTF-8" in refused.value.message


def test_a_binary_file_is_refused():
    with pytest.raises(CsvRejected) as refused:
        read_referral_csv(_file("Ana,Ruiz,1990-01-02,555,,self,soon,Low\x00mood"))
    assert refused.value.problem == "not_text"
    assert "line 2" in refused.value.message


@pytest.mark.parametrize(
    ("header", "problem", "named"),
    [
        (
            "legal_given_name,legal_family_name,phone,email,source,urgency",
            "missing_columns",
            "date_of_birth, reason",
        ),
        (HEADER + ",favourite_colour", "unknown_columns", "favourite_colour"),
        (HEADER + ",Phone", "duplicate_columns", "phone"),
    ],
)
def test_the_header_must_name_the_documented_columns(header, problem, named):
    with pytest.raises(CsvRejected) as refused:
        read_referral_csv(_file("a,b,c", header=header))
    assert refused.value.problem == problem
    assert named in refused.value.message


def test_too_many_rows_or_bytes_are_refused():
    row = "Ana,Ruiz,1990-01-02,555,,self,soon,Low mood"
    with pytest.raises(CsvRejected) as many:
        read_referral_csv(_file(*[row] * (MAX_ROWS + 1)))
    assert many.value.problem == "too_many_rows"
    assert read_referral_csv(_file(*[row] * MAX_ROWS))[1][-1].line == MAX_ROWS + 1
    with pytest.raises(CsvRejected) as large:
        read_referral_csv(_file(row) + b" " * MAX_BYTES)
    assert large.value.problem == "too_large"


def test_a_bom_headers_in_any_case_and_blank_lines_are_fine():
    data = BOM + _file(
        "Ana,Ruiz,1990-01-02,555,,self,soon,Low mood",
        ",,,,,,,",
        '"Bo","Lin",1985-07-30,,bo@example.org,therapist,routine,"Panic attacks,\nmissing work"',
        "Cy,Park,1979-02-11,555,,other,urgent,Relapse",
        header=HEADER.upper().replace(",", " , "),
    )
    columns, rows = read_referral_csv(data)
    assert columns[0] == "legal_given_name"
    assert [r.line for r in rows] == [2, 4, 6]
    assert rows[1].cells["reason"] == "Panic attacks,\nmissing work"


# --- Importing ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_good_rows_import_with_their_details_and_the_import_is_audited_by_counts():
    f = sc.front()
    header = HEADER + ",requested_track,preferred_name,language,referrer_name,insurance_payer"
    track = f.track.name.upper()
    data = BOM + _file(
        f"Ana,Ruiz,1990-01-02,555-0100,,Step_Down,URGENT,Discharged from the unit,{track},Annie,es,Dr. Wu,Aetna",
        "Bo,Lin,1985-07-30,,bo@example.org,Therapist,Soon (within a week),Panic,,,,,",
        header=header,
    )
    report = _import(f, data)
    assert [r.line for r in report.imported] == [2, 3]
    assert report.rejected == []
    ana = Referral.objects.get(pk=report.imported[0].referral_id)
    assert (ana.source, ana.urgency, ana.requested_track) == (
        ReferralSource.STEP_DOWN,
        Urgency.URGENT,
        f.track,
    )
    assert ana.episode.patient.preferred_name == "Annie"
    assert ana.episode.patient.language == "es"
    assert ana.referrer_name == "Dr. Wu"
    assert ana.insurance_payer == "Aetna"
    assert ana.stage == Stage.REFERRED
    assert ana.created_by == f.coordinator
    event = AuditEvent.objects.get(action="REFERRALS_IMPORTED")
    assert event.detail == {"rows": 2, "imported": 2, "rejected": 0}
    assert event.patient_id is None
    assert AuditEvent.objects.filter(action="REFERRAL_CREATED").count() == 2


ROW_CASES = [
    ("Ana,Ruiz,1990-01-02,,,self,soon,Low mood", "phone", "referral_no_contact_method"),
    ("Ana,Ruiz,17/05/1990,555,,self,soon,Low mood", "date_of_birth", "bad_date"),
    ("Ana,Ruiz,1990-02-30,555,,self,soon,Low mood", "date_of_birth", "bad_date"),
    ("Ana,Ruiz,1990-01-02,555,,friend,soon,Low mood", "source", "unknown_source"),
    ("Ana,Ruiz,1990-01-02,555,,self,asap,Low mood", "urgency", "unknown_urgency"),
    ("Ana,Ruiz,1990-01-02,555,,self,soon,", "reason", "missing_value"),
    (",Ruiz,1990-01-02,555,,self,soon,Low mood", "legal_given_name", "missing_value"),
    ("Ana,Ruiz,1990-01-02,555,ana@,self,soon,Low mood", "email", "invalid"),
    ("Ana,Ruiz,2090-01-02,555,,self,soon,Low mood", "date_of_birth", "invalid"),
    ("Ana,Ruiz,1990-01-02,555,,self,soon,Low mood,extra", "", "row_wrong_length"),
    ("Ana,Ruiz,1990-01-02,555", "", "row_wrong_length"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "column", "code"), ROW_CASES)
def test_a_bad_row_is_reported_and_the_good_rows_still_import(row, column, code):
    f = sc.front()
    before = Patient.objects.count()
    report = _import(f, _file("Gil,Good,1980-03-04,555,,self,routine,Anxiety", row))
    assert len(report.imported) == 1
    [rejected] = report.rejected
    assert rejected.line == 3
    assert (column, code) in [(p.column, p.code) for p in rejected.problems]
    assert all(p.message for p in rejected.problems)
    assert Patient.objects.count() == before + 1  # the bad row left no patient behind
    assert AuditEvent.objects.get(action="REFERRALS_IMPORTED").detail == {
        "rows": 2,
        "imported": 1,
        "rejected": 1,
    }


@pytest.mark.django_db
def test_unknown_tracks_and_languages_and_several_problems_in_one_row():
    f = sc.front()
    header = HEADER + ",requested_track,language"
    report = _import(f, _file("Ana,Ruiz,1990-13-02,555,,nobody,soon,Low,Morning,xx", header=header))
    codes = {(p.column, p.code) for p in report.rejected[0].problems}
    assert codes == {
        ("date_of_birth", "bad_date"),
        ("source", "unknown_source"),
        ("requested_track", "unknown_track"),
        ("language", "unknown_language"),
    }


@pytest.mark.django_db
def test_duplicates_are_reported_within_the_file_and_against_known_patients():
    f = sc.front()
    known = factories.patient(f.program, legal_given_name="Known", legal_family_name="Person")
    report = _import(
        f,
        _file(
            "Ana,Ruiz,1990-01-02,555,,self,soon,Low mood",
            "ANA,Ruiz,1990-01-02,555,,self,urgent,Low mood again",
            f"Known,Person,{known.date_of_birth.isoformat()},555,,self,soon,Back again",
        ),
    )
    assert [r.line for r in report.imported] == [2]
    assert [(r.line, r.problems[0].code) for r in report.rejected] == [
        (3, "duplicate_referral"),
        (4, "likely_duplicate_patient"),
    ]
    assert "referral form" in report.rejected[1].problems[0].message


@pytest.mark.django_db
def test_a_rejected_file_changes_nothing_and_is_not_audited():
    f = sc.front()
    with pytest.raises(CsvRejected):
        _import(f, _file("Ana,Ruiz,1990-01-02,555,,self,soon,Low mood", header="name,phone"))
    assert not Referral.objects.exists()
    assert not AuditEvent.objects.filter(action="REFERRALS_IMPORTED").exists()


# --- The rejected rows as CSV ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_rejected_rows_csv_is_neutralized_and_imports_once_corrected():
    f = sc.front()
    report = _import(
        f,
        _file(
            "=HYPERLINK(1),Ruiz,1990-01-02,+1 555 0100,,self,soon,@once",
            "Bo,Lin,1985-07-30,,,therapist,routine,Panic",
        ),
    )
    assert [r.line for r in report.imported] == [2]
    text = rejected_rows_csv(report.columns, report.rejected)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows == [
        {
            **dict.fromkeys(HEADER.split(","), ""),
            "legal_given_name": "Bo",
            "legal_family_name": "Lin",
            "date_of_birth": "1985-07-30",
            "source": "therapist",
            "urgency": "routine",
            "reason": "Panic",
            "error_line": "3",
            "error_column": "phone",
            "error_code": "referral_no_contact_method",
            "error_message": "Give a phone number or an e-mail address to reach the person.",
        }
    ]
    # corrected and imported again, problem columns and all
    fixed = text.replace("1985-07-30,,,", "1985-07-30,'+1 555 0199,,")
    again = _import(f, fixed.encode())
    assert len(again.imported) == 1
    assert again.rejected == []
    bo = Referral.objects.get(pk=again.imported[0].referral_id).episode.patient
    assert bo.phone == "+1 555 0199"


def test_formulas_in_rejected_rows_are_neutralized():
    text = rejected_rows_csv(
        ("legal_given_name", "reason"),
        [
            RejectedRow(
                2, {"legal_given_name": "=cmd()", "reason": "-2"}, (RowProblem(2, "", "x", "@m"),)
            )
        ],
    )
    assert "'=cmd()" in text
    assert ",'-2," in text
    assert "'@m" in text


@pytest.mark.django_db
def test_the_documented_example_imports():
    doc = (Path(__file__).parents[2] / "docs" / "admissions.md").read_text(encoding="utf-8")
    example = doc.split("```csv\n", 1)[1].split("```", 1)[0]
    f = sc.front()
    report = _import(f, example.encode())
    assert report.rejected == []
    assert len(report.imported) == 3


@pytest.mark.django_db
def test_a_referral_received_earlier_keeps_its_local_time_and_pronouns_are_kept():
    f = sc.front()  # America/Chicago
    header = HEADER + ",received_at,pronouns"
    data = _file(
        "Ana,Ruiz,1990-01-02,555,,self,soon,Faxed,2026-03-01 09:15,they/them",
        "Bo,Lin,1985-07-30,555,,self,soon,Faxed,2026-02-20,",
        "Cy,Park,1979-02-11,555,,self,soon,Faxed,yesterday,",
        "Di,Ng,1979-02-11,555,,self,soon,Faxed,2026-03-09,",
        "Ed,Oh,1979-02-11,555,,self,soon,Faxed,2024-03-01,",
        header=header,
    )
    with sc.at(sc.T0):
        report = _import(f, data)
    ana, bo = (Referral.objects.get(pk=r.referral_id) for r in report.imported)
    assert ana.received_at == dt.datetime(2026, 3, 1, 15, 15, tzinfo=dt.UTC)
    assert ana.stage_since == ana.received_at
    assert ana.stage_changes.get().entered_at == ana.received_at
    assert ana.episode.patient.pronouns == "they/them"
    assert bo.received_at == dt.datetime(2026, 2, 20, 6, tzinfo=dt.UTC)  # local midnight
    assert [(r.line, [(p.column, p.code) for p in r.problems]) for r in report.rejected] == [
        (4, [("received_at", "bad_datetime")]),
        (5, [("received_at", "invalid")]),  # in the future
        (6, [("received_at", "invalid")]),  # over a year ago
    ]
