"""Safe spreadsheet exports."""

from __future__ import annotations


def neutralize(value: object) -> str:
    """Stop spreadsheet formula injection: a cell starting with = + - @ (or a tab or CR)
    is prefixed with an apostrophe (OWASP CSV injection guidance; security.md R20). Use it
    for text cells; numbers written as numbers are safe and stay numeric."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text
