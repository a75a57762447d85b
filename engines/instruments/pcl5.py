"""PCL-5, the PTSD Checklist for DSM-5 (past-month version without Criterion A).

Sources (clinical.md §2.1):

* Weathers FW, Litz BT, Keane TM, Palmieri PA, Marx BP, Schnurr PP. The PTSD Checklist for
  DSM-5 (PCL-5). National Center for PTSD, 2013 (www.ptsd.va.gov). Wording, 0–4 scale
  ("Not at all" … "Extremely") and total 0–80 as published by NCPTSD.
* Scoring and interpretation as restated from the NCPTSD "Using the PCL-5" text by
  https://comorbidityguidelines.org.au/appendix-s-ptsd-checklist-for-dsm5-pcl5/pcl5-scoring-and-interpretation
  [S]: total = sum of the 20 items; DSM-5 clusters B = items 1–5, C = 6–7, D = 8–14,
  E = 15–20; "a cut-point score of 31–33 appears to be reasonable"; "there are currently no
  empirically derived severity ranges", so the instrument has no bands.
* LOINC: clinical.md marks every PCL-5 code [U] (one public code base claims total 91006-2,
  unverified), so none is set.
"""

from __future__ import annotations

from engines.instruments.model import Instrument, Item, Option, Score, Subscale, frozen_text
from engines.instruments.scoring import (
    Responses,
    complete_total,
    completeness,
    cutoff_flag,
    result,
    subscale_totals,
)

_SEVERITY = (
    Option(0, frozen_text({"en": "Not at all"})),
    Option(1, frozen_text({"en": "A little bit"})),
    Option(2, frozen_text({"en": "Moderately"})),
    Option(3, frozen_text({"en": "Quite a bit"})),
    Option(4, frozen_text({"en": "Extremely"})),
)

_WORDING = (
    "Repeated, disturbing, and unwanted memories of the stressful experience?",
    "Repeated, disturbing dreams of the stressful experience?",
    "Suddenly feeling or acting as if the stressful experience were actually happening again "
    "(as if you were actually back there reliving it)?",
    "Feeling very upset when something reminded you of the stressful experience?",
    "Having strong physical reactions when something reminded you of the stressful experience "
    "(for example, heart pounding, trouble breathing, sweating)?",
    "Avoiding memories, thoughts, or feelings related to the stressful experience?",
    "Avoiding external reminders of the stressful experience (for example, people, places, "
    "conversations, activities, objects, or situations)?",
    "Trouble remembering important parts of the stressful experience?",
    "Having strong negative beliefs about yourself, other people, or the world (for example, "
    "having thoughts such as: I am bad, there is something seriously wrong with me, no one can "
    "be trusted, the world is completely dangerous)?",
    "Blaming yourself or someone else for the stressful experience or what happened after it?",
    "Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
    "Loss of interest in activities that you used to enjoy?",
    "Feeling distant or cut off from other people?",
    "Trouble experiencing positive feelings (for example, being unable to feel happiness or "
    "have loving feelings for people close to you)?",
    "Irritable behavior, angry outbursts, or acting aggressively?",
    "Taking too many risks or doing things that could cause you harm?",
    'Being "superalert" or watchful or on guard?',
    "Feeling jumpy or easily startled?",
    "Having difficulty concentrating?",
    "Trouble falling or staying asleep?",
)

INSTRUMENT = Instrument(
    id="pcl5",
    version="1",
    short_title="PCL-5",
    title="PTSD Checklist for DSM-5",
    instructions=frozen_text(
        {
            "en": "Below is a list of problems that people sometimes have in response to a "
            "very stressful experience. Please read each problem carefully and then indicate "
            "how much you have been bothered by that problem in the past month. In the past "
            "month, how much were you bothered by:"
        }
    ),
    items=tuple(
        Item(
            number=number,
            link_id=f"pcl5-{number}",
            text=frozen_text({"en": text}),
            options=_SEVERITY,
        )
        for number, text in enumerate(_WORDING, start=1)
    ),
    min_total=0,
    max_total=80,
    bands=(),
    subscales=(
        Subscale("B", "Cluster B: intrusion", (1, 2, 3, 4, 5)),
        Subscale("C", "Cluster C: avoidance", (6, 7)),
        Subscale(
            "D", "Cluster D: negative alterations in cognitions and mood", tuple(range(8, 15))
        ),
        Subscale("E", "Cluster E: alterations in arousal and reactivity", tuple(range(15, 21))),
    ),
    # NCPTSD: "a cut-point score of 31–33 appears to be reasonable"; OpenIOP uses the top of
    # that range, 33, so "probable PTSD" is never claimed below the published range.
    cutoff=33,
    cutoff_label="probable PTSD",
    loinc_panel=None,
    loinc_total=None,
    source="Weathers FW et al. The PTSD Checklist for DSM-5 (PCL-5). National Center for "
    "PTSD, 2013 (www.ptsd.va.gov).",
    licence="U.S. Department of Veterans Affairs, National Center for PTSD; public-domain "
    "government work, described as not copyrighted.",
    missing_rule="All 20 items must be answered; NCPTSD publishes no proration rule, so an "
    "incomplete PCL-5 is not scored.",
    languages=("en",),
)


def score_pcl5(instrument: Instrument, responses: Responses, language: str) -> Score:
    """Total and cluster B–E sums; the ``probable_ptsd`` flag at total >= 33.

    Missing items: the NCPTSD PCL-5 materials give no proration rule (none was found), so
    any blank item raises ScoringError("too_many_missing").
    """
    total, expected = complete_total(
        instrument,
        responses,
        "the PCL-5 is scored only when all 20 items are answered (NCPTSD gives no proration rule).",
    )
    flag = cutoff_flag(
        instrument,
        total,
        "probable_ptsd",
        "PCL-5 ≥ 33: probable PTSD (NCPTSD cut-point 31–33); confirm with a structured "
        "interview such as the CAPS-5.",
    )
    return result(
        instrument,
        language,
        total,
        (flag,),
        completeness(responses, expected),
        subscales=subscale_totals(instrument, responses),
    )
