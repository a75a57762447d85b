"""Presentation helpers for OpenIOP's templates. Display only: no queries, no access rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import template
from django.forms import BaseForm, BoundField
from django.utils.safestring import SafeString

from openiop.core import clock

register = template.Library()

# Headings of the auditor's report columns; unknown names fall back to the column name.
COLUMN_LABELS = {
    "seq": "Seq",
    "occurred_at": "When (UTC)",
    "actor_label": "User",
    "action": "Action",
    "outcome": "Outcome",
    "patient_id": "Patient id",
    "category": "Data",
    "part2": "Part 2",
    "ip": "IP address",
    "object_type": "Object",
    "object_id": "Object id",
    "request_id": "Request id",
}


@register.filter
def age(date_of_birth: dt.date | None, today: dt.date | None) -> int | str:
    """Completed years on ``today`` (passed in by the view, in the program's time zone)."""
    if date_of_birth is None or today is None:
        return ""
    return clock.age_on(date_of_birth, today)


@register.filter
def group4(value: str | None) -> str:
    """``JBSWY3DPEHPK3PXP`` → ``JBSW Y3DP EHPK 3PXP``, easier to type from a screen."""
    text = "".join((value or "").split())
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@register.filter
def utc_iso(value: dt.datetime | None) -> str:
    """An aware datetime as ISO 8601 in UTC with a ``Z``: ``2025-03-01T14:05:09Z``."""
    if value is None:
        return ""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@register.filter
def pairs(mapping: Mapping[Any, Any] | None) -> list[tuple[Any, Any]]:
    """A mapping's items in order. Safer than ``mapping.items`` in a template, which looks
    up a key called "items" first (a track could be named that)."""
    return list(mapping.items()) if mapping else []


@register.filter
def lookup(mapping: Mapping[Any, Any] | None, key: Any) -> Any:
    """``mapping[key]``, or None: templates cannot index with a variable."""
    return mapping.get(key) if mapping else None


@register.filter
def row_total(counts: Mapping[Any, int] | None) -> int:
    return sum(counts.values()) if counts else 0


@register.filter
def column_total(rows: Mapping[Any, Mapping[Any, int]] | None, column: Any) -> int:
    """Sum of ``column`` over every row of a {row: {column: count}} table."""
    return sum(row.get(column, 0) for row in rows.values()) if rows else 0


@register.filter
def next_sort(column: str, current: str) -> str:
    """The sort a column heading should ask for: ascending first, then descending."""
    return f"-{column}" if current == column else column


@register.filter
def aria_sort(column: str, current: str) -> str:
    if current == column:
        return "ascending"
    if current == f"-{column}":
        return "descending"
    return ""


@register.filter
def column_label(column: str) -> str:
    return COLUMN_LABELS.get(column, column.replace("_", " ").capitalize())


@register.filter
def auto_id(form: BaseForm, pattern: str) -> BaseForm:
    """Give a form's fields distinct ids (``"admit_%s"``) when several unprefixed forms on
    one page share field names, so every label points at its own input."""
    form.auto_id = pattern
    return form


@register.simple_tag
def widget(field: BoundField, **attrs: Any) -> SafeString:
    """Render a field's widget with extra attributes, e.g. ``list="audit-actions"``. The
    field's own accessibility attributes (aria-describedby, aria-invalid) are kept."""
    return field.as_widget(attrs=attrs)
