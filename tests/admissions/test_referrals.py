"""Taking a referral and moving it through the pipeline's first stages: every bad input is
refused with its code, and a refusal leaves nothing half-written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from openiop.admissions.errors import DuplicateReferral, NoContactMethod, StageGateNotMet
from openiop.admissions.models import CloseReason, Referral, Stage, StageChange
from openiop.admissions.services.referrals import (
    referral_advance,
    referral_close,
    referral_create,
)
from openiop.audit.models import AuditEvent
from openiop.core.errors import InvalidTransition
from openiop.patients.errors import LikelyDuplicatePatient
from openiop.patients.models import DischargeReason, EpisodeState, Patient
from tests import factories
from tests.admissions import scenarios as sc
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


def _nothing_written(patients_before: int) -> None:
    assert Patient.objects.count() == patients_before
    assert not AuditEvent.objects.filter(action="REFERRAL_CREATED").exists()


def test_a_referral_registers_the_person_with_a_referred_episode_and_is_audited():
    f = sc.front(part2=True)
    with sc.at(sc.T0):
        referral = sc.refer(f, who=sc.person(email=" kim@example.org ", phone=""))
    episode = referral.episode
    assert episode.state == EpisodeState.REFERRED
    assert episode.program == f.program
    assert episode.patient.email == "kim@example.org"
    assert referral.stage == Stage.REFERRED
    assert referral.received_at == referral.stage_since == sc.T0
    assert list(StageChange.objects.values_list("stage", flat=True)) == [Stage.REFERRED]
    event = AuditEvent.objects.get(action="REFERRAL_CREATED")
    assert event.patient_id == episode.patient_id
    assert event.part2 is True
    assert event.detail == {"source": "therapist", "urgency": "routine"}


@pytest.mark.parametrize(
    ("who", "overrides", "error", "field"),
    [
        pytest.param({"phone": "", "email": ""}, {}, NoContactMethod, "phone", id="no contact"),
        pytest.param({"phone": "  ", "email": ""}, {}, NoContactMethod, "phone", id="blank phone"),
        pytest.param({}, {"reason": "   "}, ValidationError, "reason", id="no reason"),
        pytest.param(
            {"date_of_birth": dt.date(2030, 1, 1)},
            {},
            ValidationError,
            "date_of_birth",
            id="born in the future",
        ),
        pytest.param(
            {"legal_given_name": "x" * 151}, {}, ValidationError, "legal_given_name", id="long"
        ),
        pytest.param({"email": "not-an-address"}, {}, ValidationError, "email", id="bad email"),
    ],
)
def test_bad_referrals_are_refused_and_leave_nothing(who, overrides, error, field):
    f = sc.front()
    before = Patient.objects.count()
    with pytest.raises(error) as refused:
        sc.refer(f, who=sc.person(**who), **overrides)
    if isinstance(refused.value, NoContactMethod):
        assert refused.value.field == field
        assert refused.value.code == "referral_no_contact_method"
    else:
        assert field in refused.value.message_dict
    _nothing_written(before)


def test_a_track_of_another_program_is_refused():
    f, other = sc.front(), sc.front("Other IOP")
    before = Patient.objects.count()
    with pytest.raises(ValidationError) as refused:
        sc.refer(f, requested_track=other.track)
    assert "requested_track" in refused.value.message_dict
    _nothing_written(before)


def test_the_same_person_twice_is_a_duplicate_referral():
    f = sc.front()
    who = sc.person()
    first = sc.refer(f, who=who)
    before = Patient.objects.count()
    with pytest.raises(DuplicateReferral) as refused:
        sc.refer(f, who=who, urgency="urgent")
    assert refused.value.referral_ids == [first.pk]
    assert refused.value.code == "duplicate_referral"
    assert Patient.objects.count() == before
    assert Referral.objects.count() == 1
    assert AuditEvent.objects.filter(action="REFERRAL_CREATED").count() == 1


def test_a_known_patient_without_an_open_referral_is_a_likely_duplicate():
    f = sc.front()
    known = factories.patient(f.program, phone="555-0101")
    who = sc.person(
        legal_given_name=known.legal_given_name,
        legal_family_name=known.legal_family_name.upper(),
        date_of_birth=known.date_of_birth,
    )
    with pytest.raises(LikelyDuplicatePatient) as refused:
        sc.refer(f, who=who)
    assert refused.value.candidate_ids == [known.pk]
    # "This is a different person": a second record.
    referral = referral_create(
        actor=SYSTEM,
        user=f.coordinator,
        program=f.program,
        details=sc.details(),
        person=who,
        confirm_not_duplicate=True,
    )
    assert referral.episode.patient_id != known.pk


def test_an_existing_patient_is_referred_again_with_a_new_episode():
    f, other = sc.front(), sc.front("Other IOP")
    known = factories.patient(other.program, phone="555-0101")
    referral = referral_create(
        actor=SYSTEM,
        user=f.coordinator,
        program=f.program,
        details=sc.details(),
        existing_patient=known,
    )
    assert referral.episode.patient_id == known.pk
    assert referral.episode.program == f.program
    with pytest.raises(DuplicateReferral):
        referral_create(
            actor=SYSTEM,
            user=f.coordinator,
            program=other.program,
            details=sc.details(),
            existing_patient=known,
        )


def test_an_existing_patient_without_contact_details_must_get_them_first():
    f = sc.front()
    known = factories.patient(f.program)
    episodes = known.episodes.count()
    with pytest.raises(NoContactMethod):
        referral_create(
            actor=SYSTEM, user=None, program=f.program, details=sc.details(), existing_patient=known
        )
    assert known.episodes.count() == episodes


def test_give_exactly_one_of_person_or_existing_patient():
    f = sc.front()
    with pytest.raises(ValueError, match="exactly one"):
        referral_create(actor=SYSTEM, user=None, program=f.program, details=sc.details())


def test_stages_move_one_at_a_time_and_intake_needs_its_appointment():
    f = sc.front()
    with sc.at(sc.T0):
        referral = sc.refer(f)
    with sc.at(sc.T0 + sc.days(1)):
        referral = referral_advance(actor=SYSTEM, user=f.coordinator, referral=referral)
    assert referral.stage == Stage.SCREENING
    with pytest.raises(StageGateNotMet, match="date and time"):
        referral_advance(actor=SYSTEM, user=f.coordinator, referral=referral)
    intake = sc.T0 + sc.days(4)
    referral = referral_advance(
        actor=SYSTEM, user=f.coordinator, referral=referral, intake_at=intake
    )
    assert referral.stage == Stage.INTAKE_SCHEDULED
    assert referral.intake_at == intake
    with pytest.raises(StageGateNotMet, match="intake assessment") as gate:
        referral_advance(actor=SYSTEM, user=f.coordinator, referral=referral)
    assert gate.value.code == "stage_gate_not_met"
    referral.refresh_from_db()
    assert referral.stage == Stage.INTAKE_SCHEDULED
    stages = list(StageChange.objects.filter(referral=referral).values_list("stage", flat=True))
    assert stages == [Stage.REFERRED, Stage.SCREENING, Stage.INTAKE_SCHEDULED]
    assert AuditEvent.objects.filter(action="REFERRAL_STAGE_CHANGED").count() == 2


def test_closing_ends_the_episode_and_cannot_be_repeated():
    f = sc.front()
    referral = sc.refer(f)
    closed = referral_close(
        actor=SYSTEM,
        user=f.coordinator,
        referral=referral,
        reason=CloseReason.REFERRED_ELSEWHERE,
        note="  Needs residential care. ",
    )
    assert closed.stage == Stage.CLOSED
    assert closed.close_note == "Needs residential care."
    closed.episode.refresh_from_db()
    assert closed.episode.state == EpisodeState.DISCHARGED
    assert closed.episode.discharge_reason == DischargeReason.NOT_ADMITTED
    assert AuditEvent.objects.get(action="REFERRAL_CLOSED").detail == {
        "reason": "referred_elsewhere"
    }
    with pytest.raises(InvalidTransition):
        referral_close(actor=SYSTEM, user=None, referral=closed, reason=CloseReason.DECLINED)
    with pytest.raises(InvalidTransition):
        referral_advance(actor=SYSTEM, user=None, referral=closed)
