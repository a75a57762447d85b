"""Fetch-and-authorize for the medications context (Zulip's access_stream_by_id pattern).

- Reading needs VIEW_PATIENTS in the episode's program; medication writes MANAGE_MEDICATIONS,
  screens RECORD_DRUG_SCREENS. Writes first authorize the episode with
  ``openiop.patients.access.episode_access``; the functions here then fetch a child of *that
  episode*, so an id under the wrong parent is the same NotFound as a missing one.
- A watch is reachable only by the facilitator it was set for, in a program where they still
  view patients.
- Every refusal is audited as a denied attempt that names no patient (security.md R11, R17).
- Reading drug screens writes DRUG_SCREENS_VIEWED with ``part2`` (42 CFR Part 2).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Model, QuerySet

from openiop.accounts.access import program_ids_with
from openiop.audit.models import DataCategory, Outcome
from openiop.audit.services import Entry, audit_record, audit_record_many
from openiop.core.actor import Actor
from openiop.core.capabilities import Capability
from openiop.core.errors import NotFound
from openiop.medications.models import DrugScreen, Medication, MedicationWatch
from openiop.medications.selectors import active_watches_for, drug_screen_list
from openiop.patients.models import EpisodeOfCare

_MAX_ID = 2**63 - 1


def _denied(actor: Actor, action: str, category: DataCategory, **detail: str) -> NotFound:
    audit_record(
        actor=actor,
        entry=Entry(action=action, category=category, outcome=Outcome.DENIED, detail=detail),
    )
    return NotFound("No such record.")


def _child[M: Model](
    queryset: QuerySet[M], pk: int, *, actor: Actor, action: str, category: DataCategory
) -> M:
    found = queryset.filter(pk=pk).first() if 0 < pk <= _MAX_ID else None
    if found is None:
        name = queryset.model._meta.model_name or "record"
        raise _denied(actor, action, category, **{f"requested_{name}_id": str(pk)})
    return found


def medication_of(
    episode: EpisodeOfCare, medication_id: int, *, actor: Actor, action: str
) -> Medication:
    """A medication of the (already authorized) episode; NotFound otherwise, audited as a
    denied ``action``."""
    medications = Medication.objects.filter(episode=episode).select_related("episode__program")
    return _child(
        medications, medication_id, actor=actor, action=action, category=DataCategory.MEDICATIONS
    )


def watch_access(user: Any, watch_id: int, *, actor: Actor, action: str) -> MedicationWatch:
    """The watch if it was set for ``user`` in a program where they view patients; NotFound
    otherwise (someone else's watch looks missing), audited as a denied ``action``."""
    watches = MedicationWatch.objects.filter(
        facilitator_id=getattr(user, "pk", None),
        episode__program_id__in=program_ids_with(user, Capability.VIEW_PATIENTS),
    ).select_related(
        "episode__patient", "episode__program", "change__medication", "change__changed_by"
    )
    return _child(watches, watch_id, actor=actor, action=action, category=DataCategory.MEDICATIONS)


def visible_episodes(user: Any, episodes: list[EpisodeOfCare]) -> list[EpisodeOfCare]:
    """The episodes in programs where ``user`` views patients (a patient may also be in
    programs the user has no part in, and the tab shows only these)."""
    visible = program_ids_with(user, Capability.VIEW_PATIENTS)
    return [e for e in episodes if e.program_id in visible]


def can_manage(user: Any, episode: EpisodeOfCare) -> dict[str, bool]:
    """Which writes ``user`` may make on ``episode`` (to show the forms; the POST endpoints
    check again): ``medications`` and, in a Part 2 program only, ``screens``."""
    return {
        "medications": episode.program_id in program_ids_with(user, Capability.MANAGE_MEDICATIONS),
        "screens": episode.program.is_part2
        and episode.program_id in program_ids_with(user, Capability.RECORD_DRUG_SCREENS),
    }


def drug_screens_read(user: Any, episode: EpisodeOfCare, *, actor: Actor) -> list[DrugScreen]:
    """The episode's drug screens for a reader with VIEW_PATIENTS in its program, audited as
    DRUG_SCREENS_VIEWED (category DRUG_SCREEN, ``part2`` true) even when there are none yet
    (the reader saw that there are none). Outside a Part 2 program there are no screens:
    returns an empty list and records nothing. Raises NotFound, audited, for anyone else."""
    if episode.program_id not in program_ids_with(user, Capability.VIEW_PATIENTS):
        raise _denied(
            actor,
            "DRUG_SCREENS_VIEWED",
            DataCategory.DRUG_SCREEN,
            requested_episode_id=str(episode.pk),
        )
    if not episode.program.is_part2:
        return []
    screens = drug_screen_list(episode)
    entry = Entry(
        action="DRUG_SCREENS_VIEWED",
        category=DataCategory.DRUG_SCREEN,
        patient_id=episode.patient_id,
        part2=True,
        object_type="episode",
        object_id=str(episode.pk),
        detail={"screens": str(len(screens))},
    )
    audit_record(actor=actor, entry=entry)
    return screens


def watches_read(user: Any, today: dt.date, *, actor: Actor) -> list[MedicationWatch]:
    """``user``'s running watches (``selectors.active_watches_for``), audited as one
    MEDICATION_WATCHES_VIEWED per patient listed (category MEDICATIONS, ``part2`` as the
    program)."""
    watches = active_watches_for(user, today)
    episodes = {w.episode_id: w.episode for w in watches}
    audit_record_many(
        actor=actor,
        entries=[
            Entry(
                action="MEDICATION_WATCHES_VIEWED",
                category=DataCategory.MEDICATIONS,
                patient_id=episode.patient_id,
                part2=episode.program.is_part2,
                object_type="episode",
                object_id=str(episode.pk),
            )
            for episode in episodes.values()
        ],
    )
    return watches
