"""The placement rules, as data: each rule is a condition record, an effect and a source.

Effects: a **floor** (the level may not be below it), a **note** (an action to take, such
as a same-day safety review), or a **barrier** (feasibility: what must change for the
patient to attend the recommended level; never a reason to place lower). The decision is
the highest floor among the rules that hold, OP when none does (engine.py).

Honesty about sources: the hour bands and level descriptions are published (clinical.md
§1.1); the ASQ categories and actions are NIMH's (public domain); the instrument severity
bands are the instruments' own (clinical.md §2.1). Which floor each finding implies is a
**program rule informed by** those sources, not a quoted standard: ASAM's dimension
risk-rating tables are copyrighted and not reproduced, and the general 0–4 severity reading
(0 none, 1 mild, 2 moderate, 3 serious, 4 severe) is used instead. A program must review
these rules with its clinical governance before relying on them (docs/placement.md).

Changing any rule changes what the engine decides: bump RULES_VERSION (every decision
records it), and update the pinned digest in tests/engines/placement/test_rules.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from engines.placement.conditions import (
    AllOf,
    Condition,
    DimensionAtLeast,
    Fact,
    FlagPresent,
    HoursShortOfLevel,
    InstrumentAtLeast,
    ScreenIs,
    leaves,
)
from engines.placement.levels import LEVEL_CODES
from engines.placement.model import SafetyScreen

RULES_VERSION = "1"


class Kind(StrEnum):
    SAFETY = "safety"
    SEVERITY = "severity"
    ENVIRONMENT = "environment"
    FEASIBILITY = "feasibility"
    ENGAGEMENT = "engagement"


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule. ``floor`` is a level code or None; ``note`` an action for the team;
    ``barrier`` marks a feasibility rule, evaluated against the decided level."""

    id: str
    kind: Kind
    when: Condition
    floor: str | None
    reason: str
    source: str
    note: str | None = None
    barrier: bool = False


_ASQ = (
    "NIMH ASQ toolkit (public domain), "
    "https://www.nimh.nih.gov/research/research-conducted-at-nimh/asq-toolkit-materials"
)
_PROGRAM = "Program rule informed by the source, not a quoted standard."
_LEVELS = (
    "clinical.md §1.1 (ASAM 3rd ed. level descriptions: 2.1 IOP, 2.5 PHP, 3.1–3.7 24-hour "
    "residential, 3.7 with 24-h nursing and physician availability, 4 24-h physician-directed "
    "hospital care; https://studyhippo.com/asam-placement/ [S]) and §1.3 (the six dimensions)"
)
_BANDS = "clinical.md §2.1 (instrument severity bands)"

_SAFETY: tuple[Rule, ...] = (
    Rule(
        id="S1",
        kind=Kind.SAFETY,
        when=ScreenIs(SafetyScreen.ACUTE_POSITIVE),
        floor="inpatient",
        reason="An acute positive suicide-risk screen means imminent risk: the patient needs a "
        "STAT safety evaluation and a setting that keeps them safe until it is done.",
        source=f"{_ASQ}: 'yes' to question 5 = acute positive screen (imminent risk); STAT "
        "safety/full mental health evaluation, the patient cannot leave until evaluated. The "
        f"inpatient floor pending that evaluation is OpenIOP's reading. {_PROGRAM}",
        note="STAT safety evaluation now; the patient cannot leave until evaluated (NIMH ASQ).",
    ),
    Rule(
        id="S2",
        kind=Kind.SAFETY,
        when=ScreenIs(SafetyScreen.NON_ACUTE_POSITIVE),
        floor="iop",
        reason="A non-acute positive suicide-risk screen (potential risk) needs structured, "
        "frequent contact: never outpatient alone.",
        source=f"{_ASQ}: non-acute positive screen = potential risk; a brief suicide safety "
        "assessment is required before the patient leaves. The IOP floor is OpenIOP's. "
        f"{_PROGRAM}",
        note="Same-day brief suicide safety assessment before the patient leaves (NIMH ASQ).",
    ),
    Rule(
        id="S3",
        kind=Kind.SAFETY,
        when=FlagPresent("phq9", "suicidal_ideation"),
        floor="iop",
        reason="Thoughts of being better off dead or of self-harm (PHQ-9 item 9) need "
        "structured, frequent contact: never outpatient alone.",
        source="clinical.md §2.2: PHQ-9 item 9 >= 1 → same-day clinician review and a "
        "structured suicide risk assessment, then a safety plan (workflow convention [S], a "
        f"clinical governance decision for the program). The IOP floor is OpenIOP's. {_PROGRAM}",
        note="Same-day clinician review and structured suicide risk assessment (PHQ-9 item 9).",
    ),
    Rule(
        id="S4",
        kind=Kind.SAFETY,
        when=DimensionAtLeast(3, 4),
        floor="inpatient",
        reason="Severe emotional, behavioral or cognitive conditions need 24-hour "
        "physician-directed care.",
        source=f"{_LEVELS}. {_PROGRAM}",
    ),
    Rule(
        id="S5",
        kind=Kind.SAFETY,
        when=DimensionAtLeast(2, 4),
        floor="inpatient",
        reason="Severe biomedical conditions need 24-hour physician-directed hospital care.",
        source=f"{_LEVELS}. {_PROGRAM}",
    ),
    Rule(
        id="S6",
        kind=Kind.SAFETY,
        when=DimensionAtLeast(1, 3),
        floor="withdrawal_management",
        reason="Serious intoxication or withdrawal potential must be managed medically before "
        "a day program can work.",
        source="clinical.md §1.1, WM row (3rd ed. withdrawal management levels 1-WM to 4-WM; "
        f"https://docest.com/doc/152137/overview-of-asam-levels-of-care [S]). {_PROGRAM}",
    ),
    Rule(
        id="S7",
        kind=Kind.SAFETY,
        when=Fact("needs_medical_withdrawal_management"),
        floor="withdrawal_management",
        reason="The clinician found that the patient needs medically monitored or managed "
        "withdrawal management.",
        source="clinical.md §1.1, WM row (3.7-WM medically monitored, 4-WM medically managed; "
        "https://docest.com/doc/152137/overview-of-asam-levels-of-care [S]).",
    ),
)


def _dimension_rule(
    rule_id: str,
    *,
    dimension: int,
    at_least: int,
    floor: str,
    reason: str,
    kind: Kind = Kind.SEVERITY,
) -> Rule:
    return Rule(
        id=rule_id,
        kind=kind,
        when=DimensionAtLeast(dimension, at_least),
        floor=floor,
        reason=reason,
        source=f"{_LEVELS}. {_PROGRAM}",
    )


def _score_rule(rule_id: str, *, instrument: str, total: int, finding: str, band: str) -> Rule:
    return Rule(
        id=rule_id,
        kind=Kind.SEVERITY,
        when=InstrumentAtLeast(instrument, total),
        floor="iop",
        reason=f"{finding} needs more than routine weekly outpatient contact.",
        source=f"{_BANDS}: {band}. The IOP floor is OpenIOP's (Medicare IOP eligibility: the "
        f"patient needs more than routine outpatient care, clinical.md §1.4). {_PROGRAM}",
    )


_SEVERITY: tuple[Rule, ...] = (
    _dimension_rule(
        "V1",
        dimension=3,
        at_least=2,
        floor="iop",
        reason="Moderate emotional, behavioral or cognitive conditions need a structured "
        "program several days a week.",
    ),
    _dimension_rule(
        "V2",
        dimension=3,
        at_least=3,
        floor="php",
        reason="Serious emotional, behavioral or cognitive conditions need daily structure "
        "(partial hospitalization).",
    ),
    _dimension_rule(
        "V3",
        dimension=5,
        at_least=2,
        floor="iop",
        reason="A moderate risk of relapse or continued problems needs a structured program "
        "several days a week.",
    ),
    _dimension_rule(
        "V4",
        dimension=5,
        at_least=3,
        floor="php",
        reason="A serious risk of relapse or continued problems needs daily structure "
        "(partial hospitalization).",
    ),
    _dimension_rule(
        "V5",
        dimension=2,
        at_least=3,
        floor="residential",
        reason="Serious biomedical conditions need 24-hour nursing and physician availability "
        "(medically monitored, Level 3.7).",
    ),
    _score_rule(
        "V6",
        instrument="phq9",
        total=20,
        finding="Severe depression",
        band="PHQ-9 20–27 = severe depression (Kroenke 2001)",
    ),
    _score_rule(
        "V7",
        instrument="gad7",
        total=15,
        finding="Severe anxiety",
        band="GAD-7 15–21 = severe anxiety (Spitzer 2006)",
    ),
    _score_rule(
        "V8",
        instrument="pcl5",
        total=33,
        finding="Probable PTSD",
        band="PCL-5 31–33 = probable PTSD cut-point (NCPTSD); 33, the upper end, is the cut-off "
        "engines/instruments uses",
    ),
    _score_rule(
        "V9",
        instrument="dast10",
        total=6,
        finding="A substantial or severe level of drug problems",
        band="DAST-10 6–8 = substantial, 9–10 = severe (Skinner 1982)",
    ),
)

_ENVIRONMENT: tuple[Rule, ...] = (
    Rule(
        id="E1",
        kind=Kind.ENVIRONMENT,
        when=AllOf((DimensionAtLeast(6, 3), Fact("home_environment_enables_use"))),
        floor="residential",
        reason="A seriously unsafe recovery environment where home enables use: recovery "
        "needs a 24-hour structured setting away from it.",
        source=f"{_LEVELS}; 3rd ed. residential levels give a 24-hour structure (3.1 with "
        f">= 5 h/week clinical services, clinical.md §1.1 [S]). {_PROGRAM}",
    ),
    Rule(
        id="E2",
        kind=Kind.ENVIRONMENT,
        when=AllOf((DimensionAtLeast(6, 3), Fact("stable_housing_and_support", value=False))),
        floor="residential",
        reason="A seriously unsafe recovery environment without stable housing and support: "
        "a day program alone leaves the patient without a safe place between sessions.",
        source=f"{_LEVELS}; residential levels give a 24-hour structure (clinical.md §1.1 [S]). "
        f"{_PROGRAM}",
    ),
    Rule(
        id="E3",
        kind=Kind.ENVIRONMENT,
        when=Fact("home_environment_enables_use"),
        floor="iop",
        reason="A home that enables use needs the structure of a program several days a week.",
        source=f"{_LEVELS}. {_PROGRAM}",
    ),
    _dimension_rule(
        "E4",
        dimension=6,
        at_least=2,
        floor="iop",
        reason="A moderately unsupportive recovery environment needs the structure of a "
        "program several days a week.",
        kind=Kind.ENVIRONMENT,
    ),
    Rule(
        id="E5",
        kind=Kind.ENVIRONMENT,
        when=Fact("stable_housing_and_support", value=False),
        floor=None,
        reason="Without stable housing and support, attendance and recovery are at risk.",
        source=f"{_PROGRAM} clinical.md §1.4 lists social work services among covered IOP "
        "services (42 CFR 410.44, summarized [S]).",
        note="Refer to case management for housing and support.",
    ),
)

_FEASIBILITY: tuple[Rule, ...] = (
    Rule(
        id="F1",
        kind=Kind.FEASIBILITY,
        when=HoursShortOfLevel(),
        floor=None,
        reason="The patient cannot yet attend the hours the recommended level needs; what must "
        "change is the barrier, not the level.",
        source="clinical.md §1.1 hour bands (IOP >= 9 h/week adults, >= 6 adolescents; PHP "
        ">= 20 h/week) and §1.4 (Medicare IOP: the physician certifies a need for at least "
        "9 hours a week). Treating a shortfall as a barrier and never as a lower level is "
        f"OpenIOP's rule. {_PROGRAM}",
        barrier=True,
    ),
)

_ENGAGEMENT: tuple[Rule, ...] = (
    Rule(
        id="M1",
        kind=Kind.ENGAGEMENT,
        when=DimensionAtLeast(4, 3),
        floor=None,
        reason="Low readiness to change calls for engagement work; it is not a reason to lower "
        "or raise the level.",
        source=f"clinical.md §1.3 (dimension 4, readiness to change). {_PROGRAM}",
        note="Plan motivational interviewing and engagement work from the first session.",
    ),
)

RULES: tuple[Rule, ...] = (*_SAFETY, *_SEVERITY, *_ENVIRONMENT, *_FEASIBILITY, *_ENGAGEMENT)


def rule_by_id(rule_id: str) -> Rule:
    """The rule with this id. Raises KeyError for an unknown id."""
    for rule in RULES:
        if rule.id == rule_id:
            return rule
    raise KeyError(rule_id)


def _check(rules: tuple[Rule, ...]) -> None:
    """Refuse, at import, a rule table the engine would misread: a repeated id, an unknown
    floor, a rule that does nothing, a floor on an engagement or feasibility rule (they must
    never move the level), or the level-dependent hours test outside a feasibility rule."""
    ids = [rule.id for rule in rules]
    if len(set(ids)) != len(ids):
        raise ValueError(f"repeated rule ids in {ids}")
    for rule in rules:
        feasibility = rule.kind is Kind.FEASIBILITY
        hours_test = any(isinstance(leaf, HoursShortOfLevel) for leaf in leaves(rule.when))
        if rule.floor is not None and rule.floor not in LEVEL_CODES:
            raise ValueError(f"{rule.id}: unknown floor {rule.floor}")
        if rule.floor is None and rule.note is None and not rule.barrier:
            raise ValueError(f"{rule.id}: no floor, note or barrier")
        if rule.floor is not None and rule.kind in {Kind.ENGAGEMENT, Kind.FEASIBILITY}:
            raise ValueError(f"{rule.id}: {rule.kind} rules set no floor")
        if hours_test != feasibility or rule.barrier != feasibility:
            raise ValueError(f"{rule.id}: only feasibility rules test hours and make barriers")


_check(RULES)
