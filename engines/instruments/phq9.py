"""PHQ-9, the nine-item depression scale of the Patient Health Questionnaire.

Sources (see /work/shared/reference/clinical.md §2.1 and §2.2):

* Items, response scale and total 0–27: Kroenke K, Spitzer RL, Williams JBW. The PHQ-9:
  validity of a brief depression severity measure. J Gen Intern Med 2001;16(9):606–613.
* English and US-Spanish wording: the Pfizer PHQ-9 forms distributed at phqscreeners.com
  ("Elaborado por los doctores Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke y colegas";
  no permission required to reproduce, translate, display or distribute).
* LOINC: panel 44249-1 [V] (LHC-Forms R4 Questionnaire); item 9 44260-8 [V] (US Core STU7
  Observation-PHQ9-item-example-44260-8); total 44261-6 is [S] in clinical.md (seen in
  Synthea-derived public data only) — kept on that secondary evidence; re-check at loinc.org
  before release.
"""

from __future__ import annotations

from engines.instruments.model import Band, Flag, Instrument, Item, Score, frozen_text
from engines.instruments.response_scales import PHQ_FREQUENCY
from engines.instruments.scoring import (
    Responses,
    completeness,
    cutoff_flag,
    keyed_sum,
    missing_among,
    refuse_missing,
    result,
    round_half_up,
    scored_numbers,
)

SAFETY_ITEM = 9
MAX_PRORATED_MISSING = 2

_WORDING: tuple[tuple[str, str], ...] = (
    ("Little interest or pleasure in doing things", "Poco interés o placer en hacer cosas"),
    (
        "Feeling down, depressed, or hopeless",
        "Se ha sentido decaído(a), deprimido(a) o sin esperanzas",
    ),
    (
        "Trouble falling or staying asleep, or sleeping too much",
        "Ha tenido dificultad para quedarse o permanecer dormido(a), o ha dormido demasiado",
    ),
    ("Feeling tired or having little energy", "Se ha sentido cansado(a) o con poca energía"),
    ("Poor appetite or overeating", "Sin apetito o ha comido en exceso"),
    (
        "Feeling bad about yourself — or that you are a failure or have let yourself or your "
        "family down",
        "Se ha sentido mal con usted mismo(a) – o que es un fracaso o que ha quedado mal con "
        "usted mismo(a) o con su familia",
    ),
    (
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Ha tenido dificultad para concentrarse en ciertas actividades, tales como leer el "
        "periódico o ver la televisión",
    ),
    (
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
        "being so fidgety or restless that you have been moving around a lot more than usual",
        "¿Se ha movido o hablado tan lento que otras personas podrían haberlo notado? o lo "
        "contrario – muy inquieto(a) o agitado(a) que ha estado moviéndose mucho más de lo "
        "normal",
    ),
    (
        "Thoughts that you would be better off dead or of hurting yourself in some way",
        "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera",
    ),
)


def _item(number: int, en: str, es: str) -> Item:
    safety = number == SAFETY_ITEM
    return Item(
        number=number,
        link_id=f"phq9-{number}",
        text=frozen_text({"en": en, "es": es}),
        options=PHQ_FREQUENCY,
        loinc="44260-8" if safety else None,
        safety=safety,
    )


INSTRUMENT = Instrument(
    id="phq9",
    version="1",
    short_title="PHQ-9",
    title="Patient Health Questionnaire-9 (depression)",
    instructions=frozen_text(
        {
            "en": "Over the last 2 weeks, how often have you been bothered by any of the "
            "following problems?",
            "es": "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido "
            "a los siguientes problemas?",
        }
    ),
    items=tuple(_item(number, en, es) for number, (en, es) in enumerate(_WORDING, start=1)),
    min_total=0,
    max_total=27,
    # Kroenke 2001: scores of 5, 10, 15 and 20 mark mild, moderate, moderately severe and
    # severe depression; 0–4 is minimal.
    bands=(
        Band(0, 4, "minimal", "Minimal depression"),
        Band(5, 9, "mild", "Mild depression"),
        Band(10, 14, "moderate", "Moderate depression"),
        Band(15, 19, "moderately_severe", "Moderately severe depression"),
        Band(20, 27, "severe", "Severe depression"),
    ),
    subscales=(),
    # Kroenke 2001: >= 10 had 88% sensitivity and 88% specificity for major depression;
    # Kroenke et al. 2010 (Gen Hosp Psychiatry 32:345–359) confirm 10 as the optimal cut-point.
    cutoff=10,
    cutoff_label="positive depression screen",
    loinc_panel="44249-1",
    loinc_total="44261-6",
    source="Kroenke K, Spitzer RL, Williams JBW. J Gen Intern Med 2001;16:606–613; "
    "wording: Pfizer PHQ-9 (phqscreeners.com).",
    licence="© Pfizer Inc.; no permission required to reproduce, translate, display or distribute.",
    missing_rule="Up to 2 unanswered items, never item 9: the total is prorated "
    "(sum × 9 / answered, rounded half up; Arrieta et al. 2017); otherwise it is not scored.",
    languages=("en", "es"),
)


def _check_missing(instrument: Instrument, missing: tuple[int, ...]) -> None:
    """Which incomplete forms may be prorated.

    The Pfizer instruction manual gives no missing-item rule. The rule used here is the one
    applied by Arrieta J et al., J Clin Psychol 2017;73(9):1076–1090 (doi:10.1002/jclp.22390)
    and by the qscorer scoring package (rdrr.io/github/nrkoehler/qscorer/man/scoring_phq9.html):
    forms with up to two missing items are scored, each missing item taking the mean of the
    answered items. [S] — no primary PHQ document states it.

    OpenIOP adds one stricter condition: item 9 must be answered, because a prorated total
    would silently hide an unanswered suicide-risk question.
    """
    if SAFETY_ITEM in missing:
        refuse_missing(
            instrument,
            (SAFETY_ITEM,),
            "item 9 (thoughts of being better off dead or of self-harm) must be answered; "
            "a blank safety item is not a 'no', so the PHQ-9 is not prorated without it.",
        )
    if len(missing) > MAX_PRORATED_MISSING:
        refuse_missing(
            instrument,
            missing,
            "a PHQ-9 can be prorated with at most 2 unanswered items (Arrieta et al. 2017).",
        )


def _suicidal_ideation(responses: Responses) -> Flag | None:
    """Any answer above 'Not at all' on item 9 (clinical.md §2.2; LOINC 44260-8).

    The rule "any non-zero answer → same-day clinician review and a structured suicide risk
    assessment" is a workflow convention the program's clinical governance owns; the engine
    only raises the flag.
    """
    value = responses[SAFETY_ITEM - 1]
    if not value:
        return None
    answer = PHQ_FREQUENCY[value].label["en"]
    return Flag(
        code="suicidal_ideation",
        label=f"PHQ-9 item 9 answered '{answer}': thoughts of being better off dead or of "
        "self-harm. Same-day clinician review and suicide risk assessment needed.",
        safety=True,
        items=(SAFETY_ITEM,),
    )


def score_phq9(instrument: Instrument, responses: Responses, language: str) -> Score:
    """Sum of the nine items; prorated per ``_check_missing`` when one or two are blank.

    Raises ScoringError("too_many_missing") when item 9 or more than two items are blank.
    """
    expected = scored_numbers(instrument)
    missing = missing_among(responses, expected)
    _check_missing(instrument, missing)
    answered = len(expected) - len(missing)
    raw = keyed_sum(instrument, responses, expected)
    total = round_half_up(raw * len(expected), answered) if missing else raw
    flags = (
        _suicidal_ideation(responses),
        cutoff_flag(
            instrument,
            total,
            "positive_screen",
            "PHQ-9 ≥ 10: positive screen for major depression (Kroenke 2001).",
        ),
    )
    return result(
        instrument,
        language,
        total,
        flags,
        completeness(responses, expected, prorated=bool(missing)),
    )
