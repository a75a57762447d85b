"""ASQ, the NIMH Ask Suicide-Screening Questions.

Sources:

* NIMH ASQ toolkit, https://www.nimh.nih.gov/research/research-conducted-at-nimh/asq-toolkit-materials
  (ASQ tool and information sheet; public domain, U.S. Government work). Wording of the four
  screening questions and the acuity question, and the rules applied here:
  - "If patient answers 'No' to all questions 1 through 4, screening is complete (not
    necessary to ask question #5)."
  - "If patient answers 'Yes' to any of questions 1 through 4, or refuses to answer, they
    are considered a positive screen. Ask question #5 to assess acuity."
  - "'Yes' to question #5 = acute positive screen (imminent risk identified)";
    "'No' to question #5 = non-acute positive screen (potential risk identified)".
  (Quoted from the tool as restated at psypack.com/assessments/ask-suicide-screening-questions
  and in the NIMH toolkit copy at studylib.net/doc/26104741/asq-toolkit.)
* Validation: Horowitz LM et al. 2012 (pediatric ED, Arch Pediatr Adolesc Med) and 2020
  (adult medical inpatients, Psychosomatics; PMC9773543).

The ASQ is a categorical screen, not a severity scale. ``total`` is the number of "yes"
answers to questions 1–4 and carries no clinical meaning on its own; ``severity`` is the
NIMH category: ``negative``, ``non_acute_positive`` or ``acute_positive``.

A blank answer to questions 1–4 is read as "refused to answer", which NIMH counts as a
positive screen. No LOINC codes: clinical.md lists none for the ASQ.
"""

from __future__ import annotations

from engines.instruments.model import Flag, Instrument, Item, Score, frozen_text
from engines.instruments.response_scales import YES_NO
from engines.instruments.scoring import Responses, completeness, join_numbers, missing_among

SCREEN_ITEMS = (1, 2, 3, 4)
ACUITY_ITEM = 5

_WORDING = (
    "In the past few weeks, have you wished you were dead?",
    "In the past few weeks, have you felt that you or your family would be better off if you "
    "were dead?",
    "In the past week, have you been having thoughts about killing yourself?",
    "Have you ever tried to kill yourself?",
    "Are you having thoughts of killing yourself right now?",
)

_LABELS = {
    "negative": "Negative screen",
    "non_acute_positive": "Non-acute positive screen (potential risk identified)",
    "acute_positive": "Acute positive screen (imminent risk identified)",
}

INSTRUMENT = Instrument(
    id="asq",
    version="1",
    short_title="ASQ",
    title="Ask Suicide-Screening Questions (NIMH)",
    instructions=frozen_text(
        {
            "en": "Ask the patient questions 1–4. Ask question 5 only if the patient answers "
            "yes to any of questions 1–4, or refuses to answer."
        }
    ),
    items=tuple(
        Item(
            number=number,
            link_id=f"asq-{number}",
            text=frozen_text({"en": text}),
            options=YES_NO,
            safety=True,
            scored=number != ACUITY_ITEM,
        )
        for number, text in enumerate(_WORDING, start=1)
    ),
    min_total=0,
    max_total=4,
    bands=(),
    subscales=(),
    cutoff=None,
    cutoff_label="",
    loinc_panel=None,
    loinc_total=None,
    source="NIMH Ask Suicide-Screening Questions (ASQ) toolkit, "
    "https://www.nimh.nih.gov/research/research-conducted-at-nimh/asq-toolkit-materials",
    licence="Public domain (National Institute of Mental Health, U.S. Government work).",
    missing_rule="A blank answer to questions 1–4 counts as a refusal, which NIMH scores as a "
    "positive screen; question 5 is asked only after a positive screen, and a blank "
    "question 5 on a positive screen is treated as acute; a 'yes' to question 5 is always an "
    "acute positive screen.",
    languages=("en",),
)


def _positive_flag(yes: tuple[int, ...], refused: tuple[int, ...]) -> Flag:
    parts = []
    if yes:
        parts.append(f"'yes' to question {join_numbers(yes)}")
    if refused:
        parts.append(f"question {join_numbers(refused)} not answered (NIMH: a refusal is positive)")
    if not parts:
        parts.append("'yes' to question 5 (thoughts of killing oneself right now)")
    return Flag(
        code="asq_positive",
        label=f"ASQ positive suicide-risk screen: {'; '.join(parts)}. A brief suicide safety "
        "assessment is needed before the patient leaves.",
        safety=True,
        items=tuple(sorted(yes + refused)),
    )


def _acute_flag(acuity: int | None) -> Flag:
    """Question 5 "yes" is acute (NIMH). A blank question 5 on a positive screen is also
    treated as acute: NIMH gives no rule for it, and OpenIOP fails closed rather than
    downgrade an unknown acuity to "non-acute".
    """
    reason = (
        "'yes' to question 5 (thoughts of killing themselves right now)"
        if acuity == 1
        else "question 5 (acuity) was not answered, so acuity is unknown and treated as acute"
    )
    return Flag(
        code="asq_acute",
        label=f"ASQ acute positive screen: {reason}. STAT safety evaluation; the patient "
        "cannot leave until evaluated.",
        safety=True,
        items=(ACUITY_ITEM,),
    )


def score_asq(instrument: Instrument, responses: Responses, language: str) -> Score:
    """NIMH categories. Question 5 answered after four "no" answers happens on self-completed
    forms that show every question: a "no" there changes nothing (negative screen), and a
    "yes" — current thoughts of killing oneself — is scored as an acute positive screen,
    because NIMH defines "yes" to question 5 as imminent risk and a safety answer must never
    be dropped or bounced back to the patient."""
    yes = tuple(number for number in SCREEN_ITEMS if responses[number - 1] == 1)
    refused = missing_among(responses, SCREEN_ITEMS)
    flags: tuple[Flag, ...] = ()
    expected: tuple[int, ...]
    if yes or refused or responses[ACUITY_ITEM - 1] == 1:
        acuity = responses[ACUITY_ITEM - 1]
        severity = "non_acute_positive" if acuity == 0 else "acute_positive"
        flags = (_positive_flag(yes, refused),)
        if severity == "acute_positive":
            flags = (*flags, _acute_flag(acuity))
        expected = (*SCREEN_ITEMS, ACUITY_ITEM)
    else:
        severity = "negative"
        expected = SCREEN_ITEMS
    return Score(
        instrument=instrument.id,
        version=instrument.version,
        language=language,
        total=len(yes),
        severity=severity,
        severity_label=_LABELS[severity],
        subscales={},
        flags=flags,
        completeness=completeness(responses, expected),
    )
