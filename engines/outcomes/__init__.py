"""Pure outcome statistics for routine outcome monitoring: reliable change (Jacobson–Truax),
clinically significant change categories, response/remission, pre–post effect sizes with
confidence intervals, and trajectory flags.

Plain numbers in, frozen dataclasses out; no Django, no clock, standard library only. Each
module's docstring cites the formulas and thresholds it uses (clinical.md §2.3 and §3).
"""

from engines.outcomes.descriptive import Summary, describe
from engines.outcomes.effect_sizes import EffectSize, cohens_d_av, cohens_d_z
from engines.outcomes.moments import PairMoments, PairSums, moments_of_sums, pair_moments
from engines.outcomes.norms import NORMS, RCI_CRITERION, Norms
from engines.outcomes.pre_post import (
    PairCounts,
    PrePost,
    RuleCuts,
    pre_post,
    pre_post_counted,
    pre_post_summed,
    rule_cuts,
)
from engines.outcomes.reliable_change import (
    Category,
    ReliableChange,
    classify,
    is_clinical,
    is_remission,
    is_response,
    reliable_change,
    threshold_lines,
)
from engines.outcomes.student_t import t_cdf, t_quantile
from engines.outcomes.trajectory import (
    WEEK_4_DAY,
    TrajectoryFlag,
    TrajectoryFlagCode,
    trajectory_flags,
)

__all__ = [
    "NORMS",
    "RCI_CRITERION",
    "WEEK_4_DAY",
    "Category",
    "EffectSize",
    "Norms",
    "PairCounts",
    "PairMoments",
    "PairSums",
    "PrePost",
    "ReliableChange",
    "RuleCuts",
    "Summary",
    "TrajectoryFlag",
    "TrajectoryFlagCode",
    "classify",
    "cohens_d_av",
    "cohens_d_z",
    "describe",
    "is_clinical",
    "is_remission",
    "is_response",
    "moments_of_sums",
    "pair_moments",
    "pre_post",
    "pre_post_counted",
    "pre_post_summed",
    "reliable_change",
    "rule_cuts",
    "t_cdf",
    "t_quantile",
    "threshold_lines",
    "trajectory_flags",
]
