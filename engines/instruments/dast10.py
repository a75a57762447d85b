"""DAST-10, the ten-item Drug Abuse Screening Test.

Sources (clinical.md §2.1):

* Skinner HA. The Drug Abuse Screening Test. Addict Behav 1982;7(4):363–371 — the DAST-10
  items, past-12-months recall, yes = 1 except item 3 ("Are you always able to stop using
  drugs when you want to?"), where "No" scores 1.
* Bands 0 none, 1–2 low, 3–5 moderate, 6–8 substantial, 9–10 severe:
  https://comorbidityguidelines.org.au/appendix-w-drug-abuse-screening-test-dast10/dast10-scoring-and-interpretation
  [S], matching the NIDA CDE value meanings [V].
* LOINC panel 82666-9 and total 82667-7 are [S] in clinical.md (seen in Synthea-derived public
  data only) — kept on that secondary evidence; re-check at loinc.org before release.
* Licence: statements conflict (a "public domain" claim against the usual © Skinner/CAMH
  notice) — [U] in clinical.md; confirm before distributing the wording.
"""

from __future__ import annotations

from engines.instruments.model import Band, Instrument, Item, Score, frozen_text
from engines.instruments.response_scales import YES_NO
from engines.instruments.scoring import (
    Responses,
    complete_total,
    completeness,
    result,
)

REVERSE_ITEM = 3

_WORDING = (
    "Have you used drugs other than those required for medical reasons?",
    "Do you abuse more than one drug at a time?",
    "Are you always able to stop using drugs when you want to?",
    'Have you had "blackouts" or "flashbacks" as a result of drug use?',
    "Do you ever feel bad or guilty about your drug use?",
    "Does your spouse (or parents) ever complain about your involvement with drugs?",
    "Have you neglected your family because of your use of drugs?",
    "Have you engaged in illegal activities in order to obtain drugs?",
    "Have you ever experienced withdrawal symptoms (felt sick) when you stopped taking drugs?",
    "Have you had medical problems as a result of your drug use (e.g., memory loss, hepatitis, "
    "convulsions, bleeding)?",
)

INSTRUMENT = Instrument(
    id="dast10",
    version="1",
    short_title="DAST-10",
    title="Drug Abuse Screening Test (10-item)",
    instructions=frozen_text(
        {
            "en": 'These questions refer to the past 12 months. "Drug abuse" refers to (1) '
            "the use of prescribed or over-the-counter drugs in excess of the directions, and "
            "(2) any nonmedical use of drugs. The questions do not include alcoholic "
            "beverages. Please answer every question. If you have difficulty with a "
            "statement, then choose the response that is mostly right."
        }
    ),
    items=tuple(
        Item(
            number=number,
            link_id=f"dast10-{number}",
            text=frozen_text({"en": text}),
            options=YES_NO,
            reverse_scored=number == REVERSE_ITEM,
        )
        for number, text in enumerate(_WORDING, start=1)
    ),
    min_total=0,
    max_total=10,
    bands=(
        Band(0, 0, "none", "No problems reported"),
        Band(1, 2, "low", "Low level of problems related to drug use"),
        Band(3, 5, "moderate", "Moderate level of problems related to drug use"),
        Band(6, 8, "substantial", "Substantial level of problems related to drug use"),
        Band(9, 10, "severe", "Severe level of problems related to drug use"),
    ),
    subscales=(),
    cutoff=None,
    cutoff_label="",
    loinc_panel="82666-9",
    loinc_total="82667-7",
    source="Skinner HA. The Drug Abuse Screening Test. Addict Behav 1982;7(4):363–371.",
    licence="© 1982 Harvey A. Skinner; licensing statements conflict (clinical.md §2.1 [U]) — "
    "confirm before distributing.",
    missing_rule="All 10 items must be answered (the form asks the respondent to answer every "
    "question); an incomplete DAST-10 is not scored.",
    languages=("en",),
)


def score_dast10(instrument: Instrument, responses: Responses, language: str) -> Score:
    """Count of answers keyed toward drug problems: "yes", except "no" on item 3.

    Missing items: the form itself says "Please answer every question" and Skinner 1982 gives
    no proration, so any blank raises ScoringError("too_many_missing").
    """
    total, expected = complete_total(
        instrument, responses, "the DAST-10 is scored only when all 10 items are answered."
    )
    return result(instrument, language, total, (), completeness(responses, expected))
