"""The week's time grid in the file format: the week, its time zone and slots, and the
availability windows ("Monday 09:00 to 12:00") that admit slots.

Slots are local wall-clock times in the week's IANA zone, so a week that crosses a daylight
saving change is fine; a slot whose start is skipped (spring forward) or repeated (fall back)
is refused, because it would not name one hour. Files state availability as windows per day,
because that is how staff and patients say it; the model keeps the set of slots a window
admits, which is what every rule needs. A slot is available when its whole length lies inside
one window; windows that touch (09:00–12:00 and 12:00–17:00) are joined first.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping, Sequence, Set
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engines.scheduling import json_reading as read
from engines.scheduling.model import FormatError, Slot, Week

END_OF_DAY = 24 * 60
_CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FIRST_YEAR, _LAST_YEAR = 1900, 9998

Windows = Mapping[int, tuple[tuple[int, int], ...]]
"""Per day (0 = Monday), sorted, non-overlapping (from, to) minute pairs."""


def parse_week(value: object, path: str) -> Week:
    """Read ``week``. Raises FormatError: invalid_value for a start that is not a Monday, an
    unknown time zone, a slot day outside 0–6 or overlapping slots; unsupported_duration for
    slot_minutes other than 60; nonexistent_local_time / ambiguous_local_time for a slot
    start in a DST gap or fold; duplicate_id; and the structural codes."""
    data = read.fields(value, path, ("start", "time_zone", "slot_minutes", "slots"))
    start = _monday(data["start"], read.join(path, "start"))
    zone_name = read.text(data["time_zone"], read.join(path, "time_zone"))
    zone = _zone(zone_name, read.join(path, "time_zone"))
    slot_minutes = read.integer(data["slot_minutes"], read.join(path, "slot_minutes"), minimum=1)
    if slot_minutes != 60:
        raise FormatError(
            "unsupported_duration",
            f"format version 1 supports only 60-minute slots, not {slot_minutes}",
            path=read.join(path, "slot_minutes"),
        )
    slots_path = read.join(path, "slots")
    slots = read.identified(
        data["slots"], slots_path, lambda v, p: _slot(v, p, start, zone), lambda s: s.id
    )
    _check_slots_apart(slots, slot_minutes, slots_path)
    return Week(start=start, time_zone=zone_name, slot_minutes=slot_minutes, slots=slots)


def week_json(week: Week) -> dict[str, object]:
    return {
        "start": week.start.isoformat(),
        "time_zone": week.time_zone,
        "slot_minutes": week.slot_minutes,
        "slots": [{"id": s.id, "day": s.day, "start": f"{s.start:%H:%M}"} for s in week.slots],
    }


def _monday(value: object, path: str) -> dt.date:
    found = read.text(value, path)
    try:
        if not _DATE.fullmatch(found):
            raise ValueError(found)
        day = dt.date.fromisoformat(found)
    except ValueError:
        raise FormatError(
            "invalid_value", f"'{found}' is not a date (YYYY-MM-DD)", path=path
        ) from None
    if day.weekday() != 0:
        raise FormatError(
            "invalid_value", f"{found} is a {day:%A}; a week starts on a Monday", path=path
        )
    if not _FIRST_YEAR <= day.year <= _LAST_YEAR:
        # Far dates overflow datetime arithmetic once shifted by a time zone.
        raise FormatError(
            "invalid_value", f"the week must start in {_FIRST_YEAR}–{_LAST_YEAR}", path=path
        )
    return day


def _zone(name: str, path: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise FormatError("invalid_value", f"unknown IANA time zone '{name}'", path=path) from None


def _slot(value: object, path: str, monday: dt.date, zone: ZoneInfo) -> Slot:
    data = read.fields(value, path, ("id", "day", "start"))
    day = read.integer(data["day"], read.join(path, "day"), minimum=0, maximum=6)
    start_path = read.join(path, "start")
    minutes = parse_clock(data["start"], start_path)
    start = dt.time(minutes // 60, minutes % 60)
    local = dt.datetime.combine(monday + dt.timedelta(days=day), start)
    _check_local_time(local, zone, start_path)
    return Slot(id=read.ident(data["id"], read.join(path, "id")), day=day, start=start)


def _check_local_time(local: dt.datetime, zone: ZoneInfo, path: str) -> None:
    """A wall-clock start must name exactly one instant: not skipped by a spring-forward
    change and not repeated by a fall-back one."""
    first, second = local.replace(tzinfo=zone, fold=0), local.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return
    when = f"{local:%Y-%m-%d %H:%M} in {zone.key}"
    if first.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != local:
        raise FormatError("nonexistent_local_time", f"{when} does not exist (DST gap)", path=path)
    raise FormatError("ambiguous_local_time", f"{when} happens twice (DST fold)", path=path)


def _check_slots_apart(slots: Sequence[Slot], slot_minutes: int, path: str) -> None:
    """Slots of one day must not overlap: availability is written as windows, and windows
    can only tell slots apart if no two slots share a minute."""
    taken: dict[int, list[tuple[int, int, str]]] = {}
    for n, slot in enumerate(slots):
        begin = slot.start.hour * 60 + slot.start.minute
        end = begin + slot_minutes
        if end > END_OF_DAY:
            raise FormatError(
                "invalid_value", f"slot '{slot.id}' runs past midnight", path=f"{path}[{n}].start"
            )
        for other_begin, other_end, other_id in taken.get(slot.day, []):
            if begin < other_end and other_begin < end:
                raise FormatError(
                    "invalid_value",
                    f"slot '{slot.id}' overlaps slot '{other_id}'",
                    path=f"{path}[{n}].start",
                )
        taken.setdefault(slot.day, []).append((begin, end, slot.id))


def parse_clock(value: object, path: str, *, end_of_day: bool = False) -> int:
    """Minutes after midnight of an "HH:MM" string; "24:00" only when ``end_of_day``.
    Raises FormatError(wrong_type | invalid_value)."""
    if not isinstance(value, str):
        raise FormatError("wrong_type", "expected a time as a string 'HH:MM'", path=path)
    if end_of_day and value == "24:00":
        return END_OF_DAY
    match = _CLOCK.fullmatch(value)
    if match is None:
        raise FormatError(
            "invalid_value", f"'{value}' is not a time 'HH:MM' (00:00–23:59)", path=path
        )
    return int(match[1]) * 60 + int(match[2])


def format_clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_windows(value: object, path: str) -> Windows:
    """Read a list of ``{"day", "from", "to"}`` windows ("to" may be "24:00").

    Raises FormatError: inverted_window when ``to`` is not after ``from``;
    overlapping_window when two windows of one day share a minute; the structural codes for
    malformed entries.
    """
    by_day: dict[int, list[tuple[int, int, int]]] = {}
    for n, raw in enumerate(read.json_list(value, path)):
        day, begin, end = _window(raw, f"{path}[{n}]")
        by_day.setdefault(day, []).append((begin, end, n))
    return {day: _apart(day, spans, path) for day, spans in sorted(by_day.items())}


def _window(value: object, path: str) -> tuple[int, int, int]:
    data = read.fields(value, path, ("day", "from", "to"))
    day = read.integer(data["day"], read.join(path, "day"), minimum=0, maximum=6)
    begin = parse_clock(data["from"], read.join(path, "from"))
    end = parse_clock(data["to"], read.join(path, "to"), end_of_day=True)
    if end <= begin:
        raise FormatError(
            "inverted_window",
            f"window ends at {format_clock(end)}, not after it starts at {format_clock(begin)}",
            path=read.join(path, "to"),
        )
    return day, begin, end


def _apart(day: int, spans: list[tuple[int, int, int]], path: str) -> tuple[tuple[int, int], ...]:
    ordered = sorted(spans)
    for (begin, end, first), (next_begin, _, second) in itertools.pairwise(ordered):
        if next_begin < end:
            raise FormatError(
                "overlapping_window",
                f"windows {first} and {second} of day {day} overlap"
                f" ({format_clock(begin)}–{format_clock(end)} and from {format_clock(next_begin)})",
                path=f"{path}[{max(first, second)}]",
            )
    return tuple((begin, end) for begin, end, _ in ordered)


def available_slots(windows: Windows, week: Week) -> frozenset[str]:
    """The ids of the week's slots that lie wholly inside one (joined) window of their day."""
    joined = {day: _join_touching(spans) for day, spans in windows.items()}
    available: set[str] = set()
    for slot in week.slots:
        begin = slot.start.hour * 60 + slot.start.minute
        end = begin + week.slot_minutes
        if any(low <= begin and end <= high for low, high in joined.get(slot.day, ())):
            available.add(slot.id)
    return frozenset(available)


def _join_touching(spans: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    joined: list[tuple[int, int]] = []
    for begin, end in spans:
        if joined and joined[-1][1] == begin:
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((begin, end))
    return joined


def slot_windows(available: Set[str], week: Week, path: str) -> list[dict[str, object]]:
    """The fewest windows that admit exactly ``available``: slots of a day never overlap, so
    the union of the available slots' spans admits no other slot.

    Raises FormatError(unknown_reference) for an id that is not a slot of the week.
    """
    unknown = sorted(available - {slot.id for slot in week.slots})
    if unknown:
        raise FormatError(
            "unknown_reference", f"available in unknown slot '{unknown[0]}'", path=path
        )
    spans = sorted(
        (slot.day, slot.start.hour * 60 + slot.start.minute)
        for slot in week.slots
        if slot.id in available
    )
    windows: list[dict[str, object]] = []
    reach: tuple[int, int] | None = None
    for day, begin in spans:
        end = format_clock(begin + week.slot_minutes)
        if reach == (day, begin):
            windows[-1]["to"] = end
        else:
            windows.append({"day": day, "from": format_clock(begin), "to": end})
        reach = (day, begin + week.slot_minutes)
    return windows
