"""Typed reads of parsed JSON for the placement assessment format. Each fails with a
PlacementFormatError carrying a stable code and the JSON path of the offending value, so
that no malformed file surfaces as a KeyError or TypeError."""

from __future__ import annotations

import json
from collections.abc import Sequence

from engines.placement.model import PlacementFormatError


def json_from_text(text: str | bytes) -> object:
    """Parse JSON text strictly (bytes are decoded as UTF-8, a byte-order mark allowed).

    Raises PlacementFormatError: ``not_utf8``; ``not_json`` for malformed JSON (with line
    and column), NaN or Infinity, or nesting too deep; ``duplicate_key`` for a key repeated
    in one object (readers disagree on which copy wins, so data would be lost silently).
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise PlacementFormatError(
                "not_utf8", "$", f"not UTF-8 text (byte {error.start})"
            ) from None
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        message = f"not JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        raise PlacementFormatError("not_json", "$", message) from None
    except RecursionError:
        raise PlacementFormatError(
            "not_json", "$", "not readable JSON: nested too deeply"
        ) from None


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    found: dict[str, object] = {}
    for key, value in pairs:
        if key in found:
            raise PlacementFormatError("duplicate_key", "$", f"key '{key}' appears twice")
        found[key] = value
    return found


def _no_constant(name: str) -> object:
    raise PlacementFormatError("not_json", "$", f"not JSON: {name} is not a JSON number")


def header(data: object, expected: str, version: int) -> dict[str, object]:
    """Check ``format`` and ``version`` first, so a newer file is refused as unsupported
    rather than for the fields it added."""
    if not isinstance(data, dict):
        raise PlacementFormatError("wrong_type", "$", f"expected a '{expected}' object")
    if "format" not in data:
        raise PlacementFormatError("missing_field", "$.format", f"'format' must be '{expected}'")
    if data["format"] != expected:
        message = f"expected format '{expected}', got {data['format']!r}"
        raise PlacementFormatError("wrong_format", "$.format", message)
    if "version" not in data:
        raise PlacementFormatError("missing_field", "$.version", "'version' is required")
    found = integer(data["version"], "$.version")
    if found != version:
        message = f"version {found} is not supported; this reader knows version {version}"
        raise PlacementFormatError("unsupported_version", "$.version", message)
    return data


def closed(value: object, path: str, keys: Sequence[str]) -> dict[str, object]:
    """An object with exactly ``keys``: an unknown key is ``unknown_field`` (a misspelt
    field must not be ignored), a missing one ``missing_field``."""
    if not isinstance(value, dict):
        raise PlacementFormatError("wrong_type", path, "expected an object")
    for key in value:
        if key not in keys:
            raise PlacementFormatError("unknown_field", f"{path}.{key}", f"unknown field '{key}'")
    for key in keys:
        if key not in value:
            raise PlacementFormatError("missing_field", f"{path}.{key}", f"'{key}' is required")
    return value


def text(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise PlacementFormatError("wrong_type", path, "expected a string")
    return value


def boolean(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise PlacementFormatError("wrong_type", path, "expected true or false")
    return value


def integer(value: object, path: str) -> int:
    """A whole number; ``true`` is not 1 and ``2.0`` is not 2."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise PlacementFormatError("wrong_type", path, "expected a whole number")
    return value


def number(value: object, path: str) -> float:
    """An integer or a decimal number (never a boolean)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PlacementFormatError("wrong_type", path, "expected a number")
    return value


def json_list(value: object, path: str) -> list[object]:
    if not isinstance(value, list):
        raise PlacementFormatError("wrong_type", path, "expected a list")
    return value
