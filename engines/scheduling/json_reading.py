"""Typed reads of parsed JSON for the scheduling format, each failing with a FormatError that
carries a stable code and the JSON path of the offending value (``patients[3].phase``).

The codec is built from these so that no malformed file can surface as a KeyError or a
TypeError.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from types import MappingProxyType

from engines.scheduling.model import FORMAT_VERSION, FormatError


def json_from_text(text: str) -> object:
    """Parse JSON text strictly.

    Raises FormatError("not_json") for text that is not JSON (naming line and column), for
    NaN or Infinity (not JSON, though Python writes them) and for nesting too deep to read;
    FormatError("invalid_value") for a key repeated in one object, because readers disagree
    on which copy wins and a file must not lose data silently.
    """
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise FormatError(
            "not_json", f"not JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    except RecursionError:
        raise FormatError("not_json", "not readable JSON: nested too deeply") from None


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    found: dict[str, object] = {}
    for key, value in pairs:
        if key in found:
            raise FormatError("invalid_value", f"key '{key}' appears twice in one object")
        found[key] = value
    return found


def _no_constant(name: str) -> object:
    raise FormatError("not_json", f"not JSON: {name} is not a JSON number")


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def format_header(data: object, expected: str, path: str = "") -> dict[str, object]:
    """Check ``format`` and ``version`` before anything else, so that a newer file is refused
    as unsupported rather than for the fields it added.

    Raises FormatError(wrong_type | wrong_format | missing_field | unsupported_version).
    """
    if not isinstance(data, dict):
        raise FormatError("wrong_type", f"expected a '{expected}' object", path=path)
    fmt, version = data.get("format"), data.get("version")
    if fmt != expected:
        raise FormatError(
            "wrong_format", f"expected format '{expected}', got {fmt!r}", path=join(path, "format")
        )
    if version is None:
        raise FormatError("missing_field", "'version' is required", path=join(path, "version"))
    if isinstance(version, bool) or not isinstance(version, int):
        raise FormatError("wrong_type", "'version' must be an integer", path=join(path, "version"))
    if version != FORMAT_VERSION:
        raise FormatError(
            "unsupported_version",
            f"version {version} is not supported; this reader knows version {FORMAT_VERSION}",
            path=join(path, "version"),
        )
    return data


def fields(
    value: object, path: str, required: Sequence[str], optional: Sequence[str] = ()
) -> dict[str, object]:
    """An object with exactly the ``required`` keys and possibly some ``optional`` ones.
    An unknown key is invalid_value: a misspelt optional field must not be silently ignored."""
    if not isinstance(value, dict):
        raise FormatError("wrong_type", "expected an object", path=path)
    for key in value:
        if key not in required and key not in optional:
            raise FormatError("invalid_value", f"unknown field '{key}'", path=join(path, str(key)))
    for key in required:
        if key not in value:
            raise FormatError("missing_field", f"'{key}' is required", path=join(path, key))
    return value


def json_list(value: object, path: str) -> list[object]:
    if not isinstance(value, list):
        raise FormatError("wrong_type", "expected a list", path=path)
    return value


def records[T](value: object, path: str, parse: Callable[[object, str], T]) -> tuple[T, ...]:
    """Parse each element of a list with its own path (``path[n]``)."""
    return tuple(parse(raw, f"{path}[{n}]") for n, raw in enumerate(json_list(value, path)))


def identified[T](
    value: object, path: str, parse: Callable[[object, str], T], ident_of: Callable[[T], str]
) -> tuple[T, ...]:
    """Parse a list of objects that have an id, refusing a repeated id (duplicate_id)."""
    items = records(value, path, parse)
    seen: set[str] = set()
    for n, item in enumerate(items):
        ident = ident_of(item)
        if ident in seen:
            raise FormatError("duplicate_id", f"id '{ident}' is used twice", path=f"{path}[{n}].id")
        seen.add(ident)
    return items


def text(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise FormatError("wrong_type", "expected a string", path=path)
    return value


def ident(value: object, path: str) -> str:
    """A non-blank string id."""
    found = text(value, path)
    if not found.strip():
        raise FormatError("invalid_value", "an id must not be empty", path=path)
    return found


def integer(
    value: object, path: str, minimum: int | None = None, maximum: int | None = None
) -> int:
    """A whole number (``true`` is not 1) within the inclusive bounds given."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise FormatError("wrong_type", "expected a whole number", path=path)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        bounds = f"at least {minimum}" if maximum is None else f"between {minimum} and {maximum}"
        raise FormatError("invalid_value", f"{value} is out of range: must be {bounds}", path=path)
    return value


def boolean(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise FormatError("wrong_type", "expected true or false", path=path)
    return value


def ref(
    value: object, path: str, known: Collection[str], what: str, code: str = "unknown_reference"
) -> str:
    """An id that must be one of ``known``; otherwise FormatError(``code``): unknown_reference
    for ids of the file's own items, invalid_value for a closed vocabulary (skills, kinds)."""
    found = ident(value, path)
    if found not in known:
        raise FormatError(code, f"unknown {what} '{found}'", path=path)
    return found


def refs(
    value: object, path: str, known: Collection[str], what: str, code: str = "unknown_reference"
) -> tuple[str, ...]:
    """A list of ``ref`` values, none repeated (invalid_value)."""
    found: list[str] = []
    for n, raw in enumerate(json_list(value, path)):
        item = ref(raw, f"{path}[{n}]", known, what, code)
        if item in found:
            raise FormatError(
                "invalid_value", f"{what} '{item}' is listed twice", path=f"{path}[{n}]"
            )
        found.append(item)
    return tuple(found)


def free_object(value: object, path: str) -> Mapping[str, object]:
    """A free-form object (``meta``, ``stats``), copied so the caller cannot change it."""
    if not isinstance(value, dict):
        raise FormatError("wrong_type", "expected an object", path=path)
    return MappingProxyType(dict(value))


class Record:
    """One JSON object being read: each accessor reads one field and reports problems at
    that field's path (``rooms[2].capacity``)."""

    def __init__(
        self, value: object, path: str, required: Sequence[str], optional: Sequence[str] = ()
    ) -> None:
        self.data = fields(value, path, required, optional)
        self.path = path

    def at(self, key: str) -> str:
        return join(self.path, key)

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str) -> object:
        return self.data[key]

    def text(self, key: str) -> str:
        return text(self.data[key], self.at(key))

    def ident(self, key: str) -> str:
        return ident(self.data[key], self.at(key))

    def integer(self, key: str, minimum: int | None = None, maximum: int | None = None) -> int:
        return integer(self.data[key], self.at(key), minimum, maximum)

    def boolean(self, key: str, default: bool | None = None) -> bool:
        return boolean(self.data.get(key, default), self.at(key))

    def ref(
        self, key: str, known: Collection[str], what: str, code: str = "unknown_reference"
    ) -> str:
        return ref(self.data[key], self.at(key), known, what, code)

    def refs(
        self, key: str, known: Collection[str], what: str, code: str = "unknown_reference"
    ) -> tuple[str, ...]:
        return refs(self.data[key], self.at(key), known, what, code)

    def free_object(self, key: str) -> Mapping[str, object]:
        return free_object(self.data.get(key, {}), self.at(key))
