"""Writes about principals: accounts, memberships, sign-in and sign-out. All audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import login, logout
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from openiop.accounts.access import forget_capabilities
from openiop.accounts.identity import normalize_username
from openiop.accounts.models import Membership, User
from openiop.accounts.roles import OrgRole, Principal, ProgramRole
from openiop.audit.models import DataCategory, Outcome
from openiop.audit.services import Entry, audit_record
from openiop.core import clock
from openiop.core.actor import Actor, actor_from_request
from openiop.programs.models import Program

SESSION_AUTH_AT = "openiop_auth_at"
SESSION_SEEN_AT = "openiop_seen_at"


def _privilege_entry(action: str, user: User, **detail: Any) -> Entry:
    return Entry(
        action=action,
        category=DataCategory.PRIVILEGES,
        object_type="user",
        object_id=str(user.pk),
        detail={"username": user.username, **detail},
    )


@transaction.atomic
def staff_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    first_name: str,
    last_name: str,
    credentials: str = "",
    competencies: list[str] | None = None,
    org_role: OrgRole = OrgRole.NONE,
) -> User:
    """Create a staff account. Raises ValidationError for a taken username (any case) or a
    password that fails the policy. Audits USER_CREATED."""
    user = User(
        username=normalize_username(username),
        first_name=first_name,
        last_name=last_name,
        credentials=credentials,
        competencies=competencies or [],
        org_role=org_role,
        principal=Principal.STAFF,
        is_staff=org_role == OrgRole.SYSTEM_ADMIN,
        # The admin is the system admin's configuration tool; patient data is not in it.
        is_superuser=org_role == OrgRole.SYSTEM_ADMIN,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(actor=actor, entry=_privilege_entry("USER_CREATED", user, org_role=org_role))
    return user


@transaction.atomic
def membership_grant(
    *,
    actor: Actor,
    user: User,
    program: Program,
    role: ProgramRole,
    caseload_cap: int | None = None,
    on_call: bool = False,
    supervisor: User | None = None,
) -> Membership:
    """Give a staff member a role in a program (re-activating a revoked one). ``on_call``
    makes them a recipient of the program's safety alerts; ``supervisor`` makes them a
    trainee whose notes need that person's co-sign. Audited."""
    if supervisor is not None and supervisor.pk == user.pk:
        raise ValidationError({"supervisor": "A trainee cannot supervise themselves."})
    membership, _ = Membership.objects.get_or_create(
        user=user, program=program, role=role, defaults={"caseload_cap": caseload_cap}
    )
    membership.caseload_cap = caseload_cap
    membership.is_active = True
    membership.on_call = on_call
    membership.supervisor = supervisor
    membership.full_clean()
    membership.save(update_fields=["caseload_cap", "is_active", "on_call", "supervisor"])
    forget_capabilities(user)
    audit_record(
        actor=actor,
        entry=_privilege_entry(
            "MEMBERSHIP_GRANTED",
            user,
            program_id=program.pk,
            role=role,
            caseload_cap=caseload_cap,
            on_call=on_call,
            supervisor_id=supervisor.pk if supervisor else None,
        ),
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: Actor, membership: Membership) -> Membership:
    """Deactivate a membership; access ends on the user's next request. Audited."""
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    forget_capabilities(membership.user)
    audit_record(
        actor=actor,
        entry=_privilege_entry(
            "MEMBERSHIP_REVOKED",
            membership.user,
            program_id=membership.program_id,
            role=membership.role,
        ),
    )
    return membership


@transaction.atomic
def user_login(*, request: HttpRequest, user: User) -> None:
    """Start a session (Django rotates the session key) and audit USER_LOGGED_IN."""
    login(request, user)
    moment = clock.now().timestamp()
    request.session[SESSION_AUTH_AT] = moment
    request.session[SESSION_SEEN_AT] = moment
    audit_record(
        actor=actor_from_request(request),
        entry=Entry(action="USER_LOGGED_IN", category=DataCategory.AUTHENTICATION),
    )


@transaction.atomic
def user_login_failed(*, request: HttpRequest, attempted_username: str) -> None:
    """Audit a failed sign-in. Names the account only if it exists: a mistyped password
    pasted into the username box must not end up in the audit trail."""
    existing = User.objects.filter(username=normalize_username(attempted_username)).first()
    actor = actor_from_request(request)
    audit_record(
        actor=actor,
        entry=Entry(
            action="USER_LOGIN_FAILED",
            category=DataCategory.AUTHENTICATION,
            outcome=Outcome.FAILURE,
            object_type="user" if existing else "",
            object_id=str(existing.pk) if existing else "",
            detail={"username": existing.username if existing else "(unknown)"},
        ),
    )


@transaction.atomic
def user_logout(*, request: HttpRequest, action: str = "USER_LOGGED_OUT") -> None:
    """End the session on the server and audit why (logged out or timed out)."""
    audit_record(
        actor=actor_from_request(request),
        entry=Entry(action=action, category=DataCategory.AUTHENTICATION),
    )
    logout(request)


def mfa_device_pending(*, user: User) -> TOTPDevice:
    """The user's unconfirmed TOTP device, created on first use of the enrollment page."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def mfa_verify(*, request: HttpRequest, user: User, token: str, enrolling: bool) -> bool:
    """Check a TOTP code. On success mark the session as verified (and, when enrolling,
    confirm the device). django-otp refuses replayed codes and throttles repeated failures.
    Audits MFA_ENROLLED / MFA_VERIFIED / MFA_FAILED."""
    devices = TOTPDevice.objects.filter(user=user, confirmed=not enrolling)
    actor = actor_from_request(request)
    for device in devices:
        if device.verify_token(token):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            action = "MFA_ENROLLED" if enrolling else "MFA_VERIFIED"
            audit_record(
                actor=actor, entry=Entry(action=action, category=DataCategory.AUTHENTICATION)
            )
            return True
    audit_record(
        actor=actor,
        entry=Entry(
            action="MFA_FAILED", category=DataCategory.AUTHENTICATION, outcome=Outcome.FAILURE
        ),
    )
    return False
