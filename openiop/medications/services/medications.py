"""The medication list (start, dose/frequency change, stop) and the watch each change sets
for the patient's group facilitators.

Each write validates first, raises a ``openiop.medications.errors`` refusal with a stable code
and the form field it belongs to (nothing is written then), and audits in the same
transaction: MEDICATION_STARTED / _CHANGED / _STOPPED and one MEDICATION_WATCH_SET per
facilitator, MEDICATION_WATCH_SEEN (category MEDICATIONS, ``part2`` as the program). Audit
details carry ids and codes only, never a drug or a dose: the audit log is read more widely
than the chart.

Dates (a project decision, recorded here): every date is the program's local date.
- A start may be back-dated without limit (a patient arrives already taking something) and
  scheduled up to ``MAX_SCHEDULED_START_DAYS`` ahead (a prescriber orders a start for after a
  washout or a pharmacy fill).
- A change or a stop is effective no later than today: the list shows what the patient takes
  now, so it never holds a dose that is not yet true. The one exception is a scheduled start,
  which may be revised or called off on its start date.
- History is in date order: a change or stop is not dated before the start (``stop_before_start``
  / ``change_before_start``) or before the last change on record (``before_last_change``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max

from openiop.accounts.models import User
from openiop.audit.models import DataCategory
from openiop.audit.services import Entry, audit_record, audit_record_many
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.core.capabilities import Capability
from openiop.medications import errors
from openiop.medications.models import ChangeKind, Medication, MedicationChange, MedicationWatch
from openiop.medications.selectors import group_facilitator_ids
from openiop.medications.services import rules
from openiop.patients.models import EpisodeOfCare

MAX_SCHEDULED_START_DAYS = 30
CHANGE_ACTIONS = {
    ChangeKind.STARTED: "MEDICATION_STARTED",
    ChangeKind.CHANGED: "MEDICATION_CHANGED",
    ChangeKind.STOPPED: "MEDICATION_STOPPED",
}


@transaction.atomic
def medication_start(
    *,
    actor: Actor,
    episode: EpisodeOfCare,
    by: User,
    drug: str,
    dose: str,
    frequency: str,
    prescriber: User,
    started_on: dt.date,
) -> Medication:
    """Add a medication to an admitted episode's list, prescribed by ``prescriber`` (an active
    prescriber of the program), written by ``by`` (who holds MANAGE_MEDICATIONS there).

    Side effects: a STARTED MedicationChange, the facilitators' watches, audit rows.
    Raises EpisodeNotAdmitted, PermissionDenied, NotAPrescriber (``prescriber``),
    FieldRequired, StartTooFarAhead (``started_on``), MedicationInvalid.
    """
    program = episode.program
    rules.require_admitted(episode)
    rules.require_capability(by, program, Capability.MANAGE_MEDICATIONS)
    rules.require_prescriber(prescriber, program)
    latest = rules.today(program) + dt.timedelta(days=MAX_SCHEDULED_START_DAYS)
    if started_on > latest:
        raise errors.StartTooFarAhead(
            f"A start can be scheduled at most {MAX_SCHEDULED_START_DAYS} days ahead "
            f"(until {latest.isoformat()}).",
            field="started_on",
        )
    medication = Medication(
        episode=episode,
        drug=rules.text(drug, "drug", "drug"),
        dose=rules.text(dose, "dose", "dose"),
        frequency=rules.text(frequency, "frequency", "frequency"),
        prescriber=prescriber,
        started_on=started_on,
        created_at=clock.now(),
    )
    rules.clean(medication)
    medication.save()
    after = {**_dosing(medication), "drug": medication.drug, "prescriber_id": prescriber.pk}
    _record_change(actor, medication, by, ChangeKind.STARTED, started_on, {}, after)
    return medication


@transaction.atomic
def medication_change(
    *,
    actor: Actor,
    medication: Medication,
    by: User,
    dose: str,
    frequency: str,
    effective_on: dt.date,
) -> Medication:
    """Change the dose and/or frequency of a current medication from ``effective_on``.

    Side effects: a CHANGED MedicationChange with the values before and after, the
    facilitators' watches, audit rows. Raises EpisodeNotAdmitted, PermissionDenied,
    MedicationStopped, FieldRequired, NothingChanged, ChangeBeforeStart / BeforeLastChange /
    DateInFuture (``effective_on``), MedicationInvalid.
    """
    medication = _locked(medication)
    _require_writable(medication, by)
    dose = rules.text(dose, "dose", "dose")
    frequency = rules.text(frequency, "frequency", "frequency")
    if (dose, frequency) == (medication.dose, medication.frequency):
        raise errors.NothingChanged(
            "The dose and frequency are what the patient already takes; change at least one."
        )
    _check_date(medication, effective_on, "effective_on", errors.ChangeBeforeStart)
    before = _dosing(medication)
    medication.dose, medication.frequency = dose, frequency
    rules.clean(medication)
    medication.save(update_fields=["dose", "frequency"])
    after = _dosing(medication)
    _record_change(actor, medication, by, ChangeKind.CHANGED, effective_on, before, after)
    return medication


@transaction.atomic
def medication_stop(
    *, actor: Actor, medication: Medication, by: User, stopped_on: dt.date, reason: str
) -> Medication:
    """Stop a current medication on ``stopped_on`` for ``reason``.

    Side effects: a STOPPED MedicationChange, the facilitators' watches, audit rows. Raises
    EpisodeNotAdmitted, PermissionDenied, MedicationStopped, StopBeforeStart /
    BeforeLastChange / DateInFuture (``stopped_on``), FieldRequired (``reason``). The database
    check ``medication_stops_after_start`` is the backstop of ``stop_before_start``.
    """
    medication = _locked(medication)
    _require_writable(medication, by)
    _check_date(medication, stopped_on, "stopped_on", errors.StopBeforeStart)
    medication.stop_reason = rules.text(reason, "reason", "reason for stopping")
    medication.stopped_on = stopped_on
    rules.clean(medication)
    medication.save(update_fields=["stopped_on", "stop_reason"])
    after = {"stopped_on": stopped_on.isoformat(), "reason": medication.stop_reason}
    before = _dosing(medication)
    _record_change(actor, medication, by, ChangeKind.STOPPED, stopped_on, before, after)
    return medication


def _locked(medication: Medication) -> Medication:
    """The medication's row, locked until the transaction ends (two changes at once apply in
    turn, each seeing the other's result)."""
    return (
        Medication.objects.select_for_update(of=("self",))
        .select_related("episode__program")
        .get(pk=medication.pk)
    )


def _require_writable(medication: Medication, by: User) -> None:
    rules.require_admitted(medication.episode)
    rules.require_capability(by, medication.episode.program, Capability.MANAGE_MEDICATIONS)
    if medication.stopped_on is not None:
        raise errors.MedicationStopped(
            f"{medication.drug} was stopped on {medication.stopped_on.isoformat()}; "
            "start it again instead."
        )


def _check_date(
    medication: Medication, on: dt.date, field: str, before_start: type[errors.MedicationInvalid]
) -> None:
    """The date rules of the module docstring for a change or a stop dated ``on``."""
    if on < medication.started_on:
        raise before_start(
            f"This date is before the start on {medication.started_on.isoformat()}.", field=field
        )
    last = medication.changes.aggregate(last=Max("effective_on"))["last"]
    if last is not None and on < last:
        raise errors.BeforeLastChange(
            f"This date is before the last change on record ({last.isoformat()}).", field=field
        )
    latest = max(rules.today(medication.episode.program), medication.started_on)
    if on > latest:
        raise errors.DateInFuture(
            f"Record a change once it is in effect; the latest date now is {latest.isoformat()}.",
            field=field,
        )


def _dosing(medication: Medication) -> dict[str, str]:
    return {"dose": medication.dose, "frequency": medication.frequency}


def _record_change(
    actor: Actor,
    medication: Medication,
    by: User,
    kind: ChangeKind,
    effective_on: dt.date,
    before: dict[str, Any],
    after: dict[str, Any],
) -> MedicationChange:
    change = MedicationChange(
        medication=medication,
        kind=kind,
        effective_on=effective_on,
        before=before,
        after=after,
        changed_by=by,
        changed_at=clock.now(),
    )
    change.full_clean()
    change.save()
    episode = medication.episode
    watches = _set_watches(episode, change)
    ids = {"change_id": str(change.pk), "kind": kind.value}
    entries = [_entry(CHANGE_ACTIONS[kind], episode, "medication", medication.pk, **ids)]
    entries += [
        _entry(
            "MEDICATION_WATCH_SET",
            episode,
            "medication_watch",
            watch.pk,
            change_id=str(change.pk),
            facilitator_id=str(watch.facilitator_id),
            watch_until=watch.watch_until.isoformat(),
        )
        for watch in watches
    ]
    audit_record_many(actor=actor, entries=entries)
    return change


def _set_watches(episode: EpisodeOfCare, change: MedicationChange) -> list[MedicationWatch]:
    """One watch per group facilitator of the patient (``group_facilitator_ids``), until
    ``Program.medication_watch_days`` after the change. A back-dated change whose window has
    already closed sets none: there is nothing left to watch for."""
    program = episode.program
    until = change.effective_on + dt.timedelta(days=program.medication_watch_days)
    today = rules.today(program)
    if until < today:
        return []
    return MedicationWatch.objects.bulk_create(
        MedicationWatch(change=change, episode=episode, facilitator_id=pk, watch_until=until)
        for pk in sorted(group_facilitator_ids(episode, today))
    )


def _entry(
    action: str, episode: EpisodeOfCare, object_type: str, object_id: int, **detail: str
) -> Entry:
    return Entry(
        action=action,
        category=DataCategory.MEDICATIONS,
        patient_id=episode.patient_id,
        part2=episode.program.is_part2,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail,
    )


@transaction.atomic
def medication_watch_seen(*, actor: Actor, watch: MedicationWatch, by: User) -> MedicationWatch:
    """Mark a watch as seen by its facilitator. Seeing it again changes nothing (a double tap
    is not an error) and writes no second audit row. Raises NotYourWatch for anyone else.
    Audits MEDICATION_WATCH_SEEN."""
    watch = (
        MedicationWatch.objects.select_for_update(of=("self",))
        .select_related("episode__program")
        .get(pk=watch.pk)
    )
    if watch.facilitator_id != by.pk:
        raise errors.NotYourWatch("Only the facilitator this watch was set for can mark it seen.")
    if watch.seen_at is not None:
        return watch
    watch.seen_at = clock.now()
    watch.save(update_fields=["seen_at"])
    audit_record(
        actor=actor,
        entry=_entry(
            "MEDICATION_WATCH_SEEN",
            watch.episode,
            "medication_watch",
            watch.pk,
            change_id=str(watch.change_id),
        ),
    )
    return watch
