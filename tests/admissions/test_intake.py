"""The intake assessment and the level-of-care decision services."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from openiop.admissions.errors import AssessmentIncomplete, OverrideNeedsReason
from openiop.admissions.models import (
    AssessmentStatus,
    CloseReason,
    IntakeAssessment,
    PlacementDecision,
    PlacementLevel,
)
from openiop.admissions.placement import PlacementInputRejected
from openiop.admissions.readiness import CODES, ITEMS, open_items, readiness_checked
from openiop.admissions.services import intake as services
from openiop.admissions.services.referrals import referral_close
from openiop.audit.models import AuditEvent
from openiop.core.errors import InvalidTransition
from tests.admissions.intake_scenarios import (
    ASQ_NON_ACUTE,
    DAY,
    NOW,
    assessment_input,
    complete_assessment,
    decide,
    frozen,
    intake_setup,
    record_intake,
)
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with frozen():
        yield


def _save(intake, data=None):
    return services.assessment_save(
        actor=SYSTEM,
        user=intake.therapist,
        referral=intake.referral,
        data=data or assessment_input(),
    )


def test_saving_keeps_one_draft_per_referral_and_audits_each_save():
    intake = intake_setup(part2=True)
    first = _save(intake, assessment_input(presenting_problem="First words"))
    second = _save(intake, assessment_input(presenting_problem="Second words"))
    assert first.pk == second.pk
    draft = IntakeAssessment.objects.get(referral=intake.referral)
    assert (draft.status, draft.presenting_problem) == ("draft", "Second words")
    events = AuditEvent.objects.filter(action="ASSESSMENT_SAVED").order_by("seq")
    assert [e.detail["started"] for e in events] == [True, False]
    assert {(e.category, e.part2, e.patient_id) for e in events} == {
        ("assessment", True, intake.referral.episode.patient_id)
    }


def test_a_draft_may_be_incomplete():
    intake = intake_setup()
    draft = _save(
        intake, assessment_input([None] * 6, safety_screen="", hours_available_per_week=None)
    )
    assert draft.dimension_1_rating is None
    assert draft.status == AssessmentStatus.DRAFT


def test_completing_needs_every_field_and_names_each_missing_one_keeping_the_draft():
    intake = intake_setup()
    data = assessment_input(
        [1, None, 2, None, 1, 1], safety_screen="", hours_available_per_week=None
    )
    draft = _save(intake, data)
    with pytest.raises(AssessmentIncomplete) as caught:
        services.assessment_complete(actor=SYSTEM, user=intake.therapist, assessment=draft)
    assert caught.value.missing == [
        "hours_available_per_week",
        "safety_screen",
        "dimension_2_rating",
        "dimension_4_rating",
    ]
    assert "ASAM dimension 2" in caught.value.message
    draft.refresh_from_db()
    assert (draft.status, draft.dimension_1_rating, draft.dimension_3_rating) == ("draft", 1, 2)
    assert not AuditEvent.objects.filter(action="ASSESSMENT_COMPLETED").exists()


def test_completing_audits_and_freezes_the_assessment():
    intake = intake_setup()
    completed = complete_assessment(intake)
    assert completed.status == AssessmentStatus.COMPLETED
    assert completed.completed_at is not None
    assert AuditEvent.objects.filter(
        action="ASSESSMENT_COMPLETED", object_id=str(completed.pk)
    ).exists()
    with pytest.raises(InvalidTransition):
        services.assessment_complete(actor=SYSTEM, user=intake.therapist, assessment=completed)


def test_saving_after_completion_starts_a_reassessment_and_leaves_the_completed_one_alone():
    intake = intake_setup()
    completed = complete_assessment(intake)
    redo = _save(intake, assessment_input(presenting_problem="Changed"))
    assert redo.pk != completed.pk
    completed.refresh_from_db()
    assert completed.presenting_problem == "Low mood and poor sleep for three months"
    assert (redo.status, redo.referral_id) == ("draft", intake.referral.pk)


def test_an_asq_that_contradicts_the_safety_screen_blocks_completion():
    intake = intake_setup()
    record_intake(intake.referral, "asq", ASQ_NON_ACUTE)
    draft = _save(intake)
    with pytest.raises(PlacementInputRejected) as caught:
        services.assessment_complete(actor=SYSTEM, user=intake.therapist, assessment=draft)
    assert caught.value.field == "safety_screen"
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.DRAFT


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hours_available_per_week": Decimal("169")}, "hours_available_per_week"),
        ({"readiness": {"bus_pass": True}}, "readiness"),
        ({"safety_screen": "maybe"}, "safety_screen"),
        ({"housing": "castle"}, "housing"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_saved(overrides, field):
    intake = intake_setup()
    with pytest.raises(ValidationError) as caught:
        _save(intake, assessment_input(**overrides))
    assert field in caught.value.message_dict
    assert not IntakeAssessment.objects.exists()


def test_a_closed_referral_takes_no_assessment():
    intake = intake_setup()
    referral_close(
        actor=SYSTEM, user=intake.coordinator, referral=intake.referral, reason=CloseReason.DECLINED
    )
    with pytest.raises(InvalidTransition):
        _save(intake)


def test_the_recommendation_is_audited_and_nothing_is_stored():
    intake = intake_setup()
    completed = complete_assessment(intake)
    decision = services.placement_recommend(actor=SYSTEM, assessment=completed)
    assert decision.level.code == "iop"
    event = AuditEvent.objects.get(action="PLACEMENT_RECOMMENDED")
    assert event.detail["level"] == "iop"
    assert event.detail["rules_version"] == decision.rules_version
    assert not PlacementDecision.objects.exists()


def test_agreeing_with_the_recommendation_stores_the_engine_output():
    intake = intake_setup()
    row = decide(intake, complete_assessment(intake))
    assert (row.recommended_level, row.clinical_level, row.is_override) == ("iop", "iop", False)
    assert row.engine_output["level"]["code"] == "iop"
    assert row.engine_output["format"] == "openiop.placement.decision"
    assert row.rules_version == row.engine_output["rules_version"]
    event = AuditEvent.objects.get(action="PLACEMENT_DECIDED")
    assert event.detail == {"recommended": "iop", "clinical": "iop", "override": False}


def test_an_override_without_a_reason_is_refused_and_nothing_is_stored():
    intake = intake_setup()
    completed = complete_assessment(intake)
    with pytest.raises(OverrideNeedsReason) as caught:
        decide(intake, completed, PlacementLevel.PHP, reason="   ")
    assert caught.value.field == "override_reason"
    assert caught.value.code == "placement_override_needs_reason"
    assert not PlacementDecision.objects.exists()


def test_an_override_with_a_reason_keeps_both_levels():
    intake = intake_setup()
    row = decide(intake, complete_assessment(intake), PlacementLevel.PHP, "Failed IOP twice")
    assert (row.recommended_level, row.clinical_level) == ("iop", "php")
    assert row.is_override
    assert row.override_reason == "Failed IOP twice"
    assert AuditEvent.objects.get(action="PLACEMENT_DECIDED").detail["override"] is True


def test_a_draft_or_a_superseded_assessment_cannot_be_decided():
    intake = intake_setup()
    draft = _save(intake)
    with pytest.raises(InvalidTransition):
        decide(intake, draft)
    old = services.assessment_complete(actor=SYSTEM, user=intake.therapist, assessment=draft)
    with time_machine.travel(NOW + DAY):
        complete_assessment(intake)
        with pytest.raises(InvalidTransition):
            decide(intake, old)


@given(st.dictionaries(st.sampled_from(sorted(CODES)), st.booleans()))
def test_readiness_is_stored_for_every_item(data):
    stored = readiness_checked(data)
    assert list(stored) == [item.code for item in ITEMS]
    assert all(stored[code] == data.get(code, False) for code in stored)
    assert {item.code for item in open_items(stored)} == {c for c, v in stored.items() if not v}


def test_every_readiness_item_says_why_it_matters():
    assert all(item.label and item.why for item in ITEMS)
    assert len(CODES) == len(ITEMS)
