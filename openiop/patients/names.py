"""Normalized name keys for search and duplicate detection.

Comparison ignores case, accents and spacing, so "José  Núñez" and "jose nunez" match on
both SQLite (whose LIKE only folds ASCII) and PostgreSQL.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def name_key(*, given: str, family: str, preferred: str = "") -> str:
    return f"{fold(family)}|{fold(given)}|{fold(preferred)}"


def duplicate_prefix(*, given: str, family: str) -> str:
    return f"{fold(family)}|{fold(given)}|"
