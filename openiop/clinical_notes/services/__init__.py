"""Writes of the clinical-notes context: starting notes, saving drafts (with conflicts kept),
signing, co-signing, addenda and entered in error. Each service checks, writes and audits in
one transaction; refused signatures are audited on their own. Import from here."""

from openiop.clinical_notes.services.drafts import EntryInput, note_save_draft
from openiop.clinical_notes.services.signing import (
    addendum_add,
    late_entry_deadline,
    note_cosign,
    note_enter_in_error,
    note_sign,
)
from openiop.clinical_notes.services.starting import (
    KINDS_FOR_SESSION,
    SINGLE_PATIENT_KINDS,
    group_note_start,
    note_start,
)

__all__ = [
    "KINDS_FOR_SESSION",
    "SINGLE_PATIENT_KINDS",
    "EntryInput",
    "addendum_add",
    "group_note_start",
    "late_entry_deadline",
    "note_cosign",
    "note_enter_in_error",
    "note_save_draft",
    "note_sign",
    "note_start",
]
