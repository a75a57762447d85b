"""The sections of each kind of note, which must be filled before signing, and how text is
cleaned before it is stored.

The formats are the common behavioral-health documentation formats, described here in our
own words (no template text is copied):

- **Group** (written once): a topic and a shared narrative of the session for everyone, plus
  one individualized part per attendee (participation, response, plan) kept on that
  attendee's ``NoteEntry``. Payers deny cloned group notes, so identical individualized
  parts are flagged before signing (market.md complaint 1).
- **DAP** (Data, Assessment, Plan) and **BIRP** (Behavior, Intervention, Response, Plan): the
  two progress-note structures most used for individual psychotherapy in behavioral health
  (e.g. Wiger, *The Psychotherapy Documentation Primer*; state Medicaid documentation
  manuals accept either).
- **Psychiatry** (medication management): the elements of an evaluation-and-management
  progress note: interval history, mental status, medications reviewed, assessment and plan
  (AMA/CMS E/M documentation guidelines).
- **Family session**: who took part, the focus, what happened and the plan.

Text limits follow security.md "Clinical notes and signatures": a defined cap per field
instead of unbounded bodies, NUL bytes and other control characters refused (PostgreSQL
rejects NUL), lone surrogates refused, and line endings normalized to ``\\n``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from openiop.clinical_notes.errors import NoteInputInvalid
from openiop.clinical_notes.models import NoteKind

#: Most characters in one section of a note (about 8 printed pages).
SECTION_LIMIT = 20_000
#: Most characters in one attendee's participation, response or plan.
ENTRY_FIELD_LIMIT = 5_000
#: Most characters in an addendum or an entered-in-error reason.
ADDENDUM_LIMIT = 20_000
REASON_LIMIT = 2_000

ENTRY_FIELDS = ("participation", "response", "plan")
ENTRY_LABELS = {
    "participation": "Participation",
    "response": "Response to the intervention",
    "plan": "Plan",
}


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    label: str
    required: bool
    help: str = ""


SECTIONS: dict[str, tuple[Section, ...]] = {
    NoteKind.GROUP: (
        Section("topic", "Topic", True, "The session's theme or skill, e.g. distress tolerance."),
        Section(
            "narrative",
            "Group narrative",
            True,
            "What the group did, for everyone. Shown in every attendee's chart; name no one.",
        ),
    ),
    NoteKind.INDIVIDUAL_DAP: (
        Section("data", "Data", True, "What the patient said and what you observed."),
        Section("assessment", "Assessment", True, "Your clinical interpretation and progress."),
        Section("plan", "Plan", True, "Next steps, homework and the next session."),
    ),
    NoteKind.INDIVIDUAL_BIRP: (
        Section("behavior", "Behavior", True, "What the patient presented with."),
        Section("intervention", "Intervention", True, "What you did (modality, technique)."),
        Section("response", "Response", True, "How the patient responded."),
        Section("plan", "Plan", True, "Next steps, homework and the next session."),
    ),
    NoteKind.PSYCHIATRY: (
        Section("interval_history", "Interval history", True, "Since the last visit."),
        Section("mental_status", "Mental status", True),
        Section(
            "medications_reviewed",
            "Medications reviewed",
            True,
            "Current medications, adherence, side effects.",
        ),
        Section("assessment", "Assessment", True),
        Section("plan", "Plan", True, "Changes, labs, follow-up."),
    ),
    NoteKind.FAMILY: (
        Section("participants", "Participants", True, "Who took part (relationship)."),
        Section("focus", "Focus", True),
        Section("narrative", "Session narrative", True),
        Section("plan", "Plan", True),
    ),
}


def sections_for(kind: str) -> tuple[Section, ...]:
    return SECTIONS[kind]


def clean_text(value: object, *, field: str, limit: int) -> str:
    """``value`` as stored text: a string with ``\\n`` line endings and no surrounding
    blank space. Raises NoteInputInvalid (code ``text_invalid``) for a non-string, a
    control character other than tab and newline, a lone surrogate, or more than ``limit``
    characters."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise NoteInputInvalid("Text was expected.", field=field)
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if any((ord(ch) < 32 and ch not in "\n\t") or 0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise NoteInputInvalid(
            "The text contains characters that cannot be stored (control characters).",
            field=field,
        )
    if len(text) > limit:
        raise NoteInputInvalid(
            f"This text is too long ({len(text):,} characters; at most {limit:,}).", field=field
        )
    return text


def clean_body(kind: str, body: Mapping[str, object]) -> dict[str, str]:
    """The note's sections from ``body``: every section of ``kind`` (missing ones empty), each
    cleaned by ``clean_text``. Raises NoteInputInvalid for a key that is not a section of
    ``kind``."""
    known = {s.key for s in sections_for(kind)}
    unknown = sorted(set(body) - known)
    if unknown:
        raise NoteInputInvalid(f"Unknown section: {unknown[0]}.", field=unknown[0])
    return {
        s.key: clean_text(body.get(s.key, ""), field=s.key, limit=SECTION_LIMIT)
        for s in sections_for(kind)
    }


def missing_sections(kind: str, body: Mapping[str, object]) -> list[Section]:
    """The required sections of ``kind`` that are empty (or only blank space) in ``body``."""
    return [
        s for s in sections_for(kind) if s.required and not str(body.get(s.key, "") or "").strip()
    ]


def normalized(text: str) -> str:
    """Text compared for cloning: case folded, runs of blank space as one space."""
    return " ".join(text.casefold().split())
