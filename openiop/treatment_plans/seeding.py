"""Which problems a draft treatment plan starts with, from what intake found.

Plain data in, plain data out: the admissions context (a higher layer) reads its assessment
and the intake questionnaires into ``IntakeFindings``; ``problems_from_intake`` turns them
into ``ProblemSeed`` rows in a fixed order. The rules (OpenIOP program conventions, informed
by the sources named on each):

1. the presenting problem, when written;
2. each scored questionnaire at moderate severity or worse: for an instrument with severity
   bands, its band at or above "moderate"; for one without bands (PCL-5, PC-PTSD-5,
   AUDIT-C), a raised screening flag at its published cut-off (clinical.md §2.1);
3. each ASAM dimension rated 2 (moderate) or more on the 0–4 scale (clinical.md §1.3; the
   general severity reading the placement engine uses, engines/placement/model.py);
4. a positive suicide-risk screen: the ASQ category, or any questionnaire safety flag such
   as PHQ-9 item 9 (clinical.md §2.2: a positive screen triggers a safety plan, §4);
5. housing that is not stable (at risk, unstable, unhoused);
6. substance use, when the assessment describes any.
"""

from __future__ import annotations

from dataclasses import dataclass

import engines.instruments as instruments
from engines.placement.model import DIMENSION_NAMES
from openiop.treatment_plans.models import ProblemSource

STATEMENT_MAX = 300
MODERATE_RATING = 2
RATING_WORDS = ("none", "mild", "moderate", "serious", "severe")
HOUSING_WORDS = {
    "at_risk": "At risk of losing housing",
    "unstable": "Unstable or temporary housing",
    "unhoused": "Unhoused",
}
SAFETY_WORDS = {
    "non_acute_positive": "non-acute positive suicide-risk screen",
    "acute_positive": "acute positive suicide-risk screen",
}


@dataclass(frozen=True, slots=True)
class ProblemSeed:
    statement: str
    source: ProblemSource
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class InstrumentFinding:
    """One intake questionnaire: registry id, total, severity band key ("" when the
    instrument has no bands), and the codes of its flags and of its safety flags."""

    instrument: str
    total: int
    severity: str
    flags: tuple[str, ...] = ()
    safety_flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IntakeFindings:
    """``ratings`` holds the six ASAM dimension ratings, dimension 1 first (None: unrated)."""

    presenting_problem: str
    ratings: tuple[int | None, ...]
    safety_screen: str
    housing: str
    substance_use: str
    instruments: tuple[InstrumentFinding, ...] = ()


def _clip(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= STATEMENT_MAX else line[: STATEMENT_MAX - 1] + "…"


def at_least_moderate(finding: InstrumentFinding) -> str | None:
    """The label that makes ``finding`` moderate or worse, or None when it is milder."""
    spec = instruments.get(finding.instrument)
    keys = [band.key for band in spec.bands]
    if keys:
        if "moderate" not in keys or finding.severity not in keys:
            return None
        band = spec.bands[keys.index(finding.severity)]
        return band.label if keys.index(finding.severity) >= keys.index("moderate") else None
    screening = [flag for flag in finding.flags if flag not in finding.safety_flags]
    return (spec.cutoff_label or "positive screen") if screening else None


def _instrument_problems(findings: tuple[InstrumentFinding, ...]) -> list[ProblemSeed]:
    seeds = []
    for finding in findings:
        label = at_least_moderate(finding)
        if label is None:
            continue
        title = instruments.get(finding.instrument).short_title
        seeds.append(
            ProblemSeed(
                _clip(f"{label[0].upper()}{label[1:]} ({title})"),
                ProblemSource.INSTRUMENT,
                f"{title} total {finding.total} at intake",
            )
        )
    return seeds


def _dimension_problems(ratings: tuple[int | None, ...]) -> list[ProblemSeed]:
    seeds = []
    for number, rating in enumerate(ratings, start=1):
        if rating is None or rating < MODERATE_RATING:
            continue
        name = DIMENSION_NAMES[number]
        seeds.append(
            ProblemSeed(
                _clip(f"ASAM dimension {number}, {name}: {RATING_WORDS[rating]} ({rating} of 4)"),
                ProblemSource.DIMENSION,
                f"Rated {rating} at the intake assessment",
            )
        )
    return seeds


def _safety_problem(findings: IntakeFindings) -> ProblemSeed | None:
    evidence = []
    if findings.safety_screen in SAFETY_WORDS:
        evidence.append(f"Safety screen: {SAFETY_WORDS[findings.safety_screen]}")
    for finding in findings.instruments:
        if finding.safety_flags:
            title = instruments.get(finding.instrument).short_title
            evidence.append(f"{title}: {', '.join(finding.safety_flags)}")
    if not evidence:
        return None
    return ProblemSeed(
        "Suicide risk: complete a risk assessment and a safety plan",
        ProblemSource.SAFETY,
        _clip("; ".join(evidence)),
    )


def problems_from_intake(findings: IntakeFindings) -> list[ProblemSeed]:
    """The draft plan's problems, in the order of the rules in the module docstring."""
    seeds: list[ProblemSeed] = []
    if findings.presenting_problem.strip():
        seeds.append(
            ProblemSeed(
                _clip(findings.presenting_problem),
                ProblemSource.PRESENTING,
                "Presenting problem at intake",
            )
        )
    seeds += _instrument_problems(findings.instruments)
    seeds += _dimension_problems(findings.ratings)
    if (safety := _safety_problem(findings)) is not None:
        seeds.append(safety)
    if findings.housing in HOUSING_WORDS:
        seeds.append(
            ProblemSeed(HOUSING_WORDS[findings.housing], ProblemSource.HOUSING, "Intake housing")
        )
    if findings.substance_use.strip():
        seeds.append(
            ProblemSeed(
                _clip(f"Substance use: {findings.substance_use}"),
                ProblemSource.SUBSTANCE_USE,
                "Described at intake",
            )
        )
    return seeds
