"""Server-drawn SVG plots: no JavaScript, printable, and identical in the PDF. Each plot comes
with a table of the same numbers on the page (the accessible view)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engines.outcomes import PrePost
    from openiop.measures.selectors import Trajectory

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 12, 28

# Calm, colour-blind-safe tints from lightest (least severe) to darkest.
BAND_TINTS = ("#eef6ee", "#f6f3e4", "#f8ebdc", "#f6e0d8", "#f1d5d5")


@dataclass(frozen=True, slots=True)
class Rect:
    y: float
    height: float
    fill: str
    label: str
    label_y: float


@dataclass(frozen=True, slots=True)
class Line:
    y: float
    label: str
    kind: str


@dataclass(frozen=True, slots=True)
class Dot:
    x: float
    y: float
    title: str
    safety: bool


@dataclass(slots=True)
class Plot:
    title: str
    width: int = WIDTH
    height: int = HEIGHT
    bands: list[Rect] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)
    y_ticks: list[tuple[float, int]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)

    @property
    def polyline(self) -> str:
        return " ".join(f"{d.x:.1f},{d.y:.1f}" for d in self.dots)

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def plot_right(self) -> int:
        return WIDTH - RIGHT

    @property
    def plot_bottom(self) -> int:
        return HEIGHT - BOTTOM


class _Scale:
    def __init__(self, low: float, high: float, out_low: float, out_high: float) -> None:
        self.low, self.high, self.out_low, self.out_high = low, high, out_low, out_high

    def __call__(self, value: float) -> float:
        span = (self.high - self.low) or 1
        return self.out_low + (value - self.low) / span * (self.out_high - self.out_low)


def trajectory_plot(trajectory: Trajectory) -> Plot:
    """Scores over days since the first measure, severity bands shaded, and the
    reliable-change lines drawn around the baseline (improvement below, deterioration above
    for scales where lower is better)."""
    spec = trajectory.instrument
    plot = Plot(title=f"{spec.short_title} over time")
    y = _Scale(spec.min_total, spec.max_total, HEIGHT - BOTTOM, TOP)
    last_day = max([p.day for p in trajectory.points] or [0])
    x = _Scale(0, max(last_day, 28), LEFT, WIDTH - RIGHT)
    for index, band in enumerate(spec.bands):
        top, bottom = (
            y(band.high + 0.5 if band.high < spec.max_total else band.high),
            y(band.low - 0.5 if band.low > spec.min_total else band.low),
        )
        tint = BAND_TINTS[min(index, len(BAND_TINTS) - 1)]
        plot.bands.append(Rect(top, bottom - top, tint, band.label, (top + bottom) / 2 + 4))
    if spec.cutoff is not None:
        plot.lines.append(Line(y(spec.cutoff), f"cut-off {spec.cutoff}", "cutoff"))
    if trajectory.lines is not None:
        better, worse = trajectory.lines
        if spec.min_total <= better <= spec.max_total:
            plot.lines.append(Line(y(better), "reliable improvement", "improve"))
        if spec.min_total <= worse <= spec.max_total:
            plot.lines.append(Line(y(worse), "reliable deterioration", "worsen"))
    for point in trajectory.points:
        response = point.response
        safety = any(f.get("safety") for f in response.flags)
        title = f"{response.collected_on:%Y-%m-%d}: {response.total} {point.severity_label}".strip()
        plot.dots.append(Dot(x(point.day), y(response.total), title, safety))
    step = 5 if spec.max_total > 20 else (2 if spec.max_total > 8 else 1)
    step = 10 if spec.max_total > 50 else step
    plot.y_ticks = [(y(v), v) for v in range(spec.min_total, spec.max_total + 1, step)]
    weeks = max(last_day, 28) // 7
    stride = 1 if weeks <= 12 else 2 if weeks <= 24 else 4
    plot.x_ticks = [(x(w * 7), f"wk {w}") for w in range(0, weeks + 1, stride)]
    return plot


@dataclass(frozen=True, slots=True)
class ChangeRow:
    label: str
    y: float
    pre_x: float
    post_x: float
    pre_mean: float
    post_mean: float
    n: int


def change_plot(rows: list[tuple[str, PrePost, int]]) -> tuple[list[ChangeRow], int]:
    """A dumbbell per instrument: mean at intake and at discharge, each as a percentage of the
    instrument's range so different scales share one axis. Returns rows and the SVG height."""
    drawn = []
    for index, (label, result, max_total) in enumerate(
        r for r in rows if r[1].pre.mean is not None and r[1].post.mean is not None
    ):
        pre = result.pre.mean or 0.0
        post = result.post.mean or 0.0
        x = _Scale(0, max_total or 1, 150, WIDTH - 40)
        drawn.append(ChangeRow(label, 30 + index * 34, x(pre), x(post), pre, post, result.n_pairs))
    return drawn, 40 + 34 * max(len(drawn), 1)
