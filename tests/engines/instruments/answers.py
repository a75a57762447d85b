"""Build answer lists that reach a chosen total, for table-driven band-edge tests."""

from __future__ import annotations


def spread(total: int, count: int, high: int) -> list[int | None]:
    """``count`` answers in 0..high summing to ``total``, filled from the first item."""
    if not 0 <= total <= count * high:
        raise ValueError(f"{total} is not reachable with {count} items of 0..{high}")
    answers: list[int | None] = []
    remaining = total
    for _ in range(count):
        value = min(high, remaining)
        answers.append(value)
        remaining -= value
    return answers
