import pytest
from django.urls import reverse

from openiop.accounts.models import Membership
from openiop.accounts.roles import OrgRole, ProgramRole
from openiop.audit.models import AuditEvent
from tests.factories import login, program_setup, staff

pytestmark = pytest.mark.django_db


def test_granting_and_revoking_a_role_in_the_admin_is_audited(client):
    ps = program_setup()
    admin_user = staff(org_role=OrgRole.SYSTEM_ADMIN)
    clinician = staff()
    login(client, admin_user)
    response = client.post(
        reverse("admin:accounts_membership_add"),
        {
            "user": clinician.pk,
            "program": ps.program.pk,
            "role": ProgramRole.THERAPIST,
            "caseload_cap": "12",
            "on_call": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=clinician)
    assert membership.on_call
    granted = AuditEvent.objects.get(action="MEMBERSHIP_GRANTED", object_id=str(clinician.pk))
    assert granted.actor_id == admin_user.pk
    assert granted.detail["role"] == "therapist"
    response = client.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]), {"caseload_cap": "12"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    assert AuditEvent.objects.filter(action="MEMBERSHIP_REVOKED", actor_id=admin_user.pk).exists()


def test_patients_are_not_in_the_admin(client):
    login(client, staff(org_role=OrgRole.SYSTEM_ADMIN))
    body = client.get(reverse("admin:index")).content.decode()
    assert "Memberships" in body
    assert "Patients" not in body
    assert "Audit" not in body


def test_a_program_schedule_is_configured_in_the_admin(client):
    from openiop.measures.models import ScheduleEntry

    ps = program_setup()
    login(client, staff(org_role=OrgRole.SYSTEM_ADMIN))
    url = reverse("admin:measures_scheduleentry_add")
    unknown = client.post(
        url, {"program": ps.program.pk, "instrument": "cssrs", "timepoint": "weekly"}
    )
    assert unknown.status_code == 200  # the form refuses an instrument the engine lacks
    added = client.post(
        url, {"program": ps.program.pk, "instrument": "phq9", "timepoint": "weekly"}
    )
    assert added.status_code == 302
    assert list(ScheduleEntry.objects.values_list("instrument", "timepoint")) == [
        ("phq9", "weekly")
    ]
