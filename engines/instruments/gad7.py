"""GAD-7, the seven-item generalized anxiety disorder scale.

Sources (clinical.md §2.1):

* Items, 0–3 scale, total 0–21, cut-points 5/10/15 and screen-positive >= 10: Spitzer RL,
  Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized anxiety disorder:
  the GAD-7. Arch Intern Med 2006;166(10):1092–1097; restated in Kroenke et al., Gen Hosp
  Psychiatry 2010;32:345–359 ("optimal cutpoint is >= 10"; "cutpoints of 5, 10 and 15
  represent mild, moderate and severe symptom levels").
* English wording: the Pfizer GAD-7 form (phqscreeners.com), same terms as the PHQ-9.
* LOINC total 70274-6 [V] (MII PRO ObservationDefinition; HL7 PHR score-code value set).
  Panel 69737-5 is [S] in clinical.md (several public code bases, not a primary source) —
  kept on that secondary evidence; re-check at loinc.org before release.

No Spanish wording is shipped: the official US-Spanish GAD-7 text could not be verified
against a Pfizer/phqscreeners copy, and an unverified translation is worse than none.
"""

from __future__ import annotations

from engines.instruments.model import Band, Instrument, Item, Score, frozen_text
from engines.instruments.response_scales import PHQ_FREQUENCY
from engines.instruments.scoring import (
    Responses,
    complete_total,
    completeness,
    cutoff_flag,
    result,
)

_WORDING = (
    "Feeling nervous, anxious, or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid as if something awful might happen",
)

INSTRUMENT = Instrument(
    id="gad7",
    version="1",
    short_title="GAD-7",
    title="Generalized Anxiety Disorder 7-item scale",
    instructions=frozen_text(
        {"en": "Over the last 2 weeks, how often have you been bothered by the following problems?"}
    ),
    items=tuple(
        Item(
            number=number,
            link_id=f"gad7-{number}",
            text=frozen_text({"en": text}),
            options=PHQ_FREQUENCY,
        )
        for number, text in enumerate(_WORDING, start=1)
    ),
    min_total=0,
    max_total=21,
    bands=(
        Band(0, 4, "minimal", "Minimal anxiety"),
        Band(5, 9, "mild", "Mild anxiety"),
        Band(10, 14, "moderate", "Moderate anxiety"),
        Band(15, 21, "severe", "Severe anxiety"),
    ),
    subscales=(),
    cutoff=10,
    cutoff_label="positive anxiety screen",
    loinc_panel="69737-5",
    loinc_total="70274-6",
    source="Spitzer RL, Kroenke K, Williams JBW, Löwe B. Arch Intern Med 2006;166:1092–1097; "
    "wording: Pfizer GAD-7 (phqscreeners.com).",
    licence="© Pfizer Inc.; no permission required to reproduce, translate, display or distribute.",
    missing_rule="All 7 items must be answered; no published proration rule was found, so an "
    "incomplete GAD-7 is not scored.",
    languages=("en",),
)


def score_gad7(instrument: Instrument, responses: Responses, language: str) -> Score:
    """Sum of the seven items.

    Missing items: neither Spitzer 2006 nor the Pfizer instruction manual gives a proration
    rule for the GAD-7, and none from a primary source could be verified, so any blank item
    raises ScoringError("too_many_missing").
    """
    total, expected = complete_total(
        instrument,
        responses,
        "the GAD-7 is scored only when all 7 items are answered (no published proration rule).",
    )
    flag = cutoff_flag(
        instrument,
        total,
        "positive_screen",
        "GAD-7 ≥ 10: positive screen for generalized anxiety disorder (Spitzer 2006).",
    )
    return result(instrument, language, total, (flag,), completeness(responses, expected))
