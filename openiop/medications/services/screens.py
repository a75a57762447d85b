"""Drug-screen results, kept only in substance-use (Part 2) programs and audited as Part 2
data (DRUG_SCREEN_RECORDED, category DRUG_SCREEN, no result in the audit detail)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.db import transaction

from openiop.accounts.models import User
from openiop.audit.models import DataCategory
from openiop.audit.services import Entry, audit_record
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.core.capabilities import Capability
from openiop.medications import errors
from openiop.medications.models import DrugScreen, ScreenResult
from openiop.medications.services import rules
from openiop.patients.models import OPEN_STATES, EpisodeOfCare


def screen_results(results: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    """The results of one screen, validated and normalized: at least one, each with a
    substance name (spaces collapsed) and a ``ScreenResult`` value, no substance twice (case
    ignored). Raises NoScreenResults, SubstanceRequired, UnknownScreenResult,
    DuplicateSubstance (field ``results``)."""
    if not results:
        raise errors.NoScreenResults("Enter at least one substance and result.", field="results")
    lines: list[dict[str, str]] = []
    seen: set[str] = set()
    for row in results:
        substance = " ".join(str(row.get("substance", "")).split())
        result = str(row.get("result", ""))
        if not substance:
            raise errors.SubstanceRequired("Name the substance of each result.", field="results")
        if result not in ScreenResult.values:
            raise errors.UnknownScreenResult(
                f"Choose a result for {substance}: negative, positive, expected or invalid.",
                field="results",
            )
        if substance.casefold() in seen:
            raise errors.DuplicateSubstance(
                f"{substance} is listed twice; give one result per substance.", field="results"
            )
        seen.add(substance.casefold())
        lines.append({"substance": substance, "result": result})
    return lines


@transaction.atomic
def drug_screen_record(
    *,
    actor: Actor,
    episode: EpisodeOfCare,
    by: User,
    collected_on: dt.date,
    specimen: str,
    results: Sequence[Mapping[str, str]],
    comment: str = "",
) -> DrugScreen:
    """Record a drug screen of an open episode in a substance-use (Part 2) program.

    ``positive`` is set when any result is an unexpected positive. A positive for a drug the
    patient is prescribed (buprenorphine, methadone) is recorded as ``expected`` and does not
    count: it confirms adherence rather than use (SAMHSA TIP 63, Medications for Opioid Use
    Disorder, on drug testing). Audits DRUG_SCREEN_RECORDED with ``part2`` always true: a
    screen result of a substance-use program identifies the patient as in SUD treatment, which
    makes it a Part 2 record (42 CFR Part 2, clinical.md §5.3). Raises NotASubstanceUseProgram, EpisodeClosed, PermissionDenied, the
    ``screen_results`` refusals, CollectedInFuture / CollectedBeforeEpisode
    (``collected_on``), FieldRequired (``specimen``), MedicationInvalid.
    """
    program = episode.program
    if not program.is_part2:
        raise errors.NotASubstanceUseProgram(
            f"{program.name} is not a substance-use program; drug screens are not kept there."
        )
    if episode.state not in OPEN_STATES:
        raise errors.EpisodeClosed("This episode has ended; screens belong to an open episode.")
    rules.require_capability(by, program, Capability.RECORD_DRUG_SCREENS)
    lines = screen_results(results)
    _check_collected(episode, collected_on)
    screen = DrugScreen(
        episode=episode,
        collected_on=collected_on,
        specimen=rules.text(specimen, "specimen", "specimen"),
        results=lines,
        positive=any(line["result"] == ScreenResult.POSITIVE for line in lines),
        recorded_by=by,
        recorded_at=clock.now(),
        comment=" ".join(comment.split()),
    )
    rules.clean(screen)
    screen.save()
    entry = Entry(
        action="DRUG_SCREEN_RECORDED",
        category=DataCategory.DRUG_SCREEN,
        patient_id=episode.patient_id,
        part2=True,
        object_type="drug_screen",
        object_id=str(screen.pk),
    )
    audit_record(actor=actor, entry=entry)
    return screen


def _check_collected(episode: EpisodeOfCare, collected_on: dt.date) -> None:
    today = rules.today(episode.program)
    if collected_on > today:
        raise errors.CollectedInFuture(
            f"A screen cannot be collected after today ({today.isoformat()}).",
            field="collected_on",
        )
    if collected_on < episode.referred_on:
        raise errors.CollectedBeforeEpisode(
            f"This episode began on {episode.referred_on.isoformat()}; the screen is older.",
            field="collected_on",
        )
