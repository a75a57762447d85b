"""What seed-demo tells the person who ran it: a summary and the table of demo logins.

``render_logins`` and ``render_summary`` are pure; ``write_logins`` writes a file.
"""

from __future__ import annotations

from pathlib import Path

from openiop.devtools.demo import DemoResult
from openiop.devtools.layout import ORGANIZATION

LOGINS_FILE = Path("var") / "demo-logins.txt"
HEADERS = ("USERNAME", "PASSWORD", "ROLE", "PROGRAMS")
MFA_NOTE = (
    'Two-factor sign-in: enroll an authenticator app at "Two-factor sign-in" in the user '
    "menu (optional in the demo profile, required in production)."
)


def render_logins(result: DemoResult) -> str:
    """The demo accounts as an aligned plain-text table, the MFA note, and the patients to
    open first."""
    rows = [HEADERS, *((x.username, x.password, x.role, x.programs) for x in result.logins)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    header = (
        f"Demo logins (synthetic data, seed {result.seed}; demo credentials, never for real use):"
    )
    return "\n".join([header, *lines, "", MFA_NOTE, "", *render_highlights(result)]) + "\n"


def render_highlights(result: DemoResult) -> list[str]:
    """Lines naming the patient with the open safety alert and the one whose PHQ-9 is due,
    dated, since a later ``--if-empty`` run prints them again."""
    summary = result.measures
    door = result.front_door
    admit = (
        [
            f"  Ready to admit: {door.ready_to_admit} on the board at /admissions/ as intake "
            "(authorized; or take a new referral from 'New referral' all the way through)"
        ]
        if door.ready_to_admit
        else []
    )
    full = (
        [f"  Full track with a waitlist: {door.waitlist_track.name} (/admissions/)"]
        if door.waitlist_track
        else []
    )
    return [
        f"Start here (as of {summary.today:%a %b %d, %Y}):",
        *(f"  {label}: {who}" for label, who in summary.highlights),
        *admit,
        *full,
    ]


def _named(rows: tuple[tuple[str, int], ...]) -> str:
    """'PHQ-9 412, GAD-7 398'."""
    return ", ".join(f"{label} {n}" for label, n in rows)


def _counted(rows: tuple[tuple[str, int], ...]) -> str:
    """'1 open, 4 acknowledged'."""
    return ", ".join(f"{n} {label}" for label, n in rows)


def render_summary(result: DemoResult, logins_path: Path) -> str:
    """Counts of what was created, the login table, and where the table was saved."""
    counts = ", ".join(f"{n} {label}" for label, n in result.counts)
    states = ", ".join(f"{n} {label}" for label, n in result.states)
    phases = ", ".join(f"{n} {label}" for label, n in result.phases)
    m = result.measures
    total = sum(n for _, n in m.responses)
    return (
        f"Seeded {ORGANIZATION} with seed {result.seed}: {counts}.\n"
        f"Episodes: {states}; admitted by phase: {phases}.\n"
        f"Measures: {total} responses ({_named(m.responses)}); by source: "
        f"{_counted(m.sources)}; safety alerts: {_counted(m.alerts)}.\n"
        f"Courses of admitted stays: {_counted(m.courses)}. PHQ-9 intake to discharge: "
        f"{_counted(m.discharge)}.\n"
        f"Referrals by stage: {_named(result.front_door.stages)}.\n\n"
        f"{render_logins(result)}\nThe login table was also written to {logins_path}.\n"
    )


def write_logins(result: DemoResult, *, base_dir: Path) -> Path:
    """Write the login table to ``base_dir/var/demo-logins.txt`` (creating ``var``),
    readable by the owner only. Side effect: creates or overwrites that file."""
    path = base_dir / LOGINS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_logins(result), encoding="utf-8")
    path.chmod(0o600)
    return path
