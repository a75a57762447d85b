import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from openiop.accounts.roles import ProgramRole
from openiop.audit.models import AuditEvent
from openiop.core import clock
from openiop.core.errors import InvalidTransition
from openiop.patients import services
from openiop.patients.errors import CareTeamRuleBroken, LikelyDuplicatePatient
from openiop.patients.models import (
    CareTeam,
    DischargeReason,
    EpisodeOfCare,
    EpisodeState,
    Patient,
    Phase,
)
from tests.factories import SYSTEM, patient, program_setup, staff

pytestmark = pytest.mark.django_db


def _episode(p: Patient) -> EpisodeOfCare:
    return p.episodes.get()


def test_register_creates_patient_referred_episode_care_team_and_audit():
    ps = program_setup()
    p = patient(ps.program, legal_given_name="Ana", legal_family_name="Núñez")
    episode = _episode(p)
    assert (episode.state, episode.level_of_care, episode.phase) == ("referred", "iop", "")
    assert CareTeam.objects.filter(episode=episode).exists()
    assert p.mrn == "0000001"
    actions = list(AuditEvent.objects.filter(patient_id=p.pk).values_list("action", flat=True))
    assert actions == ["PATIENT_CREATED", "EPISODE_OPENED"]


def test_likely_duplicate_is_caught_ignoring_case_and_accents():
    ps = program_setup()
    first = patient(
        ps.program,
        legal_given_name="José",
        legal_family_name="Núñez",
        date_of_birth=dt.date(1980, 1, 2),
    )
    with pytest.raises(LikelyDuplicatePatient) as excinfo:
        patient(
            ps.program,
            legal_given_name="jose",
            legal_family_name="NUNEZ",
            date_of_birth=dt.date(1980, 1, 2),
        )
    assert excinfo.value.candidate_ids == [first.pk]
    assert Patient.objects.count() == 1
    second = patient(
        ps.program,
        legal_given_name="jose",
        legal_family_name="NUNEZ",
        date_of_birth=dt.date(1980, 1, 2),
        confirm_not_duplicate=True,
    )
    created = AuditEvent.objects.get(action="PATIENT_CREATED", patient_id=second.pk)
    assert created.detail == {"possible_duplicate_of": [first.pk]}


def test_same_name_other_birth_date_is_not_a_duplicate():
    ps = program_setup()
    patient(
        ps.program,
        legal_given_name="Sam",
        legal_family_name="Lee",
        date_of_birth=dt.date(1980, 1, 2),
    )
    patient(
        ps.program,
        legal_given_name="Sam",
        legal_family_name="Lee",
        date_of_birth=dt.date(1981, 1, 2),
    )
    assert Patient.objects.count() == 2


def test_birth_date_in_the_future_of_the_program_is_refused():
    ps = program_setup(tz="America/Los_Angeles")
    # 02:30 UTC on 10 March is still 9 March in Los Angeles.
    with time_machine.travel("2026-03-10 02:30Z", tick=False):
        with pytest.raises(ValidationError, match="future"):
            patient(ps.program, date_of_birth=dt.date(2026, 3, 10))
        patient(ps.program, date_of_birth=dt.date(2026, 3, 9))


@pytest.mark.parametrize(
    "name",
    [
        "🙂 Sunny",
        "مريم",
        "שָׁלוֹם",
        "O'Brien-Smith",
        "<b>Bold</b>",
        "Robert'); DROP TABLE patients_patient;--",
    ],
)
def test_any_script_and_any_characters_are_stored_as_given(name):
    ps = program_setup()
    p = patient(ps.program, legal_given_name=name)
    p.refresh_from_db()
    assert p.legal_given_name == name


def test_names_over_150_characters_are_refused_and_nothing_is_written():
    ps = program_setup()
    with pytest.raises(ValidationError) as excinfo:
        patient(ps.program, legal_family_name="x" * 300)
    assert "legal_family_name" in excinfo.value.error_dict
    assert not Patient.objects.exists()
    assert not EpisodeOfCare.objects.exists()
    assert not AuditEvent.objects.filter(action="PATIENT_CREATED").exists()


def test_episode_lifecycle_through_transition_services():
    ps = program_setup()
    episode = _episode(patient(ps.program))
    services.episode_waitlist(actor=SYSTEM, episode=episode)
    services.episode_admit(actor=SYSTEM, episode=episode, track=ps.track)
    assert (episode.state, episode.phase) == (EpisodeState.ADMITTED, Phase.STABILIZATION)
    services.episode_change_phase(actor=SYSTEM, episode=episode, phase=Phase.CORE)
    services.episode_discharge(actor=SYSTEM, episode=episode, reason=DischargeReason.GOALS_MET)
    episode.refresh_from_db()
    assert episode.state == EpisodeState.DISCHARGED
    assert episode.discharge_reason == "goals_met"
    actions = list(
        AuditEvent.objects.filter(object_type="episode").values_list("action", flat=True)
    )
    assert actions == [
        "EPISODE_OPENED",
        "EPISODE_WAITLISTED",
        "EPISODE_ADMITTED",
        "EPISODE_PHASE_CHANGED",
        "EPISODE_DISCHARGED",
    ]


def test_transitions_check_the_current_state():
    ps = program_setup()
    episode = _episode(patient(ps.program))
    with pytest.raises(InvalidTransition):
        services.episode_change_phase(actor=SYSTEM, episode=episode, phase=Phase.CORE)
    with pytest.raises(ValidationError):
        services.episode_discharge(actor=SYSTEM, episode=episode, reason=DischargeReason.GOALS_MET)
    services.episode_discharge(actor=SYSTEM, episode=episode, reason=DischargeReason.NOT_ADMITTED)
    with pytest.raises(InvalidTransition):
        services.episode_admit(actor=SYSTEM, episode=episode, track=None)


def test_admission_date_cannot_be_before_referral_or_beyond_the_lead_window():
    ps = program_setup()
    episode = _episode(patient(ps.program, referred_on=dt.date(2026, 1, 10)))
    with pytest.raises(ValidationError):
        services.episode_admit(actor=SYSTEM, episode=episode, track=None, on=dt.date(2026, 1, 9))
    today = clock.localdate(ps.program.zone)
    too_far = today + dt.timedelta(days=services.ADMISSION_LEAD_DAYS + 1)
    with pytest.raises(ValidationError, match="at most 30 days ahead"):
        services.episode_admit(actor=SYSTEM, episode=episode, track=None, on=too_far)
    last = today + dt.timedelta(days=services.ADMISSION_LEAD_DAYS)
    services.episode_admit(actor=SYSTEM, episode=episode, track=None, on=last)
    assert episode.admitted_on == last


def test_only_admission_may_be_dated_ahead():
    ps = program_setup()
    episode = _episode(patient(ps.program))
    tomorrow = clock.localdate(ps.program.zone) + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="in the future"):
        services.episode_waitlist(actor=SYSTEM, episode=episode, on=tomorrow)


def test_track_of_another_program_is_refused():
    ps, other = program_setup(), program_setup("Other")
    episode = _episode(patient(ps.program))
    with pytest.raises(ValidationError):
        services.episode_admit(actor=SYSTEM, episode=episode, track=other.track)


def test_readmission_opens_a_new_episode_only_after_discharge():
    ps = program_setup()
    p = patient(ps.program)
    with pytest.raises(InvalidTransition):
        services.episode_open(actor=SYSTEM, patient=p, program=ps.program)
    services.episode_discharge(
        actor=SYSTEM, episode=_episode(p), reason=DischargeReason.NOT_ADMITTED
    )
    services.episode_open(actor=SYSTEM, patient=p, program=ps.program)
    assert p.episodes.count() == 2


def test_care_team_seats_need_a_fitting_role_in_the_program():
    ps, other = program_setup(), program_setup("Other")
    episode = _episode(patient(ps.program))
    therapist = staff(ProgramRole.THERAPIST, ps.program)
    outsider = staff(ProgramRole.THERAPIST, other.program)
    billing = staff(ProgramRole.BILLING_SPECIALIST, ps.program)
    services.care_team_assign(
        actor=SYSTEM, episode=episode, seat="primary_therapist", member=therapist
    )
    with pytest.raises(CareTeamRuleBroken):
        services.care_team_assign(
            actor=SYSTEM, episode=episode, seat="primary_therapist", member=outsider
        )
    with pytest.raises(CareTeamRuleBroken):
        services.care_team_assign(actor=SYSTEM, episode=episode, seat="prescriber", member=billing)
    assert CareTeam.objects.get(episode=episode).primary_therapist == therapist


def test_caseload_cap_is_enforced():
    ps = program_setup()
    therapist = staff(ProgramRole.THERAPIST, ps.program, caseload_cap=2)
    episodes = [_episode(patient(ps.program)) for _ in range(3)]
    for episode in episodes[:2]:
        services.care_team_assign(
            actor=SYSTEM, episode=episode, seat="primary_therapist", member=therapist
        )
    with pytest.raises(CareTeamRuleBroken, match="caseload cap of 2"):
        services.care_team_assign(
            actor=SYSTEM, episode=episodes[2], seat="primary_therapist", member=therapist
        )


def test_part2_program_marks_every_audit_row_of_its_patients():
    sud = program_setup("SUD IOP", part2=True)
    p = patient(sud.program)
    services.episode_admit(actor=SYSTEM, episode=_episode(p), track=None)
    rows = AuditEvent.objects.filter(patient_id=p.pk)
    assert rows.count() == 3
    assert all(rows.values_list("part2", flat=True))


def test_demographics_update_audits_field_names_not_values():
    ps = program_setup()
    p = patient(ps.program)
    services.patient_update(actor=SYSTEM, patient=p, preferred_name="Sunny", pronouns="she/her")
    event = AuditEvent.objects.get(action="PATIENT_UPDATED")
    assert event.detail == {"fields": ["preferred_name", "pronouns"]}
    assert "Sunny" not in str(event.detail)
