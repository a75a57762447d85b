"""Turn a typed answer string such as "0,1,2,,3" into the list ``score`` takes."""

from __future__ import annotations

import re

from engines.instruments.model import ScoringError

_INTEGER = re.compile(r"[+-]?[0-9]+")
_BLANK = {"", "-"}


def parse_answers(text: str) -> list[int | None]:
    """Comma-separated answers, one per item in order.

    "0,1,2,,3" gives [0, 1, 2, None, 3]. An empty field or a lone "-" is a missing answer;
    spaces around a field are ignored. Text that is only whitespace gives [] (no answers).
    Raises ScoringError("not_a_number") naming the position of the first field that is not
    a whole number written in ASCII digits (so "1.0", "two" and "³" are refused).
    """
    if not text.strip():
        return []
    answers: list[int | None] = []
    for position, field in enumerate(text.split(","), start=1):
        token = field.strip()
        if token in _BLANK:
            answers.append(None)
        elif _INTEGER.fullmatch(token):
            answers.append(int(token))
        else:
            raise ScoringError(
                "not_a_number",
                f"Answer {position} must be a whole number, or blank if missing; got '{token}'.",
                item=position,
            )
    return answers
