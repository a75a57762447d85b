"""A staffing found without search: the hint of the staffing model, and its stand-in when
the model finds nothing within its budget (large programs from scratch).

Cross-site clinicians work each day where they worked that day last week, or else their days
are shared between their sites in proportion to the patients there. Primaries come from a
b-matching within the caseload caps that tries last week's primary first, then the
clinicians sharing the most usable slots with the patient.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from engines.scheduling.model import Patient
from engines.scheduling.solver.decompose import Component
from engines.scheduling.solver.facts import Facts
from engines.scheduling.solver.flow import assign
from engines.scheduling.solver.scope import active_sites, multi_site, usable
from engines.scheduling.solver.staffing import Staffing

LOAD_SHARES = (0.8, 0.9, 1.0)  # of a clinician's slots in a part their patients may take


def quick_staffing(facts: Facts, parts: Sequence[Component]) -> Staffing | None:
    """None when some patient gets no primary. Within a part a clinician takes at most a
    share of their slots there in patients (``LOAD_SHARES``, the lower tried first), so the
    required sessions can fit."""
    day_site = _days(facts)
    options: dict[str, list[tuple[str, str]]] = {}  # patient -> (clinician, part) in order
    slots: dict[tuple[str, str], int] = {}
    for part in parts:
        for patient in part.patients:
            options[patient.id] = _ranked(facts, patient, part, day_site, slots)
    caps = {m.id: m.caseload_cap for m in facts.instance.staff}
    for share in LOAD_SHARES:
        primary_of = assign(options, {key: int(share * n) for key, n in slots.items()}, caps)
        if primary_of is not None:
            return Staffing(primary_of, day_site)
    return None


def _ranked(
    facts: Facts,
    patient: Patient,
    part: Component,
    day_site: dict[tuple[str, int], str],
    slots: dict[tuple[str, str], int],
) -> list[tuple[str, str]]:
    """Last week's primary first, then by usable slots shared with the patient."""
    held = facts.previous.get(patient.id)
    ranked = []
    for member in facts.primary_candidates(patient):
        common = facts.common_slots(patient, member)
        room = sum(1 for s in common if usable(facts, member, s, patient.site, day_site))
        if room < patient.needs.individual:
            continue
        ranked.append((held is None or held.primary != member.id, -room, member.id))
        if (member.id, part.name) not in slots:
            there = facts.staff_available(member) & part.slots
            slots[member.id, part.name] = sum(
                1 for s in there if usable(facts, member, s, part.site, day_site)
            )
    return [(m, part.name) for _, _, m in sorted(ranked)]


def _days(facts: Facts) -> dict[tuple[str, int], str]:
    active = active_sites(facts)
    census = Counter(p.site for p in facts.instance.patients)
    last = _last_week_sites(facts)
    day_site: dict[tuple[str, int], str] = {}
    for member in facts.instance.staff:
        if not multi_site(member, active):
            continue
        sites = sorted(s for s in member.sites if s in active)
        days = sorted({facts.slot_day[s] for s in facts.staff_available(member)})
        share = _shares(days, sites, [census[s] for s in sites])
        for day in days:
            before = last.get((member.id, day))
            day_site[member.id, day] = before if before in sites else share[day]
    return day_site


def _shares(days: list[int], sites: list[str], weights: list[int]) -> dict[int, str]:
    """Days to sites in proportion to ``weights`` (largest remaining share first)."""
    given: Counter[str] = Counter()
    total = sum(weights) or 1
    share = {}
    for index, day in enumerate(days):
        wanted = {
            s: w * (index + 1) / total - given[s] for s, w in zip(sites, weights, strict=True)
        }
        site = max(sites, key=lambda s: (wanted[s], s))
        given[site] += 1
        share[day] = site
    return share


def _last_week_sites(facts: Facts) -> dict[tuple[str, int], str]:
    previous = facts.instance.previous
    if previous is None:
        return {}
    worked: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    for meeting in previous.meetings:
        if meeting.cohort in facts.cohorts and meeting.slot in facts.slot_day:
            worked[meeting.facilitator, facts.slot_day[meeting.slot]][
                facts.track_site(meeting.cohort)
            ] += 1
    for session in previous.sessions:
        patient = facts.patients.get(session.patient)
        if patient is not None and session.slot in facts.slot_day:
            worked[session.clinician, facts.slot_day[session.slot]][patient.site] += 1
    return {key: sites.most_common(1)[0][0] for key, sites in worked.items()}
