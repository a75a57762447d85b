import io

import pytest
from django.core.management import CommandError, call_command

from openiop.accounts.access import has_capability
from openiop.accounts.models import User
from openiop.audit.models import AuditEvent
from openiop.core.capabilities import Capability

pytestmark = pytest.mark.django_db


def test_create_admin_makes_an_audited_system_admin(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a long admin passphrase\n"))
    call_command("create_admin", "Ada", "--password-stdin")
    user = User.objects.get(username="ada")
    assert has_capability(user, Capability.CONFIGURE_SYSTEM)
    assert not has_capability(user, Capability.VIEW_PATIENTS)
    assert AuditEvent.objects.get(action="USER_CREATED").actor_label == "system:create-admin"


def test_create_admin_refuses_a_weak_password_and_creates_nothing(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with pytest.raises(CommandError, match="too short"):
        call_command("create_admin", "ada", "--password-stdin")
    assert not User.objects.exists()
