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
    """The demo accounts as an aligned plain-text table, followed by the MFA note."""
    rows = [HEADERS, *((x.username, x.password, x.role, x.programs) for x in result.logins)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    header = (
        f"Demo logins (synthetic data, seed {result.seed}; demo credentials, never for real use):"
    )
    return "\n".join([header, *lines, "", MFA_NOTE]) + "\n"


def render_summary(result: DemoResult, logins_path: Path) -> str:
    """Counts of what was created, the login table, and where the table was saved."""
    counts = ", ".join(f"{n} {label}" for label, n in result.counts)
    states = ", ".join(f"{n} {label}" for label, n in result.states)
    phases = ", ".join(f"{n} {label}" for label, n in result.phases)
    return (
        f"Seeded {ORGANIZATION} with seed {result.seed}: {counts}.\n"
        f"Episodes: {states}; admitted by phase: {phases}.\n\n"
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
