"""seed-demo: the synthetic organization, its determinism, its refusals and its logins."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import random
import subprocess
import sys
from collections import Counter
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import RequestFactory
from pytest_django.fixtures import Settings as SettingsWrapper

from openiop import cli
from openiop.accounts.models import Membership, User
from openiop.accounts.roles import OrgRole, ProgramRole
from openiop.audit.models import AuditEvent
from openiop.core import clock
from openiop.devtools.plan import PHASE_STARTS, plan_demo, stay_dates
from openiop.devtools.roster import STAFF
from openiop.patients.models import (
    OPEN_STATES,
    DischargeReason,
    EpisodeOfCare,
    EpisodeState,
    Patient,
    PatientContact,
    Phase,
)
from openiop.programs.models import Program, Site
from tests.factories import program_setup

Snapshot = list[tuple[Any, ...]]


class _Rollback(Exception):
    """Raised to undo a seeding inside a savepoint."""


@pytest.fixture(autouse=True)
def _logins_in_tmp(settings: SettingsWrapper, tmp_path: Path) -> None:
    """Keep var/demo-logins.txt out of the real checkout."""
    settings.BASE_DIR = tmp_path


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _printed_logins(output: str) -> list[list[str]]:
    """Rows of the login table (username, password, role …) as printed."""
    lines = output.split("USERNAME", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    return [line.split(maxsplit=2) for line in lines]


def _phase_for(admitted_on: dt.date, today: dt.date) -> Phase:
    week = (today - admitted_on).days // 7 + 1
    return Phase.STABILIZATION if week <= 4 else Phase.CORE if week <= 12 else Phase.TAPER


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
        "print(hashlib.sha256(repr(plan_demo(7)).encode()).hexdigest())"
    )
    env = {
        **os.environ,
        "PYTHONHASHSEED": "12345",
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
    }
    done = subprocess.run(  # noqa: S603  (our own interpreter, fixed arguments)
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == hashlib.sha256(repr(plan_demo(7)).encode()).hexdigest()


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
                assert current == _phase_for(d.admitted, today)


def test_plan_phase_boundaries_are_weeks_5_and_13() -> None:
    assert PHASE_STARTS == ((Phase.CORE, 4), (Phase.TAPER, 12))


# --- Seeding through the services ----------------------------------------------------------


@pytest.mark.django_db
def test_seed_builds_the_whole_demo_organization() -> None:
    output = _seed("--seed", "7")
    assert {s.name for s in Site.objects.all()} == {"Riverbend – Downtown", "Riverbend – Eastside"}
    zones = {p.name: (p.level_of_care, p.time_zone) for p in Program.objects.all()}
    assert zones == {
        "Adult IOP": ("iop", "America/Chicago"),
        "Adult PHP": ("php", "America/Chicago"),
        "Substance Use IOP": ("iop", "America/Chicago"),
    }
    assert Program.objects.get(is_part2=True).site.name == "Riverbend – Eastside"
    assert set(Membership.objects.values_list("role", flat=True)) == set(ProgramRole.values)
    assert {OrgRole.AUDITOR, OrgRole.SYSTEM_ADMIN} <= set(
        User.objects.values_list("org_role", flat=True)
    )
    assert Patient.objects.count() == 45
    assert set(EpisodeOfCare.objects.values_list("state", flat=True)) == set(EpisodeState.values)
    admitted = EpisodeOfCare.objects.filter(state=EpisodeState.ADMITTED)
    assert set(admitted.values_list("phase", flat=True)) == set(Phase.values)
    reasons = set(EpisodeOfCare.objects.values_list("discharge_reason", flat=True))
    assert {
        DischargeReason.GOALS_MET,
        DischargeReason.STEP_DOWN,
        DischargeReason.NO_PROGRESS,
    } <= reasons
    assert "45 patients" in output
    assert (django_settings.BASE_DIR / "var" / "demo-logins.txt").read_text() in output


@pytest.mark.django_db
def test_seeded_histories_are_clinically_consistent() -> None:
    _seed()
    for episode in EpisodeOfCare.objects.filter(state=EpisodeState.ADMITTED).select_related(
        "program"
    ):
        assert episode.admitted_on is not None
        today = clock.localdate(episode.program.zone)
        assert episode.phase == _phase_for(episode.admitted_on, today)
    episodes_per_stay = Counter(EpisodeOfCare.objects.values_list("patient_id", "program_id"))
    assert max(episodes_per_stay.values()) == 2  # a readmission
    programs_per_patient = Counter(p for p, _ in episodes_per_stay)
    assert max(programs_per_patient.values()) == 2  # a PHP → IOP step-down
    releases = set(PatientContact.objects.values_list("release_of_information", flat=True))
    assert releases == {True, False}
    assert Patient.objects.filter(legal_given_name="ليلى").exists()
    assert set(Patient.objects.values_list("language", flat=True)) >= {"en", "es"}


@pytest.mark.django_db
def test_care_teams_respect_caseload_caps_and_program_isolation() -> None:
    _seed()
    for m in Membership.objects.filter(role=ProgramRole.THERAPIST, caseload_cap__isnull=False):
        carried = EpisodeOfCare.objects.filter(
            program=m.program, state__in=OPEN_STATES, care_team__primary_therapist=m.user
        ).count()
        assert carried <= (m.caseload_cap or 0)
    admitted = EpisodeOfCare.objects.filter(state=EpisodeState.ADMITTED)
    assert not admitted.filter(care_team__primary_therapist__isnull=True).exists()
    east = User.objects.get(username="therapist.east")
    assert set(east.memberships.values_list("program__name", flat=True)) == {"Substance Use IOP"}


@pytest.mark.django_db
def test_every_printed_login_authenticates_and_every_role_has_one() -> None:
    rows = _printed_logins(_seed())
    assert [row[0] for row in rows] == [s.username for s in STAFF]
    for username, password, _ in rows:
        assert len(password) >= 12
        request = RequestFactory().post("/accounts/login/")
        user = authenticate(request, username=username, password=password)
        assert user is not None
        assert user.get_username() == username
    roles = " ".join(row[2] for row in rows)
    for label in [*ProgramRole.labels, OrgRole.AUDITOR.label, OrgRole.SYSTEM_ADMIN.label]:
        assert label in roles
    assert "Two-factor sign-in" in _seed_file_text()


def _seed_file_text() -> str:
    return (Path(django_settings.BASE_DIR) / "var" / "demo-logins.txt").read_text()


@pytest.mark.django_db
def test_audit_trail_verifies_after_seeding_and_names_the_seeder() -> None:
    _seed()
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().startswith("OK:")
    labels = set(AuditEvent.objects.values_list("actor_label", flat=True))
    assert labels == {"system:seed-demo"}
    assert AuditEvent.objects.filter(part2=True).exists()


# --- Determinism through the database ------------------------------------------------------


def _episode_row(e: EpisodeOfCare) -> tuple[Any, ...]:
    team = e.care_team
    people = (team.primary_therapist, team.prescriber, team.case_manager)
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


def _seed_and_undo(seed: int) -> tuple[str, Snapshot]:
    """Seed inside a savepoint, snapshot, and roll the savepoint back (audit rows included:
    a rollback is not a delete)."""
    taken: list[tuple[str, Snapshot]] = []
    with contextlib.suppress(_Rollback), transaction.atomic():
        taken.append((_seed("--seed", str(seed)), _snapshot()))
        raise _Rollback
    assert not Program.objects.exists()
    return taken[0]


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 3, 4, 18, 0, tzinfo=dt.UTC), tick=False)
def test_same_seed_gives_the_same_data_and_another_seed_does_not() -> None:
    output, first = _seed_and_undo(7)
    again_output, again = _seed_and_undo(7)
    other_output, other = _seed_and_undo(8)
    assert len(first) == 45
    assert again == first
    assert again_output == output
    assert other != first
    assert _printed_logins(other_output) != _printed_logins(output)


# --- Refusals and arguments ----------------------------------------------------------------


@pytest.mark.django_db
def test_if_empty_leaves_an_existing_database_unchanged() -> None:
    program_setup()
    before = (Program.objects.count(), User.objects.count(), AuditEvent.objects.count())
    assert _seed("--if-empty").strip() == "Demo data already present; leaving it."
    with pytest.raises(CommandError, match="already has programs") as refused:
        _seed()
    assert refused.value.returncode == 1
    assert (Program.objects.count(), User.objects.count(), AuditEvent.objects.count()) == before
    assert not Patient.objects.exists()


@pytest.mark.django_db
def test_refuses_in_the_production_profile(settings: SettingsWrapper) -> None:
    settings.OPENIOP_PROFILE = "production"
    with pytest.raises(CommandError, match="production") as refused:
        _seed("--if-empty")
    assert refused.value.returncode != 0
    assert not Program.objects.exists()


def test_a_non_integer_seed_is_an_argument_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.manage(["openiop", "seed-demo", "--seed", "seven"])
    assert exited.value.code == 2
    assert "invalid int value: 'seven'" in capsys.readouterr().err
