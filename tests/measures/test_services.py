import datetime as dt

import pytest

from openiop.accounts.roles import ProgramRole
from openiop.accounts.services import membership_grant
from openiop.audit.models import AuditEvent
from openiop.core.errors import InvalidTransition
from openiop.measures import services
from openiop.measures.errors import (
    ActionRequired,
    AlreadyAnswered,
    InvalidAnswers,
    NothingDue,
    NotScheduled,
    OccasionClosed,
)
from openiop.measures.models import AlertNotice, MeasureResponse, SafetyAlert, Source, Timepoint
from openiop.patients import services as patient_services
from openiop.patients.models import DischargeReason
from tests import factories
from tests.factories import SYSTEM
from tests.measures.scenarios import ADMITTED, PHQ9_ITEM9, PHQ9_MODERATE, at, record, scenario

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def test_a_response_is_scored_stored_and_audited():
    s = scenario(part2=True)
    with at(ADMITTED):
        recorded = record(s, PHQ9_MODERATE)
    response = recorded.response
    assert (response.total, response.severity, response.answered) == (10, "moderate", 9)
    assert response.collected_on == ADMITTED
    assert recorded.alert is None
    event = AuditEvent.objects.get(action="MEASURE_RESPONSE_RECORDED")
    assert (event.patient_id, event.part2, event.object_id) == (
        s.patient.pk,
        True,
        str(response.pk),
    )


def test_a_second_answer_for_the_same_occasion_is_refused_and_nothing_duplicates():
    s = scenario()
    with at(ADMITTED):
        record(s, PHQ9_MODERATE)
        with pytest.raises(AlreadyAnswered):
            record(s, [0] * 9)
    assert MeasureResponse.objects.get().total == 10


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        ([0, 1, 2, 3, 4, 0, 0, 0, 0], "out_of_range"),
        ([0, 1, 2], "wrong_item_count"),
        ([None] * 9, "too_many_missing"),
    ],
)
def test_answers_the_engine_refuses_write_nothing(answers, code):
    s = scenario()
    with at(ADMITTED), pytest.raises(InvalidAnswers) as error:
        record(s, answers)
    assert error.value.code == code
    assert not MeasureResponse.objects.exists()
    assert not AuditEvent.objects.filter(action="MEASURE_RESPONSE_RECORDED").exists()


def test_an_unknown_instrument_version_is_refused():
    s = scenario()
    with at(ADMITTED), pytest.raises(InvalidAnswers) as error:
        services.response_record(
            actor=SYSTEM,
            episode=s.episode,
            instrument_id="phq9",
            version="99",
            answers=PHQ9_MODERATE,
            timepoint=Timepoint.INTAKE,
            due_on=ADMITTED,
            source=Source.API,
        )
    assert error.value.code == "unknown_version"


def test_item_9_alerts_the_primary_clinician_and_on_call_staff():
    s = scenario()
    on_call = factories.staff(ProgramRole.PRESCRIBER, s.ps.program)
    membership_grant(
        actor=SYSTEM, user=on_call, program=s.ps.program, role=ProgramRole.PRESCRIBER, on_call=True
    )
    with at(ADMITTED):
        recorded = record(s, PHQ9_ITEM9)
    alert = recorded.alert
    assert alert is not None
    assert [r["code"] for r in alert.reasons] == ["suicidal_ideation"]
    notices = dict(AlertNotice.objects.values_list("recipient_id", "reason"))
    assert notices == {s.therapist.pk: "primary", on_call.pk: "on_call"}
    assert AuditEvent.objects.filter(action="SAFETY_ALERT_RAISED", patient_id=s.patient.pk).exists()


def test_an_alert_without_primary_or_on_call_goes_to_the_director():
    s = scenario(primary=False)
    with at(ADMITTED):
        recorded = record(s, PHQ9_ITEM9)
    assert recorded.alert is not None
    assert list(AlertNotice.objects.values_list("recipient_id", "reason")) == [
        (s.director.pk, "director")
    ]


def test_a_positive_asq_raises_an_alert_and_a_negative_one_does_not():
    s = scenario()
    services.schedule_set(
        actor=SYSTEM,
        program=s.ps.program,
        entries=[("asq", Timepoint.INTAKE), ("asq", Timepoint.WEEKLY)],
    )
    with at(ADMITTED):
        negative = record(s, [0, 0, 0, 0, None], instrument="asq")
    with at(ADMITTED + 7 * DAY):
        positive = record(
            s,
            [1, 0, 0, 0, 0],
            instrument="asq",
            timepoint=Timepoint.WEEKLY,
            due_on=ADMITTED + 7 * DAY,
        )
    assert negative.alert is None
    assert positive.alert is not None


def test_acknowledging_needs_an_action_and_happens_once():
    s = scenario()
    with at(ADMITTED):
        alert = record(s, PHQ9_ITEM9).alert
        assert alert is not None
        with pytest.raises(ActionRequired):
            services.alert_acknowledge(
                actor=SYSTEM, alert=alert, by=s.therapist, action_taken=" ok "
            )
        done = services.alert_acknowledge(
            actor=SYSTEM, alert=alert, by=s.therapist, action_taken="Same-day risk assessment done."
        )
        with pytest.raises(InvalidTransition):
            services.alert_acknowledge(
                actor=SYSTEM, alert=alert, by=s.director, action_taken="A second acknowledgement."
            )
    assert done.acknowledged_by == s.therapist
    assert SafetyAlert.objects.get().action_taken == "Same-day risk assessment done."


def test_weekly_occasions_close_after_their_window_and_after_discharge():
    s = scenario()
    week1 = ADMITTED + 7 * DAY
    with at(week1 + 4 * DAY), pytest.raises(OccasionClosed):
        record(s, PHQ9_MODERATE, timepoint=Timepoint.WEEKLY, due_on=week1)
    with at(ADMITTED + 9 * DAY):
        patient_services.episode_discharge(
            actor=SYSTEM, episode=s.episode, reason=DischargeReason.GOALS_MET
        )
    with at(ADMITTED + 13 * DAY), pytest.raises(OccasionClosed) as error:
        record(s, PHQ9_MODERATE, timepoint=Timepoint.WEEKLY, due_on=ADMITTED + 14 * DAY)
    assert "ended" in error.value.message
    with at(ADMITTED + 13 * DAY):  # the discharge measure is open for two weeks
        record(s, PHQ9_MODERATE, timepoint=Timepoint.DISCHARGE, due_on=ADMITTED + 9 * DAY)


def test_an_occasion_not_in_the_schedule_is_refused():
    s = scenario()
    with at(ADMITTED), pytest.raises(NotScheduled):
        record(s, [0] * 20, instrument="pcl5")


def test_a_link_needs_something_due():
    s = scenario()
    with at(ADMITTED):
        record(s, PHQ9_MODERATE)
        record(s, [0] * 7, instrument="gad7")
        with pytest.raises(NothingDue):
            services.portal_link_create(actor=SYSTEM, episode=s.episode, created_by=s.therapist)
