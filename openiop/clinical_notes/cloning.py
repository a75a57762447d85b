"""Cloned individualized sections in a group note, flagged before signing.

Payers deny group notes whose per-member parts are copies of each other, and reviewers call
cloned notes the most common audit trigger (market.md complaint 1: PIMSY, ehrsource).
Attendees are grouped by their
participation, response and plan compared case-insensitively with runs of blank space
collapsed; an empty part is flagged on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from openiop.clinical_notes.models import Note, NoteEntry, NoteKind
from openiop.clinical_notes.sections import ENTRY_FIELDS, normalized


@dataclass(frozen=True, slots=True)
class SameText:
    """Attendees whose individualized text is identical (two or more) or empty (any)."""

    empty: bool
    episode_ids: tuple[int, ...]
    names: tuple[str, ...]

    @property
    def describe(self) -> str:
        people = ", ".join(self.names)
        return f"{people}: empty" if self.empty else f"{people}: identical text"


def identical_entries(note: Note, entries: Sequence[NoteEntry] | None = None) -> list[SameText]:
    """The groups of ``note``'s entries with identical or empty individualized text, in the
    order of the entries. ``entries`` (with ``episode__patient`` loaded) saves the query when
    the caller has them. Other kinds of notes have no individualized parts: always []."""
    if note.kind != NoteKind.GROUP:
        return []
    rows = (
        list(entries)
        if entries is not None
        else list(note.entries.select_related("episode__patient").order_by("pk"))
    )
    by_text: dict[tuple[str, ...], list[NoteEntry]] = {}
    for entry in rows:
        key = tuple(normalized(getattr(entry, f)) for f in ENTRY_FIELDS)
        by_text.setdefault(key, []).append(entry)
    groups = []
    for key, same in by_text.items():
        empty = not any(key)
        if empty or len(same) > 1:
            groups.append(
                SameText(
                    empty=empty,
                    episode_ids=tuple(e.episode_id for e in same),
                    names=tuple(e.episode.patient.display_name for e in same),
                )
            )
    return groups
