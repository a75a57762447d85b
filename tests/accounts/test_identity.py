import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from openiop.accounts.models import User
from openiop.accounts.services import staff_create
from openiop.audit.models import AuditEvent
from tests.factories import PASSWORD, SYSTEM, staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("second", ["alice", "ALICE", "Alice ", "ａｌｉｃｅ"])
def test_usernames_are_one_identity_regardless_of_case_and_width(second):
    staff(username="Alice")
    with pytest.raises(ValidationError, match="taken"):
        staff(username=second)
    assert User.objects.get().username == "alice"


def test_passwords_are_hashed_with_argon2id():
    user = staff()
    assert user.password.startswith("argon2$argon2id$")
    assert PASSWORD not in user.password


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("short pass1", False),  # 11 characters
        ("twelve chars", True),
        ("password1234", False),  # on the common-password list
        ("iopiopiopiop", False),  # nothing but a context word
        ("all lowercase words here", True),  # no composition rules
        ("x" * 1000 + "Q9", True),  # long passphrases welcome
        ("y" * 1025, False),  # but bounded
    ],
)
def test_password_policy_length_and_lists_not_composition(password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def test_password_is_compared_exactly_as_typed():
    user = staff()
    assert user.check_password(PASSWORD)
    assert not user.check_password(PASSWORD + " ")
    assert not user.check_password(PASSWORD.upper())


def test_creating_staff_is_audited_as_a_privilege_change():
    user = staff_create(
        actor=SYSTEM, username="newbie", password=PASSWORD, first_name="N", last_name="B"
    )
    event = AuditEvent.objects.get(action="USER_CREATED", object_id=str(user.pk))
    assert event.category == "privileges"
    assert event.actor_label == "system:tests"
