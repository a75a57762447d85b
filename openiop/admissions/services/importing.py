"""Import of referrals from a CSV file (the columns are documented in docs/admissions.md).

A file that cannot be read as a whole (not UTF-8, missing or unknown columns, empty, too
many rows, too large) is refused with ReferralFileRejected and nothing is imported. Each row
of a readable file is checked and then created through ``referral_create`` in a savepoint
of its own: a bad row is reported with its line, column, a stable code and a message, and
the good rows import.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction

from openiop.accounts.models import User
from openiop.admissions.errors import ReferralFileRejected
from openiop.admissions.models import ReferralSource, Urgency
from openiop.admissions.services.referrals import Person, ReferralDetails, referral_create
from openiop.audit.models import DataCategory
from openiop.audit.services import Entry, audit_record
from openiop.core.actor import Actor
from openiop.core.errors import DomainError
from openiop.core.spreadsheets import neutralize
from openiop.patients.errors import LikelyDuplicatePatient
from openiop.patients.models import Language
from openiop.programs.models import Program, Track

MAX_BYTES = 1_000_000
MAX_ROWS = 1000
REQUIRED_COLUMNS = (
    "legal_given_name",
    "legal_family_name",
    "date_of_birth",
    "phone",
    "email",
    "source",
    "urgency",
    "reason",
)
OPTIONAL_COLUMNS = (
    "received_at",
    "preferred_name",
    "pronouns",
    "language",
    "referrer_name",
    "referrer_organization",
    "referrer_phone",
    "referrer_email",
    "requested_track",
    "insurance_payer",
    "insurance_member_id",
)
# The rejected-rows file adds these; a corrected copy of it can be uploaded as it is.
PROBLEM_COLUMNS = ("error_line", "error_column", "error_code", "error_message")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LOCAL_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2}))?")


class CsvRejected(ReferralFileRejected):
    """ReferralFileRejected with a stable ``problem``: ``too_large``, ``empty``,
    ``not_utf8``, ``not_text``, ``malformed``, ``missing_columns``, ``unknown_columns``,
    ``duplicate_columns``, ``no_rows``, ``too_many_rows``."""

    def __init__(self, message: str, *, problem: str) -> None:
        super().__init__(message)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class RowProblem:
    line: int
    column: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int
    cells: dict[str, str]


@dataclass(frozen=True, slots=True)
class RejectedRow:
    line: int
    cells: dict[str, str]
    problems: tuple[RowProblem, ...]


@dataclass(frozen=True, slots=True)
class ImportedRow:
    line: int
    referral_id: int


@dataclass(frozen=True, slots=True)
class ImportReport:
    columns: tuple[str, ...]
    imported: list[ImportedRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise CsvRejected(
            f"The file is larger than {MAX_BYTES // 1000} kB: split it and upload the parts.",
            problem="too_large",
        )
    offset = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    body = data[offset:]
    if not body.strip():
        raise CsvRejected("The file is empty.", problem="empty")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        raise CsvRejected(
            f"The file is not UTF-8 text: byte 0x{body[exc.start]:02X} on line {line} (byte "
            f"{exc.start + offset + 1} of the file) cannot be read. Save it as “CSV UTF-8” "
            "and upload it again.",
            problem="not_utf8",
        ) from exc
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise CsvRejected(
            f"The file holds a NUL character on line {line}: it is not a CSV text file.",
            problem="not_text",
        )
    return text


def _header(names: list[str]) -> list[str]:
    columns = [n.strip().lower() for n in names]
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if duplicated:
        raise CsvRejected(
            f"These columns appear twice: {', '.join(duplicated)}.", problem="duplicate_columns"
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise CsvRejected(
            f"Required columns are missing: {', '.join(missing)}.", problem="missing_columns"
        )
    known = {*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, *PROBLEM_COLUMNS}
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise CsvRejected(
            f"Unknown columns (check their spelling): {', '.join(unknown) or '(blank)'}.",
            problem="unknown_columns",
        )
    return columns


def read_referral_csv(data: bytes) -> tuple[tuple[str, ...], list[CsvRow]]:
    """The header and the non-blank rows of an uploaded file, each with the line it starts
    on. Raises CsvRejected (a ReferralFileRejected) when the file as a whole is unusable."""
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        columns = _header(next(reader, []))
        rows = list(_rows(reader, columns))
    except csv.Error as exc:
        raise CsvRejected(
            f"The file is not valid CSV near line {reader.line_num}: {exc}.", problem="malformed"
        ) from exc
    if not rows:
        raise CsvRejected("The file has a header but no referrals.", problem="no_rows")
    if len(rows) > MAX_ROWS:
        raise CsvRejected(
            f"The file has {len(rows)} referrals; import at most {MAX_ROWS} at a time.",
            problem="too_many_rows",
        )
    return tuple(columns), rows


def _rows(reader: Iterator[list[str]], columns: list[str]) -> Iterator[CsvRow]:
    line_num = getattr(reader, "line_num", 1)
    for values in reader:
        start = line_num + 1
        line_num = getattr(reader, "line_num", start)
        if not any(v.strip() for v in values):
            continue
        cells = dict(zip(columns, (v.strip() for v in values), strict=False))
        if len(values) != len(columns):
            cells["__length__"] = f"{len(values)} values for {len(columns)} columns"
        yield CsvRow(line=start, cells=cells)


def _unneutralize(value: str) -> str:
    """Undo ``neutralize`` on a corrected rejected-rows file: a leading apostrophe before
    = + - @ only marked the cell as text."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        return value[1:]
    return value


def _choice(value: str, choices: list[tuple[str, str]]) -> str | None:
    """A choice given by its code or its label, case-insensitively."""
    folded = value.strip().casefold()
    for code, label in choices:
        if folded in (code.casefold(), str(label).casefold()):
            return code
    return None


class _RowReader:
    """Reads one row's cells into a Person and ReferralDetails, collecting every problem."""

    def __init__(self, row: CsvRow, tracks: dict[str, Track], zone: ZoneInfo) -> None:
        self.line = row.line
        self.zone = zone
        self.cells = {k: _unneutralize(v) for k, v in row.cells.items()}
        self.tracks = tracks
        self.problems: list[RowProblem] = []
        if "__length__" in self.cells:
            self.problem(
                "",
                "row_wrong_length",
                f"The row has {self.cells.pop('__length__')}: check for a stray comma or a "
                "missing value.",
            )

    def problem(self, column: str, code: str, message: str) -> None:
        self.problems.append(RowProblem(self.line, column, code, message))

    def text(self, column: str, *, required: bool = False) -> str:
        value = self.cells.get(column, "")
        if required and not value:
            self.problem(column, "missing_value", f"Fill in {column.replace('_', ' ')}.")
        return value

    def date(self, column: str) -> dt.date:
        value = self.cells.get(column, "")
        try:
            if _ISO_DATE.fullmatch(value):
                return dt.date.fromisoformat(value)
        except ValueError:
            pass
        self.problem(column, "bad_date", f"Write the date as YYYY-MM-DD, not “{value}”.")
        return dt.date.min

    def moment(self, column: str) -> dt.datetime | None:
        """A local date (midnight) or date and time in the program's zone, or None."""
        value = self.cells.get(column, "")
        if not value:
            return None
        found = _LOCAL_TIME.fullmatch(value)
        try:
            if found:
                day = dt.date.fromisoformat(found[1])
                time = dt.time(int(found[2] or 0), int(found[3] or 0))
                return dt.datetime.combine(day, time, self.zone)
        except ValueError:
            pass
        self.problem(
            column,
            "bad_datetime",
            f"Write it as YYYY-MM-DD or YYYY-MM-DD HH:MM (local time), not “{value}”.",
        )
        return None

    def choice(self, column: str, choices: list[tuple[str, str]], *, default: str = "") -> str:
        value = self.cells.get(column, "")
        if not value and default:
            return default
        code = _choice(value, choices)
        if code is None:
            allowed = ", ".join(c for c, _ in choices)
            self.problem(column, f"unknown_{column}", f"“{value}” is not one of: {allowed}.")
        return code or ""

    def track(self) -> Track | None:
        name = self.cells.get("requested_track", "")
        if not name:
            return None
        track = self.tracks.get(name.casefold())
        if track is None:
            self.problem("requested_track", "unknown_track", f"No track is named “{name}”.")
        return track


_Parsed = tuple[Person, ReferralDetails, dt.datetime | None]


def _parse(row: CsvRow, tracks: dict[str, Track], zone: ZoneInfo) -> _Parsed | list[RowProblem]:
    r = _RowReader(row, tracks, zone)
    person = Person(
        legal_given_name=r.text("legal_given_name", required=True),
        legal_family_name=r.text("legal_family_name", required=True),
        date_of_birth=r.date("date_of_birth"),
        phone=r.text("phone"),
        email=r.text("email"),
        preferred_name=r.text("preferred_name"),
        pronouns=r.text("pronouns"),
        language=r.choice("language", Language.choices, default=Language.ENGLISH),
    )
    details = ReferralDetails(
        source=ReferralSource(r.choice("source", ReferralSource.choices) or ReferralSource.OTHER),
        reason=r.text("reason", required=True),
        urgency=Urgency(r.choice("urgency", Urgency.choices) or Urgency.ROUTINE),
        referrer_name=r.text("referrer_name"),
        referrer_organization=r.text("referrer_organization"),
        referrer_phone=r.text("referrer_phone"),
        referrer_email=r.text("referrer_email"),
        requested_track=r.track(),
        insurance_payer=r.text("insurance_payer"),
        insurance_member_id=r.text("insurance_member_id"),
    )
    received = r.moment("received_at")
    return r.problems or (person, details, received)


def _problems(line: int, exc: DomainError | ValidationError) -> tuple[RowProblem, ...]:
    if isinstance(exc, LikelyDuplicatePatient):
        message = (
            "Someone with this legal name and date of birth is already registered: enter this "
            "referral in the referral form, which lets you pick the existing record or confirm "
            "a different person."
        )
        return (RowProblem(line, "", exc.code, message),)
    if isinstance(exc, DomainError):
        return (RowProblem(line, exc.field or "", exc.code, exc.message),)
    known = {*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS}
    if not hasattr(exc, "error_dict"):
        return (RowProblem(line, "", exc.code or "invalid", " ".join(exc.messages)),)
    return tuple(
        RowProblem(line, name if name in known else "", e.code or "invalid", " ".join(e.messages))
        for name, errors in exc.error_dict.items()
        for e in errors
    )


def _original(row: CsvRow) -> dict[str, str]:
    return {k: v for k, v in row.cells.items() if k not in (*PROBLEM_COLUMNS, "__length__")}


def _import_row(
    row: CsvRow, *, actor: Actor, user: User | None, program: Program, tracks: dict[str, Track]
) -> ImportedRow | RejectedRow:
    parsed = _parse(row, tracks, program.zone)
    if isinstance(parsed, list):
        return RejectedRow(row.line, _original(row), tuple(parsed))
    person, details, received = parsed
    try:
        with transaction.atomic():  # a savepoint: a refused row leaves nothing behind
            referral = referral_create(
                actor=actor,
                user=user,
                program=program,
                details=details,
                person=person,
                received_at=received,
            )
    except (DomainError, ValidationError) as exc:
        return RejectedRow(row.line, _original(row), _problems(row.line, exc))
    return ImportedRow(row.line, referral.pk)


@transaction.atomic
def referrals_import(
    *, actor: Actor, user: User | None, program: Program, data: bytes
) -> ImportReport:
    """Import the referrals of an uploaded CSV into ``program`` (which the caller authorized
    for MANAGE_REFERRALS). Raises CsvRejected (a ReferralFileRejected) for a file that
    cannot be read, before anything is written. Each good row is a ``referral_create`` in
    its own savepoint (with its own audit rows); each bad row is reported. Audits
    REFERRALS_IMPORTED with counts only."""
    columns, rows = read_referral_csv(data)
    tracks = {t.name.casefold(): t for t in Track.objects.filter(program=program)}
    report = ImportReport(columns=columns)
    for row in rows:
        outcome = _import_row(row, actor=actor, user=user, program=program, tracks=tracks)
        if isinstance(outcome, ImportedRow):
            report.imported.append(outcome)
        else:
            report.rejected.append(outcome)
    counts = {"rows": len(rows), "imported": len(report.imported), "rejected": len(report.rejected)}
    audit_record(
        actor=actor,
        entry=Entry(
            action="REFERRALS_IMPORTED",
            category=DataCategory.REFERRAL,
            object_type="program",
            object_id=str(program.pk),
            detail=counts,
        ),
    )
    return report


def rejected_rows_csv(columns: tuple[str, ...], rejected: list[RejectedRow]) -> str:
    """The rejected rows as CSV in the upload's columns plus the problems, one line per row,
    every cell neutralized against formula injection. Fix the cells, delete nothing, and
    upload it again: the problem columns are ignored on import."""
    base = [c for c in columns if c not in PROBLEM_COLUMNS]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(base + list(PROBLEM_COLUMNS))
    for row in rejected:
        problems = row.problems
        writer.writerow(
            [neutralize(row.cells.get(c, "")) for c in base]
            + [
                str(row.line),
                neutralize("; ".join(p.column for p in problems)),
                neutralize("; ".join(p.code for p in problems)),
                neutralize(" | ".join(p.message for p in problems)),
            ]
        )
    return out.getvalue()
