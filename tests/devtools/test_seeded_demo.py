"""What one seeded demo database holds: the organization, consistent histories, care teams,
logins and audit trail, and its measurement-based care (scored answers, exactly one open
safety alert, a PHQ-9 due today for a named patient, cohorts, on-call prescribers, outcomes
worth reporting).

Seeding takes seconds, so this module seeds once, in a transaction that the module fixture
rolls back at the end; pytest-django runs each test in a savepoint inside it, so a test that
writes cannot leak into the next, and the database is empty again for the next module. The
clock stays at a Wednesday noon in Chicago throughout, so a weekly due day can be today.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory, override_settings
from pytest_django import DjangoDbBlocker

import engines.instruments as instruments
import engines.outcomes as outcomes
from openiop.accounts.models import Membership, User
from openiop.accounts.roles import OrgRole, ProgramRole
from openiop.audit.models import AuditEvent
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.devtools.roster import STAFF
from openiop.measures.models import MeasureResponse, SafetyAlert, Source, Timepoint
from openiop.measures.outcomes import Filters, GroupBy, outcomes_report
from openiop.measures.selectors import patient_measures
from openiop.measures.services import due_now, portal_link_create
from openiop.patients.models import (
    OPEN_STATES,
    DischargeReason,
    EpisodeOfCare,
    EpisodeState,
    Language,
    Patient,
    PatientContact,
    Phase,
)
from openiop.programs.models import Program, Site
from tests.devtools.seeding import (
    PATIENTS,
    WEDNESDAY,
    WEDNESDAY_DATE,
    phase_for,
    printed_logins,
    seed,
)

TODAY = WEDNESDAY_DATE
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


@dataclass(frozen=True, slots=True)
class Seeded:
    output: str
    logins_file: Path


@pytest.fixture(scope="module")
def seeded(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Seeded]:
    """Seed 7 once for the module, at WEDNESDAY, with var/ in a temporary directory."""
    base = tmp_path_factory.mktemp("seeded-demo")
    with (
        django_db_blocker.unblock(),
        time_machine.travel(WEDNESDAY, tick=False),
        override_settings(BASE_DIR=base),
        transaction.atomic(),
    ):
        yield Seeded(seed("--seed", "7"), base / "var" / "demo-logins.txt")
        transaction.set_rollback(True)


# --- The organization, its people and histories ------------------------------------------


def test_seed_builds_the_whole_demo_organization(seeded: Seeded) -> None:
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
    assert Patient.objects.count() == PATIENTS
    assert set(EpisodeOfCare.objects.values_list("state", flat=True)) == set(EpisodeState.values)
    admitted = EpisodeOfCare.objects.filter(state=EpisodeState.ADMITTED)
    assert set(admitted.values_list("phase", flat=True)) == set(Phase.values)
    reasons = set(EpisodeOfCare.objects.values_list("discharge_reason", flat=True))
    assert {
        DischargeReason.GOALS_MET,
        DischargeReason.STEP_DOWN,
        DischargeReason.NO_PROGRESS,
    } <= reasons
    assert f"{PATIENTS} patients" in seeded.output
    assert seeded.logins_file.read_text() in seeded.output


def test_seeded_histories_are_clinically_consistent() -> None:
    for episode in EpisodeOfCare.objects.filter(state=EpisodeState.ADMITTED).select_related(
        "program"
    ):
        assert episode.admitted_on is not None
        today = clock.localdate(episode.program.zone)
        assert episode.phase == phase_for(episode.admitted_on, today)
    episodes_per_stay = Counter(EpisodeOfCare.objects.values_list("patient_id", "program_id"))
    assert max(episodes_per_stay.values()) == 2  # a readmission
    programs_per_patient = Counter(p for p, _ in episodes_per_stay)
    assert max(programs_per_patient.values()) == 2  # a PHP → IOP step-down
    releases = set(PatientContact.objects.values_list("release_of_information", flat=True))
    assert releases == {True, False}
    assert Patient.objects.filter(legal_given_name="ليلى").exists()
    assert set(Patient.objects.values_list("language", flat=True)) >= {"en", "es"}


def test_care_teams_respect_caseload_caps_and_program_isolation() -> None:
    for m in Membership.objects.filter(role=ProgramRole.THERAPIST, caseload_cap__isnull=False):
        carried = EpisodeOfCare.objects.filter(
            program=m.program, state__in=OPEN_STATES, care_team__primary_therapist=m.user
        ).count()
        assert carried <= (m.caseload_cap or 0)
    admitted = EpisodeOfCare.objects.filter(state=EpisodeState.ADMITTED)
    assert not admitted.filter(care_team__primary_therapist__isnull=True).exists()
    east = User.objects.get(username="therapist.east")
    assert set(east.memberships.values_list("program__name", flat=True)) == {"Substance Use IOP"}
    # one prescriber on call for each program's safety alerts
    on_call = Membership.objects.filter(on_call=True)
    assert sorted(on_call.values_list("program__name", flat=True)) == sorted(
        Program.objects.values_list("name", flat=True)
    )
    assert set(on_call.values_list("role", flat=True)) == {ProgramRole.PRESCRIBER}


def test_every_printed_login_authenticates_and_every_role_has_one(seeded: Seeded) -> None:
    rows = printed_logins(seeded.output)
    # the roster, then the trainee the notes demo adds for the co-sign
    assert [row[0] for row in rows] == [*(s.username for s in STAFF), "trainee"]
    for username, password, _ in rows:
        assert len(password) >= 12
        request = RequestFactory().post("/accounts/login/")
        user = authenticate(request, username=username, password=password)
        assert user is not None
        assert user.get_username() == username
    roles = " ".join(row[2] for row in rows)
    for label in [*ProgramRole.labels, OrgRole.AUDITOR.label, OrgRole.SYSTEM_ADMIN.label]:
        assert label in roles
    assert "Two-factor sign-in" in seeded.logins_file.read_text()


def test_audit_trail_verifies_after_seeding_and_names_the_seeder() -> None:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().startswith("OK:")
    labels = set(AuditEvent.objects.values_list("actor_label", flat=True))
    assert labels == {"system:seed-demo"}
    assert AuditEvent.objects.filter(part2=True).exists()


# --- Measurement-based care ----------------------------------------------------------------


def test_exactly_one_safety_alert_is_open_from_todays_weekly_phq9(seeded: Seeded) -> None:
    [alert] = SafetyAlert.objects.filter(acknowledged_at__isnull=True).select_related(
        "response", "episode__care_team", "patient"
    )
    response = alert.response
    assert (response.instrument, response.timepoint, response.collected_on) == (
        "phq9",
        Timepoint.WEEKLY,
        TODAY,
    )
    assert response.answers[8] == 1
    assert alert.episode.state == EpisodeState.ADMITTED
    assert alert.episode.care_team.primary_therapist_id is not None
    assert set(alert.notices.values_list("reason", flat=True)) == {"primary", "on_call"}
    named = f"Open safety alert: {alert.patient} in "
    assert named in seeded.output
    assert named in seeded.logins_file.read_text()
    handled = SafetyAlert.objects.exclude(pk=alert.pk)
    assert handled.exists()
    assert all(a.acknowledged_by_id and len(a.action_taken) >= 10 for a in handled)
    phq9 = MeasureResponse.objects.filter(instrument="phq9").exclude(pk=response.pk)
    assert all(answers[8] == 0 for answers in phq9.values_list("answers", flat=True))


def test_every_response_is_the_engines_score_of_its_answers() -> None:
    responses = MeasureResponse.objects.select_related("episode__care_team", "patient")
    for r in responses:
        scored = instruments.score(r.instrument, r.answers, language=r.language)
        assert (r.total, r.severity) == (scored.total, scored.severity or "")
        assert r.answered == scored.completeness.answered
        if r.source == Source.PAPER:
            assert r.entered_by_id == r.episode.care_team.primary_therapist_id
        spanish = r.patient.language == Language.SPANISH and r.instrument == "phq9"
        assert r.language == ("es" if spanish else "en")
    assert set(responses.values_list("source", flat=True)) == {"portal", "kiosk", "paper"}
    assert set(responses.values_list("instrument", flat=True)) == set(instruments.INSTRUMENTS)
    assert responses.filter(language="es").exists()


def test_the_named_patient_has_a_phq9_due_today_for_a_portal_link(seeded: Seeded) -> None:
    found = re.search(r"PHQ-9 due today: .+? \((\d+)\) in ", seeded.output)
    assert found is not None
    assert found[0] in seeded.logins_file.read_text()
    episode = EpisodeOfCare.objects.select_related("program", "care_team").get(
        patient__mrn=found[1], state=EpisodeState.ADMITTED
    )
    due = {(o.instrument, o.timepoint, o.due_on) for o in due_now(episode)}
    assert due == {("phq9", "weekly", TODAY), ("gad7", "weekly", TODAY)}
    therapist = episode.care_team.primary_therapist
    assert therapist is not None
    link, token = portal_link_create(
        actor=Actor.system("test"), episode=episode, created_by=therapist
    )
    assert token
    assert {o["instrument"] for o in link.occasions} == {"phq9", "gad7"}


def test_most_discharged_patients_improved_and_the_report_has_numbers() -> None:
    programs = frozenset(Program.objects.values_list("pk", flat=True))
    year = Filters(programs, TODAY - dt.timedelta(days=365), TODAY, GroupBy.COHORT, TODAY)
    report = outcomes_report(year)
    overall, groups = report.overall, report.groups
    assert len(groups) > len(programs)
    [phq9] = [i for i in overall.instruments if i.instrument.id == "phq9"]
    by_timepoint = {c.timepoint: c for c in phq9.comparisons}
    assert set(by_timepoint) == {"discharge", "follow_up_30", "follow_up_180"}
    assert all(c.result.n_pairs >= 3 for c in by_timepoint.values())
    discharge = by_timepoint["discharge"]
    assert discharge.missing_post > 0  # some left without a discharge score
    result = discharge.result
    assert (result.recovered or 0) + (result.improved or 0) > result.n_pairs / 2
    assert result.pre.mean is not None
    assert result.post.mean is not None
    assert result.pre.mean - result.post.mean >= outcomes.NORMS["phq9"].min_reliable_change


def test_admitted_stays_joined_a_cohort_of_their_track() -> None:
    for e in EpisodeOfCare.objects.filter(admitted_on__isnull=False).select_related("cohort"):
        assert e.cohort is not None
        assert e.admitted_on is not None
        assert e.cohort.track_id == e.track_id
        assert e.cohort.started_on <= e.admitted_on


def test_some_current_patients_missed_weekly_measures() -> None:
    director = User.objects.get(username="director")
    admitted = Patient.objects.filter(episodes__state=EpisodeState.ADMITTED)
    charts = [patient_measures(director, p) for p in admitted]
    flagged = [c for c in charts if any("missed" in f for t in c.trajectories for f in t.flags)]
    assert 0 < len(flagged) < len(charts)
