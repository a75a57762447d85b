"""Notes built through the real services, on the ordinary day of tests/daily.py."""

from __future__ import annotations

import datetime as dt

from openiop.accounts.models import User
from openiop.clinical_notes import services
from openiop.clinical_notes.models import Note, NoteKind
from openiop.patients.models import EpisodeOfCare
from openiop.treatment_plans import services as plans
from openiop.treatment_plans.models import PlanObjective
from tests.daily import Day, attend, local
from tests.factories import PASSWORD, SYSTEM

#: 14:45 in Chicago, a quarter of an hour after the group (13:00–14:30) ended.
AFTER_GROUP = local(14, 45)
#: 16:00, after the individual session (15:00–15:50).
AFTER_INDIVIDUAL = local(16)

GROUP_BODY = {"topic": "Distress tolerance", "narrative": "TIPP skills practised in pairs."}
DAP_BODY = {"data": "Slept 6 h.", "assessment": "Improving.", "plan": "Continue weekly."}


def texts(n: int) -> dict[str, str]:
    """An individualized part that differs from every other ``n``."""
    return {
        "participation": f"Shared an example of urge surfing ({n}).",
        "response": f"Named two skills to practise ({n}).",
        "plan": f"Log urges daily ({n}).",
    }


def entry_input(
    episode_id: int, n: int | None = None, objective_ids: tuple[int, ...] = ()
) -> services.EntryInput:
    """An EntryInput with the individualized text ``texts(n)`` (default: the episode id)."""
    text = texts(episode_id if n is None else n)
    return services.EntryInput(
        episode_id,
        participation=text["participation"],
        response=text["response"],
        plan=text["plan"],
        objective_ids=objective_ids,
    )


def checked_in(day: Day, statuses: dict[int, str] | None = None) -> None:
    """Record the group's attendance: ``statuses`` by episode index (default all present)."""
    for index, episode in enumerate(day.episodes):
        status = (statuses or {}).get(index, "present")
        attend(day, episode, status, minutes=None if status != "late" else 60)


def group_note(day: Day, author: User | None = None) -> Note:
    return services.group_note_start(
        actor=SYSTEM, session=day.group, author=author or day.tiny.facilitator
    )


def entries_for(note: Note) -> list[services.EntryInput]:
    """An individualized EntryInput for each entry of ``note``."""
    return [entry_input(entry.episode_id) for entry in note.entries.order_by("pk")]


def filled_group_note(day: Day, author: User | None = None) -> Note:
    """A group note whose shared sections and every attendee's part are written."""
    note = group_note(day, author)
    return services.note_save_draft(
        actor=SYSTEM,
        note=note,
        by=note.author,
        base_version=note.version,
        body=GROUP_BODY,
        entries=entries_for(note),
    )


def sign(note: Note, by: User | None = None, *, confirm_identical: bool = False) -> Note:
    return services.note_sign(
        actor=SYSTEM,
        note=note,
        by=by or note.author,
        password=PASSWORD,
        confirm_identical=confirm_identical,
    )


def dap_note(day: Day, episode: EpisodeOfCare | None = None, on: dt.date | None = None) -> Note:
    """A filled DAP note by the therapist, without a session, for ``episode`` on ``on``."""
    note = services.note_start(
        actor=SYSTEM,
        kind=NoteKind.INDIVIDUAL_DAP,
        author=day.tiny.therapist,
        episode=episode or day.episodes[0],
        on=on or local(9).date(),
    )
    return services.note_save_draft(
        actor=SYSTEM, note=note, by=note.author, base_version=1, body=DAP_BODY
    )


def objective(day: Day, episode: EpisodeOfCare, statement: str = "PHQ-9 below 10") -> PlanObjective:
    """One objective in the episode's draft treatment plan, through the plan services."""
    plan = episode.treatment_plans.first() or plans.plan_create(
        actor=SYSTEM, episode=episode, by=day.tiny.therapist
    )
    problem = plans.problem_add(actor=SYSTEM, plan=plan, statement="Depressed mood")
    goal = plans.goal_add(actor=SYSTEM, problem=problem, statement="Feel like myself again")
    return plans.objective_add(
        actor=SYSTEM,
        goal=goal,
        statement=statement,
        measure="PHQ-9 total score",
        target_date=dt.date(2026, 4, 30),
        phase="stabilization",
    )
