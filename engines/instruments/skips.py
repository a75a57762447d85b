"""Questions a form tells the respondent to skip.

A self-completed screen shows every question, and some people answer the ones they were told
to skip. Dropping those answers follows the instrument's own instruction, so the form can be
scored instead of bounced back. Only non-safety items are dropped; the ASQ's acuity question
is never dropped (``engines.instruments.asq`` scores a "yes" there as acute).

- PC-PTSD-5: "If no [to the trauma-exposure question], screen total = 0. Please stop here."
  (Prins et al. 2016, PMC5023594.)
- AUDIT-C: "Never" on question 1 skips questions 2 and 3 (WHO AUDIT manual, interview
  version, WHO/MSD/MSB/01.6a).
"""

from __future__ import annotations

from collections.abc import Sequence

from engines.instruments.model import Instrument

# instrument id -> (question whose "no"/"never" (0) ends the form, the questions it skips)
_SKIPS: dict[str, tuple[int, tuple[int, ...]]] = {
    "pcptsd5": (1, (2, 3, 4, 5, 6)),
    "auditc": (1, (2, 3)),
}


def drop_skipped(instrument: Instrument, responses: Sequence[int | None]) -> list[int | None]:
    """``responses`` with the answers to skipped questions removed (set to None)."""
    answers = list(responses)
    rule = _SKIPS.get(instrument.id)
    if rule is None or len(answers) != len(instrument.items):
        return answers
    gate, skipped = rule
    if answers[gate - 1] == 0:
        for number in skipped:
            answers[number - 1] = None
    return answers
