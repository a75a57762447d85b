"""Consents: treatment, releases of information to contacts, 42 CFR Part 2, revocation."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from openiop.audit.models import AuditEvent
from openiop.consents import part2
from openiop.consents.errors import ConsentIncomplete, Part2NotApplicable
from openiop.consents.models import Consent
from openiop.consents.services import (
    Part2Terms,
    Signature,
    consent_record_part2,
    consent_record_release,
    consent_record_treatment,
    consent_revoke,
    part2_missing,
)
from openiop.core.errors import InvalidTransition
from openiop.patients.releases import contact_end_release, contact_record_release
from openiop.patients.services import contact_add
from tests import factories
from tests.admissions.intake_scenarios import PART2_TERMS, SIGNATURE, TODAY, frozen
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _now():
    with frozen():
        yield


def _episode(part2: bool = False):
    ps = factories.program_setup(part2=part2)
    user = factories.staff()
    return factories.patient(ps.program).episodes.get(), user


def _contact(episode, name="Sam Kin"):
    return contact_add(actor=SYSTEM, patient=episode.patient, name=name, relationship="sibling")


def test_a_treatment_consent_is_recorded_and_audited():
    episode, user = _episode(part2=True)
    consent = consent_record_treatment(
        actor=SYSTEM, user=user, episode=episode, signature=SIGNATURE
    )
    assert (consent.kind, consent.signed_by_name, consent.signed_on) == (
        "treatment",
        "Robin Intake",
        TODAY,
    )
    event = AuditEvent.objects.get(action="CONSENT_RECORDED")
    assert (event.category, event.part2, event.detail["kind"]) == ("consent", True, "treatment")


@pytest.mark.parametrize(
    ("signature", "error"),
    [
        (Signature("  ", TODAY), ConsentIncomplete),
        (Signature("Robin", TODAY + DAY), ValidationError),
    ],
)
def test_a_consent_needs_a_signer_and_a_date_not_in_the_future(signature, error):
    episode, user = _episode()
    with pytest.raises(error):
        consent_record_treatment(actor=SYSTEM, user=user, episode=episode, signature=signature)
    assert not Consent.objects.exists()


def test_a_release_lets_staff_share_with_the_contact_until_it_expires():
    episode, user = _episode()
    contact = _contact(episode)
    consent = consent_record_release(
        actor=SYSTEM,
        user=user,
        episode=episode,
        contact=contact,
        signature=SIGNATURE,
        expires_on=TODAY + 30 * DAY,
    )
    contact.refresh_from_db()
    assert (contact.release_of_information, contact.release_expires_on) == (True, TODAY + 30 * DAY)
    assert (consent.contact, consent.expires_on) == (contact, TODAY + 30 * DAY)
    assert "Sam Kin" in consent.recipient
    assert AuditEvent.objects.filter(action="CONTACT_RELEASE_RECORDED").exists()


def test_a_release_names_only_the_patients_own_contacts():
    episode, user = _episode()
    other_episode, _ = _episode()
    stranger = _contact(other_episode)
    with pytest.raises(ValidationError):
        consent_record_release(
            actor=SYSTEM,
            user=user,
            episode=episode,
            contact=stranger,
            signature=SIGNATURE,
            expires_on=None,
        )
    stranger.refresh_from_db()
    assert not stranger.release_of_information
    assert not Consent.objects.exists()


def test_a_release_cannot_expire_before_it_is_signed():
    episode, user = _episode()
    with pytest.raises(ValidationError):
        consent_record_release(
            actor=SYSTEM,
            user=user,
            episode=episode,
            contact=_contact(episode),
            signature=SIGNATURE,
            expires_on=TODAY - DAY,
        )


def test_a_part2_consent_holds_every_element_and_the_statements_version():
    episode, user = _episode(part2=True)
    consent = consent_record_part2(
        actor=SYSTEM, user=user, episode=episode, signature=SIGNATURE, terms=PART2_TERMS
    )
    assert consent.kind == "part2"
    assert consent.statements_version == part2.STATEMENTS_VERSION
    assert (consent.discloser, consent.purpose, consent.expires_on_event) == (
        PART2_TERMS.discloser,
        PART2_TERMS.purpose,
        PART2_TERMS.expires_on_event,
    )


@pytest.mark.parametrize(
    ("change", "missing"),
    [
        ({"discloser": ""}, ["discloser"]),
        ({"information": " "}, ["information"]),
        ({"recipient": ""}, ["recipient"]),
        ({"purpose": ""}, ["purpose"]),
        ({"expires_on_event": "", "expires_on": None}, ["expiration"]),
        ({"discloser": "", "purpose": ""}, ["discloser", "purpose"]),
    ],
)
def test_a_part2_consent_missing_an_element_is_refused_naming_it(change, missing):
    episode, user = _episode(part2=True)
    terms = dataclasses.replace(PART2_TERMS, **change)
    with pytest.raises(ConsentIncomplete) as caught:
        consent_record_part2(
            actor=SYSTEM, user=user, episode=episode, signature=SIGNATURE, terms=terms
        )
    assert caught.value.missing == missing
    assert caught.value.code == "consent_incomplete"
    assert not Consent.objects.exists()


def test_an_expiration_date_alone_is_enough():
    terms = dataclasses.replace(PART2_TERMS, expires_on_event="", expires_on=TODAY + DAY)
    assert part2_missing(terms, SIGNATURE) == []


def test_a_part2_consent_belongs_only_to_a_part2_program():
    episode, user = _episode(part2=False)
    with pytest.raises(Part2NotApplicable):
        consent_record_part2(
            actor=SYSTEM, user=user, episode=episode, signature=SIGNATURE, terms=PART2_TERMS
        )


def test_revoking_a_release_stops_sharing_and_is_audited_once():
    episode, user = _episode()
    contact = _contact(episode)
    consent = consent_record_release(
        actor=SYSTEM,
        user=user,
        episode=episode,
        contact=contact,
        signature=SIGNATURE,
        expires_on=None,
    )
    revoked = consent_revoke(actor=SYSTEM, consent=consent, note="Signed letter at the front desk")
    assert (revoked.revoked_on, revoked.revocation_note) == (
        TODAY,
        "Signed letter at the front desk",
    )
    contact.refresh_from_db()
    assert not contact.release_of_information
    assert AuditEvent.objects.filter(action="CONSENT_REVOKED").count() == 1
    assert AuditEvent.objects.filter(action="CONTACT_RELEASE_ENDED").count() == 1
    with pytest.raises(InvalidTransition):
        consent_revoke(actor=SYSTEM, consent=consent, note="again")


@pytest.mark.parametrize(
    ("on", "note"), [(None, " "), (TODAY + DAY, "letter"), (TODAY - 10 * DAY, "letter")]
)
def test_a_revocation_needs_how_and_a_date_between_signing_and_today(on, note):
    episode, user = _episode()
    consent = consent_record_treatment(
        actor=SYSTEM, user=user, episode=episode, signature=SIGNATURE
    )
    with pytest.raises(ValidationError):
        consent_revoke(actor=SYSTEM, consent=consent, on=on, note=note)
    consent.refresh_from_db()
    assert consent.revoked_on is None


def test_contact_release_services_record_and_end_sharing():
    episode, _ = _episode()
    contact = _contact(episode)
    contact_record_release(actor=SYSTEM, contact=contact, expires_on=None)
    assert contact.release_of_information
    contact_end_release(actor=SYSTEM, contact=contact)
    assert not contact.release_of_information
    with pytest.raises(ValidationError):
        contact_end_release(actor=SYSTEM, contact=contact)


def test_every_part2_element_is_cited_and_held_by_a_field_or_a_printed_statement():
    codes = [e.code for e in part2.ELEMENTS]
    assert len(codes) == len(set(codes))
    for element in part2.ELEMENTS:
        assert element.citation.startswith("§2.31(a)")
        assert bool(element.field) != bool(element.statement)
        if element.statement:
            assert part2.STATEMENTS[element.statement]
    assert {"revocation", "conditioning", "redisclosure"} <= set(part2.STATEMENTS)


_text = st.text(alphabet=st.sampled_from(" ab"), max_size=3)


@given(
    discloser=_text,
    recipient=_text,
    purpose=_text,
    information=_text,
    event=_text,
    dated=st.booleans(),
)
def test_part2_missing_lists_exactly_the_blank_elements(
    discloser, recipient, purpose, information, event, dated
):
    terms = Part2Terms(
        discloser=discloser,
        recipient=recipient,
        purpose=purpose,
        information=information,
        expires_on=TODAY if dated else None,
        expires_on_event=event,
    )
    blank = {
        name
        for name, value in {
            "discloser": discloser,
            "recipient": recipient,
            "purpose": purpose,
            "information": information,
        }.items()
        if not value.strip()
    }
    if not dated and not event.strip():
        blank.add("expiration")
    assert set(part2_missing(terms, SIGNATURE)) == blank
