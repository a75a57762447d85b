"""Write the benchmark's results: ``outcomes.json`` for machines, ``outcomes.md`` for people."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

TARGET_S = 2.0


def machine(postgres_version: str, postgres_settings: dict[str, str]) -> dict[str, Any]:
    return {
        **host_machine(),
        "postgresql": postgres_version,
        "postgresql_settings": postgres_settings,
    }


def host_machine() -> dict[str, Any]:
    """CPU, memory, OS and Python of the measuring machine (every benchmark records it)."""
    cpu = ""
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(
                (ln.split(":", 1)[1].strip() for ln in info if ln.startswith("model name")), ""
            )
    except OSError:
        cpu = platform.processor()
    import django

    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
    }


def met(grouping: dict[str, Any]) -> bool:
    """The target holds when even the slowest timed run is within it."""
    return bool(grouping["max_s"] <= TARGET_S)


def _table(result: dict[str, Any]) -> list[str]:
    lines = [
        "| grouping | groups (on page 1) | episodes | pairs | queries | min s | median s "
        "| max s | ≤ 2 s | every group, once (downloads) s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|:---:|---:|",
    ]
    lines.extend(
        f"| {g['group_by']} | {g['groups']} ({g['groups_on_page']}) | {g['episodes']:,} "
        f"| {g['pairs_overall']:,} | {g['queries']} | {g['min_s']:.3f} | {g['median_s']:.3f} "
        f"| {g['max_s']:.3f} | {'yes' if met(g) else '**no**'} | {g['every_group_s']:.3f} |"
        for g in result["timing"]["groupings"]
    )
    return lines


def _phases(result: dict[str, Any]) -> list[str]:
    lines = [
        "| grouping | SQL execute | statistics engine | fetch + Python | total "
        "| server time per query (ms, EXPLAIN ANALYZE) |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for g in result["timing"]["groupings"]:
        p = g["phases_s"]
        server = ", ".join(f"{q['execution_ms']:.0f}" for q in g["explain"])
        lines.append(
            f"| {g['group_by']} | {p['sql_execute']:.3f} | {p['statistics']:.3f} "
            f"| {p['python_and_fetch']:.3f} | {p['total']:.3f} | {server} |"
        )
    return lines


def markdown(result: dict[str, Any]) -> str:
    m, p, t = result["machine"], result["parameters"], result["timing"]
    host, code = t["host_while_timing"], result["code"]
    counts = result["generation"]["rows"]
    lines = [
        "# Outcomes report benchmark",
        "",
        f"`python -m bench.outcomes --responses {p['responses']} --seed {p['seed']}` on "
        f"{m['cpu_count']} × {m['cpu_model'] or 'CPU'}, {m['memory_gib']} GiB, "
        f"Python {m['python']}, Django {m['django']}, {m['postgresql'].split(' on ')[0]}.",
        "",
        f"Data: {counts['measure_responses']:,} responses, {counts['episodes']:,} episodes, "
        f"{counts['patients']:,} patients, {counts['programs']} programs, "
        f"{counts['staff']} staff; generated and loaded in "
        f"{result['generation']['total_s']:.0f} s.",
        f"Report: the page, `outcomes_report(Filters(all programs, {p['start']} … {p['end']}, "
        f"today={p['today']}), page=1)` (the overall row and the first page of groups), "
        f"summarizes {t['responses_in_scope']:,} responses (intake, "
        "discharge and follow-ups of the episodes in scope). "
        f"1 warm-up, then {p['runs']} timed runs per grouping; target: the slowest run "
        f"≤ {TARGET_S:g} s.",
        "",
        *_table(result),
        "",
        "Where one extra run spends its time (seconds):",
        "",
        *_phases(result),
        "",
        f"Peak RSS of the measuring process: {t['peak_rss_mib']:.0f} MiB "
        f"({t['rss_before_report_mib']:.0f} MiB before the first report).",
        f"Host while timing: CPU steal {host['cpu_steal_share']:.0%}, busy "
        f"{host['cpu_busy_share']:.0%}, load average {host['load_average_1m_after']} "
        "(a shared virtual machine: steal and load make single runs noisy).",
        "",
        f"Measured code: commit {code['commit'][:12]}"
        + (f"; uncommitted changes in {', '.join(code['modified'])}" if code["modified"] else "")
        + f"; `openiop/measures/outcomes.py` sha256 {code['outcomes_sha256'][:12]}.",
    ]
    return "\n".join(lines) + "\n"


def write(directory: Path, result: dict[str, Any]) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    as_json, as_md = directory / "outcomes.json", directory / "outcomes.md"
    as_json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    as_md.write_text(markdown(result))
    return as_json, as_md
