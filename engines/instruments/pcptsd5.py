"""PC-PTSD-5, the Primary Care PTSD Screen for DSM-5.

Sources (clinical.md §2.1):

* Prins A, Bovin MJ, Smolenski DJ, et al. The Primary Care PTSD Screen for DSM-5 (PC-PTSD-5):
  development and evaluation within a veteran primary care sample. J Gen Intern Med
  2016;31(10):1206–1211, https://pmc.ncbi.nlm.nih.gov/articles/PMC5023594 [V]. The published
  form (its table) gives the wording, the trauma-exposure question ("If 'No,' screen
  total = 0; if 'Yes,' continue with screening"), yes = 1 on the five symptom questions, and
  the cut-point of 3 as optimally sensitive.
* Bovin MJ et al. 2021, https://pmc.ncbi.nlm.nih.gov/articles/PMC7862990 [V]: in a larger VA
  primary-care sample a cut-point of 4 best balanced false positives and negatives overall and
  for men, while 4 missed many women. OpenIOP keeps 3 (fewer missed cases; a screen is
  followed by assessment) — a program may choose 4 as a clinical-governance decision.
* LOINC: clinical.md marks the panel 102010-6 only [S] and notes a conflicting mapping to
  89204-2; with two public sources disagreeing, no code is set until checked at loinc.org.

Response layout: position 1 is the trauma-exposure gate (``scored=False``), positions 2–6
are symptom questions 1–5 of the published form.
"""

from __future__ import annotations

from engines.instruments.model import Instrument, Item, Score, ScoringError, frozen_text
from engines.instruments.response_scales import YES_NO
from engines.instruments.scoring import (
    Responses,
    completeness,
    cutoff_flag,
    keyed_sum,
    missing_among,
    refuse_missing,
    result,
    scored_numbers,
)

GATE = 1

_EXPOSURE = (
    "Sometimes things happen to people that are unusually or especially frightening, horrible, "
    "or traumatic. For example: a serious accident or fire; a physical or sexual assault or "
    "abuse; an earthquake or flood; a war; seeing someone be killed or seriously injured; "
    "having a loved one die through homicide or suicide. Have you ever experienced this kind "
    "of event?"
)

_SYMPTOMS = (
    "Had nightmares about the event(s) or thought about the event(s) when you did not want to?",
    "Tried hard not to think about the event(s) or went out of your way to avoid situations "
    "that reminded you of the event(s)?",
    "Been constantly on guard, watchful, or easily startled?",
    "Felt numb or detached from people, activities, or your surroundings?",
    "Felt guilty or unable to stop blaming yourself or others for the event(s) or any problems "
    "the event(s) may have caused?",
)

INSTRUMENT = Instrument(
    id="pcptsd5",
    version="1",
    short_title="PC-PTSD-5",
    title="Primary Care PTSD Screen for DSM-5",
    instructions=frozen_text(
        {
            "en": "If no, screen total = 0; please stop here. If yes, please answer the "
            "questions below. In the past month, have you…"
        }
    ),
    items=(
        Item(
            number=GATE,
            link_id="pcptsd5-exposure",
            text=frozen_text({"en": _EXPOSURE}),
            options=YES_NO,
            scored=False,
        ),
        *(
            Item(
                number=number,
                link_id=f"pcptsd5-{number - 1}",
                text=frozen_text({"en": text}),
                options=YES_NO,
            )
            for number, text in enumerate(_SYMPTOMS, start=2)
        ),
    ),
    min_total=0,
    max_total=5,
    bands=(),
    subscales=(),
    cutoff=3,
    cutoff_label="probable PTSD (positive screen)",
    loinc_panel=None,
    loinc_total=None,
    source="Prins A et al. J Gen Intern Med 2016;31:1206–1211 (PMC5023594); cut-point 4 "
    "alternative: Bovin MJ et al. 2021 (PMC7862990).",
    licence="U.S. Department of Veterans Affairs, National Center for PTSD; public domain "
    "(as stated by VA-distributed sites).",
    missing_rule="The trauma-exposure question must be answered. If no, the five questions "
    "stay blank and the total is 0; if yes, all five must be answered (no proration rule).",
    languages=("en",),
)


def _check_gate(instrument: Instrument, responses: Responses) -> bool:
    """True when trauma exposure was reported; enforces the published skip logic.

    Raises ScoringError("invalid_skip") when the gate is blank, or when it is "no" and a
    symptom question was answered anyway (Prins 2016: "If 'No,' screen total = 0").
    """
    exposure = responses[GATE - 1]
    if exposure is None:
        raise ScoringError(
            "invalid_skip",
            "PC-PTSD-5 item 1 (the trauma-exposure question) must be answered before the "
            "screen can be scored.",
            item=GATE,
        )
    if exposure == 1:
        return True
    answered = [
        number for number in scored_numbers(instrument) if responses[number - 1] is not None
    ]
    if answered:
        raise ScoringError(
            "invalid_skip",
            f"PC-PTSD-5 item {answered[0]} was answered, but item 1 says no trauma exposure; "
            "items 2–6 must then be left blank (the screen stops at item 1).",
            item=answered[0],
        )
    return False


def score_pcptsd5(instrument: Instrument, responses: Responses, language: str) -> Score:
    """Count of "yes" on the five symptom questions; 0 when no trauma exposure is reported.

    Missing items after a "yes" gate: neither Prins 2016 nor the NCPTSD form gives a
    proration rule and the screen is only five yes/no answers, so any blank raises
    ScoringError("too_many_missing").
    """
    if not _check_gate(instrument, responses):
        return result(instrument, language, 0, (), completeness(responses, (GATE,)))
    symptoms = scored_numbers(instrument)
    missing = missing_among(responses, symptoms)
    if missing:
        refuse_missing(
            instrument,
            missing,
            "after trauma exposure is reported, all five symptom questions (items 2–6) "
            "must be answered.",
        )
    total = keyed_sum(instrument, responses, symptoms)
    flag = cutoff_flag(
        instrument,
        total,
        "positive_screen",
        "PC-PTSD-5 ≥ 3: positive screen for probable PTSD (Prins 2016); follow with a "
        "PCL-5 or a structured interview.",
    )
    return result(instrument, language, total, (flag,), completeness(responses, (GATE, *symptoms)))
