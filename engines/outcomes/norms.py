"""Reference values per instrument for reliable and clinically significant change.

Each `Norms` holds the inputs of the Jacobson–Truax reliable change index (a pre-treatment SD and a
reliability coefficient), the clinical cut-off and remission rule, and an optional *published*
reliable-change threshold that a program may choose instead of the computed one. Every value
names its source in `Norms.sources`; values computed here (not published) say so.

Instruments deliberately left out (the report then shows them without reliable change):

* AUDIT-C and DAST-10 have a past-year recall window (clinical.md §2.1), so a pre/post pair a
  few weeks apart inside an IOP episode re-measures mostly the same period; a reliable-change
  index on them would mislead. A clinical SD/reliability pair was therefore not sought.
* PC-PTSD-5 is a 0–5 yes/no screen, not a severity measure; it gets no reliable change either.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

#: Two-sided 95 % criterion of the reliable change index (Jacobson & Truax 1991, J Consult Clin
#: Psychol 59(1):12–19): |RCI| >= 1.96 is reliable change.
RCI_CRITERION = 1.96


@dataclass(frozen=True, slots=True)
class Norms:
    """Reliable-change and clinical-significance inputs for one instrument.

    `sd_pre` and `reliability` feed the standard error of measurement SEM = SD₁·√(1 - r_xx); the
    standard error of the difference is S_diff = √2·SEM (Christensen & Mendoza 1986, the
    correction to Jacobson et al. 1984); the minimum reliable change is 1.96·S_diff
    (Jacobson & Truax 1991). Sources: clinical.md §3.1; http://psyctc.org/stats/rcsc1.htm.

    `clinical_cutoff` splits clinical from non-clinical scores: for a scale where lower is better
    a score >= the cut-off is on the clinical side; where higher is better, a score <= the cut-off.
    `remission_below` is read in the same direction: remission is a score strictly on the healthy
    side of it (below it when lower is better, above it otherwise).

    Raises ValueError when the SD is not positive or the reliability is outside [0, 1).
    """

    instrument: str
    sd_pre: float
    reliability: float
    reliability_kind: str
    clinical_cutoff: float
    cutoff_label: str
    remission_below: float | None
    remission_label: str
    published_reliable_change: float | None
    sources: tuple[str, ...]
    lower_is_better: bool = True

    def __post_init__(self) -> None:
        if not (math.isfinite(self.sd_pre) and self.sd_pre > 0):
            raise ValueError(f"{self.instrument}: sd_pre must be a positive number")
        if not 0 <= self.reliability < 1:
            raise ValueError(f"{self.instrument}: reliability must be in [0, 1)")
        if self.reliability_kind not in {"cronbach_alpha", "test_retest"}:
            raise ValueError(f"{self.instrument}: unknown reliability_kind")
        if self.published_reliable_change is not None and self.published_reliable_change <= 0:
            raise ValueError(f"{self.instrument}: published_reliable_change must be positive")

    @property
    def sem(self) -> float:
        """Standard error of measurement, SD₁·√(1 - r_xx) (Jacobson & Truax 1991)."""
        return self.sd_pre * math.sqrt(1 - self.reliability)

    @property
    def s_diff(self) -> float:
        """Standard error of the difference of two scores, √2·SEM (Christensen & Mendoza 1986)."""
        return math.sqrt(2) * self.sem

    @property
    def min_reliable_change(self) -> float:
        """Smallest raw change that is reliable at 95 %: 1.96·S_diff (computed, not published)."""
        return RCI_CRITERION * self.s_diff


_PHQ9 = Norms(
    instrument="phq9",
    sd_pre=5.5,
    reliability=0.89,
    reliability_kind="cronbach_alpha",
    clinical_cutoff=10,
    cutoff_label="below the clinical cut-off (PHQ-9 < 10)",
    remission_below=5,
    remission_label="remission (PHQ-9 < 5)",
    published_reliable_change=6,
    sources=(
        "Cronbach alpha 0.89: Kroenke, Spitzer & Williams 2001, J Gen Intern Med 16(9):606–613.",
        "Intake SD 5.5: NHS Talking Therapies 2022-23 data as summarised at "
        "http://www.cbtwatch.com/tag/no-justification-for-nhs-talking-theapies/ (secondary).",
        "Cut-off 10: IAPT/NHS Talking Therapies caseness "
        "(https://fingertips.phe.org.uk/profile/common-mental-disorders/supporting-information/"
        "Glossary); ≥ 10 gives 88 % sensitivity and 88 % specificity for major depression "
        "(Kroenke 2001).",
        "Remission < 5: NCQA HEDIS DRR-E and CMS159 (NQF 0710), "
        "https://ecqi.healthit.gov/sites/default/files/ecqm/measures/CMS159v6.html.",
        "Published reliable improvement: a decrease of ≥ 6 points (NHS Talking Therapies / IAPT "
        "Manual, via the cbtwatch summary; verify in the NHS Talking Therapies Manual).",
        "Minimum reliable change ≈ 5.06 points is computed here from SD 5.5 and alpha 0.89 "
        "(clinical.md §2.3 worked example), not a published constant.",
    ),
)

_GAD7 = Norms(
    instrument="gad7",
    sd_pre=4.5,
    reliability=0.92,
    reliability_kind="cronbach_alpha",
    clinical_cutoff=8,
    cutoff_label="below the clinical cut-off (GAD-7 < 8)",
    remission_below=None,
    remission_label="no published remission rule for the GAD-7",
    published_reliable_change=4,
    sources=(
        "Cronbach alpha 0.92 (test–retest r 0.83): Spitzer, Kroenke, Williams & Löwe 2006, "
        "Arch Intern Med 166(10):1092–1097.",
        "Intake SD 4.5: NHS Talking Therapies 2022-23 data as summarised at "
        "http://www.cbtwatch.com/tag/no-justification-for-nhs-talking-theapies/ (secondary).",
        "Cut-off 8: IAPT/NHS Talking Therapies caseness "
        "(https://fingertips.phe.org.uk/profile/common-mental-disorders/supporting-information/"
        "Glossary). Chosen over the screen-positive 10 of Spitzer 2006 because the published "
        "reliable-change threshold below (4) belongs to the same IAPT recovery framework.",
        "Published reliable improvement: a decrease of ≥ 4 points (NHS Talking Therapies / IAPT "
        "Manual, via the cbtwatch summary; verify in the NHS Talking Therapies Manual).",
        "No remission rule: none is given in the sources used (a '< 5' rule sometimes used in "
        "trials was not found in a citable guideline).",
        "Minimum reliable change ≈ 3.53 points is computed here from SD 4.5 and alpha 0.92 "
        "(clinical.md §2.3 worked example), not a published constant.",
    ),
)

_PCL5 = Norms(
    instrument="pcl5",
    sd_pre=12.40,
    reliability=0.91,
    reliability_kind="cronbach_alpha",
    clinical_cutoff=33,
    cutoff_label="below the probable-PTSD cut-off (PCL-5 < 33)",
    remission_below=33,
    remission_label="no longer probable PTSD (PCL-5 < 33)",
    published_reliable_change=15,
    sources=(
        "SD 12.40 and Cronbach alpha 0.91 taken together from the PCL-5 normative table of "
        "J Affect Disord 2020;277:368–374, Table 3 (https://pmc.ncbi.nlm.nih.gov/articles/"
        "PMC7443209/table/tbl0003). The sample behind that table was not checked: verify that it "
        "resembles an IOP intake before relying on the computed threshold.",
        "Other published reliabilities: alpha 0.94, test–retest 0.82 (Blevins et al. 2015, "
        "J Trauma Stress 28(6):489–498); alpha 0.96, test–retest 0.84 (Bovin et al. 2016, "
        "Psychol Assess 28(11):1379–1391).",
        "Cut-off 33: probable PTSD at 31–33 (Bovin et al. 2016; NCPTSD 'Using the PCL-5'). The "
        "upper end of the range is a choice: 31 would make 'below the cut-off', and so "
        "'recovered', a stricter claim.",
        "Remission < 33 means only 'no longer probable PTSD'; there is no validated PCL-5 "
        "remission definition.",
        "Published reliable change: ≥ 15 points (Marx et al. 2022, Psychol Assess 34(2):197–203, "
        "sample 1; 18 in sample 2). NCPTSD guidance quotes 5 points, but that figure comes from "
        "the DSM-IV PCL and is contradicted for the PCL-5 by Marx 2022 and Blanchard et al. 2023 "
        "(J Trauma Stress 36(6):1102–1114: changes ≤ 5 are likely not reliable).",
        "Minimum reliable change ≈ 10.3 points is computed here from SD 12.40 and alpha 0.91, "
        "not a published constant; it sits inside Blanchard 2023's 9–12-point MID range.",
    ),
)

#: Reference values by instrument code. Read-only: a program that wants other values builds its
#: own `Norms` and passes it in.
NORMS: Mapping[str, Norms] = MappingProxyType({n.instrument: n for n in (_PHQ9, _GAD7, _PCL5)})
