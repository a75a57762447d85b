"""Configuration of staff and their program roles. Every privilege change is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from openiop.accounts.models import Membership, User
from openiop.accounts.roles import ProgramRole
from openiop.accounts.services import membership_grant, membership_revoke
from openiop.audit.models import DataCategory
from openiop.audit.services import Entry, audit_record
from openiop.core.actor import actor_from_request


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = ["username", "first_name", "last_name", "principal", "org_role", "is_active"]
    list_filter = ["principal", "org_role", "is_active"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email", "credentials", "competencies")}),
        ("Access", {"fields": ("principal", "org_role", "is_active", "is_staff", "is_superuser")}),
    )
    readonly_fields = ["principal"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        changed = sorted(form.changed_data) if change else ["(created)"]
        audit_record(
            actor=actor_from_request(request),
            entry=Entry(
                action="USER_CHANGED" if change else "USER_CREATED",
                category=DataCategory.PRIVILEGES,
                object_type="user",
                object_id=str(obj.pk),
                detail={"username": obj.username, "fields": changed},
            ),
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: the audit trail refers to accounts forever


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "program", "role", "caseload_cap", "on_call", "is_active"]
    list_filter = ["program", "role", "on_call", "is_active"]
    fields = ["user", "program", "role", "caseload_cap", "on_call", "is_active"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A different role or program is a new membership, so the change history stays true.
        return ["user", "program", "role"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        actor = actor_from_request(request)
        if obj.is_active:
            membership_grant(
                actor=actor,
                user=obj.user,
                program=obj.program,
                role=ProgramRole(obj.role),
                caseload_cap=obj.caseload_cap,
                on_call=obj.on_call,
            )
        elif obj.pk:
            membership_revoke(actor=actor, membership=obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke (is_active = off) so the history stays
