"""seed-demo: its pure plan, its determinism through the database, and its refusals.

What a seeded database holds is asserted once, on one shared seeding, in
``test_seeded_demo``; the tests here need a database of their own."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management.base import CommandError
from django.db import transaction
from pytest_django.fixtures import Settings as SettingsWrapper

from openiop import cli
from openiop.accounts.models import User
from openiop.audit.models import AuditEvent
from openiop.devtools.measures_plan import plan_measures
from openiop.devtools.plan import PHASE_STARTS, plan_demo, stay_dates
from openiop.measures.models import SafetyAlert
from openiop.patients.models import (
    EpisodeOfCare,
    Patient,
    Phase,
)
from openiop.programs.models import Program
from tests.devtools.seeding import PATIENTS, WEDNESDAY, phase_for, printed_logins, seed
from tests.factories import program_setup

Snapshot = list[tuple[Any, ...]]


class _Rollback(Exception):
    """Raised to undo a seeding inside a savepoint."""


@pytest.fixture(autouse=True)
def _logins_in_tmp(settings: SettingsWrapper, tmp_path: Path) -> None:
    """Keep var/demo-logins.txt out of the real checkout."""
    settings.BASE_DIR = tmp_path


# --- The pure plan -------------------------------------------------------------------------


def test_plan_depends_only_on_the_seed_and_leaves_global_random_alone() -> None:
    state = random.getstate()
    plan = plan_demo(7)
    assert random.getstate() == state
    assert plan == plan_demo(7)
    other = plan_demo(8)
    assert other != plan
    assert [p.persona for p in other.patients] != [p.persona for p in plan.patients]
    assert [x.password for x in other.logins] != [x.password for x in plan.logins]


def test_plan_is_the_same_in_another_process_with_other_hash_seeds() -> None:
    code = (
        "import hashlib, django; django.setup(); "
        "from openiop.devtools.plan import plan_demo; "
        "from openiop.devtools.measures_plan import plan_measures; "
        "plan = plan_demo(7); "
        "print(hashlib.sha256(repr((plan, plan_measures(plan))).encode()).hexdigest())"
    )
    env = {
        **os.environ,
        "PYTHONHASHSEED": "12345",
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
    }
    done = subprocess.run(  # noqa: S603  (our own interpreter, fixed arguments)
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    plan = plan_demo(7)
    expected = hashlib.sha256(repr((plan, plan_measures(plan))).encode()).hexdigest()
    assert done.stdout.strip() == expected


@pytest.mark.parametrize("weekday_offset", range(7))
def test_plan_dates_hold_together_whatever_the_weekday(weekday_offset: int) -> None:
    today = dt.date(2026, 3, 2) + dt.timedelta(days=weekday_offset)
    for patient in plan_demo(7).patients:
        for stay in patient.stays:
            d = stay_dates(stay, today)
            chain = [
                d.referred,
                d.waitlisted,
                d.admitted,
                *(on for _, on in d.phases),
                d.discharged,
            ]
            dates = [x for x in chain if x is not None]
            assert dates == sorted(dates)
            assert dates[-1] <= today
            assert all(x.weekday() < 5 for x in dates)
            if d.admitted and not d.discharged:
                current = d.phases[-1][0] if d.phases else Phase.STABILIZATION
                assert current == phase_for(d.admitted, today)


def test_plan_phase_boundaries_are_weeks_5_and_13() -> None:
    assert PHASE_STARTS == ((Phase.CORE, 4), (Phase.TAPER, 12))


# --- Determinism through the database ------------------------------------------------------


def _episode_row(e: EpisodeOfCare) -> tuple[Any, ...]:
    team = e.care_team
    people = (team.primary_therapist, team.prescriber, team.case_manager)
    responses = tuple(
        e.measure_responses.order_by("due_on", "instrument", "timepoint").values_list(
            "instrument",
            "timepoint",
            "due_on",
            "collected_on",
            "source",
            "language",
            "answers",
            "total",
            "entered_by__username",
        )
    )
    alerts = tuple(
        SafetyAlert.objects.filter(episode=e)
        .order_by("response__due_on", "response__instrument")
        .values_list("response__instrument", "acknowledged_by__username", "action_taken")
    )
    return (
        e.program.name,
        e.track.name if e.track else "",
        e.state,
        e.phase,
        e.referred_on,
        e.waitlisted_on,
        e.admitted_on,
        e.phase_since,
        e.discharged_on,
        e.discharge_reason,
        tuple(u.username if u else "" for u in people),
        e.cohort.name if e.cohort else "",
        responses,
        alerts,
    )


def _snapshot() -> Snapshot:
    """Everything the seed decides about patients, as plain values in MRN order."""
    rows: Snapshot = []
    for p in Patient.objects.order_by("mrn"):
        person = (p.mrn, p.legal_given_name, p.legal_family_name, p.preferred_name, p.pronouns)
        details = (p.language, p.date_of_birth, p.phone, p.email)
        episodes = tuple(_episode_row(e) for e in p.episodes.order_by("referred_on", "pk"))
        contacts = tuple(
            p.contacts.order_by("pk").values_list("name", "phone", "release_expires_on")
        )
        rows.append((*person, *details, episodes, contacts))
    return rows


def _seed_and_undo(number: int) -> tuple[str, Snapshot]:
    """Seed inside a savepoint, snapshot, and roll the savepoint back (audit rows included:
    a rollback is not a delete)."""
    taken: list[tuple[str, Snapshot]] = []
    with contextlib.suppress(_Rollback), transaction.atomic():
        taken.append((seed("--seed", str(number)), _snapshot()))
        raise _Rollback
    assert not Program.objects.exists()
    return taken[0]


@pytest.mark.django_db
@time_machine.travel(WEDNESDAY, tick=False)
def test_same_seed_gives_the_same_data_and_another_seed_does_not() -> None:
    output, first = _seed_and_undo(7)
    again_output, again = _seed_and_undo(7)
    other_output, other = _seed_and_undo(8)
    assert len(first) == PATIENTS
    assert again == first
    assert again_output == output
    assert other != first
    assert printed_logins(other_output) != printed_logins(output)


# --- Refusals and arguments ----------------------------------------------------------------


@pytest.mark.django_db
def test_if_empty_leaves_an_existing_database_unchanged() -> None:
    program_setup()
    before = (Program.objects.count(), User.objects.count(), AuditEvent.objects.count())
    assert seed("--if-empty").strip() == "Demo data already present; leaving it."
    with pytest.raises(CommandError, match="already has programs") as refused:
        seed()
    assert refused.value.returncode == 1
    assert (Program.objects.count(), User.objects.count(), AuditEvent.objects.count()) == before
    assert not Patient.objects.exists()


@pytest.mark.django_db
def test_refuses_in_the_production_profile(settings: SettingsWrapper) -> None:
    settings.OPENIOP_PROFILE = "production"
    with pytest.raises(CommandError, match="production") as refused:
        seed("--if-empty")
    assert refused.value.returncode != 0
    assert not Program.objects.exists()


def test_a_non_integer_seed_is_an_argument_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.manage(["openiop", "seed-demo", "--seed", "seven"])
    assert exited.value.code == 2
    assert "invalid int value: 'seven'" in capsys.readouterr().err
