"""AUDIT-C, the three alcohol-consumption questions of the WHO AUDIT.

Sources (clinical.md §2.1):

* Items 1–3, answer choices and 0–4 scoring: Babor TF, Higgins-Biddle JC, Saunders JB,
  Monteiro MG. AUDIT: The Alcohol Use Disorders Identification Test. Guidelines for Use in
  Primary Care, 2nd ed. WHO/MSD/MSB/01.6a, 2001 (Box 4, interview version). The same box
  marks "Never" on question 1 with "skip to questions 9–10", i.e. questions 2 and 3 are not
  asked of a non-drinker — checked only against public copies of the form [S].
* Positive screen >= 4 for men and >= 3 for women; total LOINC 75626-2 and panel 72109-2:
  HL7 US Core AUDIT-C examples,
  https://hl7.org/fhir/us/core/Observation-AUDIT-C-item-example-75626-2.html [V] and
  https://hl7.org/fhir/us/core/2025Jan/Observation-AUDIT-C-panel-example-72109-2.html [V].

The engine is not told the patient's sex, so the two cut-offs become two flags:
``positive_screen`` at >= 4 (positive for everyone) and ``positive_screen_women`` at exactly
3 (positive only if the patient is a woman). The app decides which applies.
"""

from __future__ import annotations

from engines.instruments.model import Flag, Instrument, Item, Option, Score, ScoringError
from engines.instruments.model import frozen_text as _t
from engines.instruments.scoring import (
    Responses,
    completeness,
    keyed_sum,
    missing_among,
    refuse_missing,
    result,
    scored_numbers,
)

FREQUENCY_ITEM = 1
CUTOFF_MEN = 4
CUTOFF_WOMEN = 3

_CHOICES: tuple[tuple[str, ...], ...] = (
    (
        "Never",
        "Monthly or less",
        "2 to 4 times a month",
        "2 to 3 times a week",
        "4 or more times a week",
    ),
    ("1 or 2", "3 or 4", "5 or 6", "7, 8, or 9", "10 or more"),
    ("Never", "Less than monthly", "Monthly", "Weekly", "Daily or almost daily"),
)

_WORDING = (
    "How often do you have a drink containing alcohol?",
    "How many drinks containing alcohol do you have on a typical day when you are drinking?",
    "How often do you have six or more drinks on one occasion?",
)

INSTRUMENT = Instrument(
    id="auditc",
    version="1",
    short_title="AUDIT-C",
    title="Alcohol Use Disorders Identification Test — Consumption (AUDIT items 1–3)",
    instructions=_t(
        {
            "en": "Now I am going to ask you some questions about your use of alcoholic "
            "beverages during this past year."
        }
    ),
    items=tuple(
        Item(
            number=number,
            link_id=f"auditc-{number}",
            text=_t({"en": text}),
            options=tuple(Option(value, _t({"en": label})) for value, label in enumerate(choices)),
        )
        for number, (text, choices) in enumerate(zip(_WORDING, _CHOICES, strict=True), start=1)
    ),
    min_total=0,
    max_total=12,
    bands=(),
    subscales=(),
    cutoff=CUTOFF_MEN,
    cutoff_label="positive screen (≥ 4; women ≥ 3)",
    loinc_panel="72109-2",
    loinc_total="75626-2",
    source="Babor TF et al. AUDIT, 2nd ed. WHO/MSD/MSB/01.6a, 2001 (items 1–3); cut-offs: "
    "HL7 US Core AUDIT-C examples.",
    licence="World Health Organization AUDIT (WHO/MSD/MSB/01.6a), published for use in "
    "primary care.",
    missing_rule="All 3 items must be answered, except that questions 2 and 3 may be left "
    "blank (counted 0) when question 1 is 'Never', as the WHO form skips them.",
    languages=("en",),
)


def _expected(instrument: Instrument, responses: Responses) -> tuple[int, ...]:
    """The items this response must answer, applying the WHO skip after "Never".

    Raises ScoringError("too_many_missing") when question 1 is blank, and
    ScoringError("invalid_skip") when question 1 is "Never" but question 2 or 3 reports
    drinking (a non-zero answer contradicts "Never").
    """
    frequency = responses[FREQUENCY_ITEM - 1]
    if frequency is None:
        refuse_missing(instrument, (FREQUENCY_ITEM,), "question 1 (how often) must be answered.")
    if frequency != 0:
        return scored_numbers(instrument)
    for number in (2, 3):
        if responses[number - 1]:
            raise ScoringError(
                "invalid_skip",
                f"AUDIT-C item {number} reports drinking, but item 1 is 'Never'; the WHO form "
                "skips items 2 and 3 after 'Never' — correct item 1 or leave 2 and 3 blank.",
                item=number,
            )
    answered_optional = tuple(n for n in (2, 3) if responses[n - 1] is not None)
    return (FREQUENCY_ITEM, *answered_optional)


def _flags(total: int) -> tuple[Flag, ...]:
    if total >= CUTOFF_MEN:
        return (
            Flag(
                "positive_screen",
                "AUDIT-C ≥ 4: positive screen for unhealthy alcohol use (cut-off 4 for men; "
                "women are positive from 3).",
                safety=False,
            ),
        )
    if total >= CUTOFF_WOMEN:
        return (
            Flag(
                "positive_screen_women",
                "AUDIT-C = 3: positive screen if the patient is a woman (cut-off 3 for women, "
                "4 for men).",
                safety=False,
            ),
        )
    return ()


def score_auditc(instrument: Instrument, responses: Responses, language: str) -> Score:
    """Sum of items 1–3 (0–12); blanks allowed only as the WHO skip after "Never"."""
    expected = _expected(instrument, responses)
    missing = missing_among(responses, expected)
    if missing:
        refuse_missing(
            instrument,
            missing,
            "once question 1 reports drinking, questions 2 and 3 must be answered.",
        )
    total = keyed_sum(instrument, responses, scored_numbers(instrument))
    return result(instrument, language, total, _flags(total), completeness(responses, expected))
