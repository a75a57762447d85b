"""The waitlist's order, and a sentence explaining each place in it.

Plain Python on purpose (no ORM, no clock): the adapter in ``services.waitlist`` and the
board's selector load the entries and pass ``now``.

The order is the one the issue states for a capacity-aware waitlist ("the next patient is
offered it by a stated, explainable ordering (urgency, then step-down from a higher level,
then waiting time)"), with two additions that keep it total and fair:

1. someone who declined an offered seat waits behind everyone who has not (they keep their
   waiting time, but the next seat goes first to people who still want one);
2. urgency: urgent, then soon, then routine (``Urgency`` in ``admissions.models``);
3. stepping down from a higher level of care (hospital or residential) before not;
4. waiting time: the earlier ``added_at`` first;
5. the lower referral id: a tie on everything else still has one answer.

Each place carries the component that put it behind the entry just ahead and ahead of the
entry just behind, and its sentence is built from those two comparisons only, so the words
cannot say anything the order does not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

URGENCY_RANK = {"urgent": 0, "soon": 1, "routine": 2}


class Reason(StrEnum):
    """The components of the order, most significant first."""

    DECLINED = "declined"
    URGENCY = "urgency"
    STEP_DOWN = "step_down"
    WAITING_TIME = "waiting_time"
    REFERRAL = "referral"


KEY_ORDER = tuple(Reason)

SortKey = tuple[bool, int, bool, dt.datetime, int]


@dataclass(frozen=True, slots=True)
class Waiting:
    """One open waitlist entry as the order sees it."""

    entry_id: int
    referral_id: int
    urgency: str
    step_down: bool
    added_at: dt.datetime
    declined: bool = False

    def __post_init__(self) -> None:
        if self.urgency not in URGENCY_RANK:
            raise ValueError(f"unknown urgency {self.urgency!r}")
        if self.added_at.tzinfo is None:
            raise ValueError("added_at must be timezone-aware")


@dataclass(frozen=True, slots=True)
class Place:
    position: int
    waiting: Waiting
    behind_because: Reason | None
    ahead_because: Reason | None
    explanation: str


def sort_key(w: Waiting) -> SortKey:
    """The stated order as a tuple: smaller goes first."""
    return (w.declined, URGENCY_RANK[w.urgency], not w.step_down, w.added_at, w.referral_id)


def deciding_reason(first: Waiting, second: Waiting) -> Reason:
    """The most significant component in which two entries differ."""
    for reason, a, b in zip(KEY_ORDER, sort_key(first), sort_key(second), strict=True):
        if a != b:
            return reason
    raise ValueError("two entries of one waitlist cannot share a referral")


def days_waited(w: Waiting, now: dt.datetime) -> int:
    """Whole days on the list at ``now`` (0 for an entry added "after" now)."""
    return max((now - w.added_at).days, 0)


def order_waitlist(entries: Iterable[Waiting], *, now: dt.datetime) -> list[Place]:
    """Every entry with its position (1 first) and the sentence that explains it."""
    ordered = sorted(entries, key=sort_key)
    places = []
    for index, w in enumerate(ordered):
        ahead = ordered[index - 1] if index else None
        behind = ordered[index + 1] if index + 1 < len(ordered) else None
        behind_because = deciding_reason(ahead, w) if ahead else None
        ahead_because = deciding_reason(w, behind) if behind else None
        text = _explain(index + 1, w, ahead, behind, now)
        places.append(Place(index + 1, w, behind_because, ahead_because, text))
    return places


def ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _describe(w: Waiting) -> str:
    words = w.urgency
    if w.step_down:
        words += ", stepping down from a higher level of care"
    if w.declined:
        words += ", declined an offered seat"
    return words


def _explain(
    position: int, w: Waiting, ahead: Waiting | None, behind: Waiting | None, now: dt.datetime
) -> str:
    parts = [_versus_ahead(w, ahead, position - 1, now) if ahead else _describe(w)]
    if behind is not None:
        parts.append(_versus_behind(w, behind, position + 1, now))
    elif ahead is None:
        parts.append("the only one waiting")
    return f"{ordinal(position)}: " + "; ".join(parts)


def _versus_ahead(w: Waiting, ahead: Waiting, number: int, now: dt.datetime) -> str:
    """Why ``w`` comes after ``ahead`` (at position ``number``)."""
    reason = deciding_reason(ahead, w)
    if reason == Reason.DECLINED:
        return f"{_describe(w)}; behind #{number}, who has not declined"
    if reason == Reason.URGENCY:
        return f"{_describe(w)}; behind #{number}, who is {ahead.urgency}"
    like = w.urgency + (" and stepping down" if w.step_down else "")
    if reason == Reason.STEP_DOWN:
        return f"{like} like #{number}, who is stepping down from a higher level of care"
    if reason == Reason.WAITING_TIME:
        mine, theirs = days_waited(w, now), days_waited(ahead, now)
        if theirs != mine:
            return f"{like} like #{number}, who has waited longer ({_days(theirs)} vs {mine})"
        return f"{like} like #{number}, who joined the list earlier (both {_days(mine)})"
    return f"{like} like #{number} and waiting as long; the earlier referral goes first"


def _versus_behind(w: Waiting, behind: Waiting, number: int, now: dt.datetime) -> str:
    """Why ``w`` comes before ``behind`` (at position ``number``)."""
    reason = deciding_reason(w, behind)
    if reason == Reason.DECLINED:
        return f"ahead of #{number}, who declined an offered seat"
    if reason == Reason.URGENCY:
        return f"ahead of #{number}, who is {behind.urgency}"
    if reason == Reason.STEP_DOWN:
        return f"ahead of #{number} because stepping down from a higher level of care"
    if reason == Reason.WAITING_TIME:
        mine, theirs = days_waited(w, now), days_waited(behind, now)
        if theirs != mine:
            return f"ahead of #{number} by waiting longer ({_days(mine)} vs {theirs})"
        return f"ahead of #{number} by joining the list earlier (both {_days(mine)})"
    return f"ahead of #{number} by the earlier referral (a tie on everything else)"
