from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import Invitation, Membership, User
from accounts.services import invitation_create
from ulvo.lib.admin import PrivateTextAdmin


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name"]


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["environment", "organisation", "programme"]


@admin.register(User)
class UserAdmin(PrivateTextAdmin, BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "language"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal details"), {"fields": ["full_name", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "usable_password", "password1", "password2"],
            },
        ),
    ]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(PrivateTextAdmin):
    list_display = ["user", "environment", "role", "organisation", "programme", "is_active"]
    list_filter = ["role", "environment", "is_active"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user", "environment", "organisation", "programme"]


@admin.register(Invitation)
class InvitationAdmin(PrivateTextAdmin):
    list_display = ["email", "environment", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role", "environment"]
    search_fields = ["email"]
    autocomplete_fields = ["environment", "organisation", "programme"]
    readonly_fields = ["invited_by", "created_at", "accepted_at", "accepted_by"]

    def get_exclude(self, request: HttpRequest, obj: Invitation | None = None) -> Any:
        # A new invitation gets its expiry from the service, which e-mails the link.
        if obj is None:
            return ["expires_at", "revoked_at"]
        return super().get_exclude(request, obj)

    def save_model(self, request: HttpRequest, obj: Invitation, form: Any, change: bool) -> None:
        """Staff invite a new environment's first coordinator here: a new invitation
        goes through ``invitation_create`` like a coordinator's, so the link is sent."""
        if change:
            super().save_model(request, obj, form, change)
            return
        assert isinstance(request.user, User)
        invitation = invitation_create(
            environment=obj.environment,
            invited_by=request.user,
            email=obj.email,
            role=obj.role,
            full_name=obj.full_name,
            organisation=obj.organisation,
            programme=obj.programme,
            domain=obj.domain,
        )
        obj.pk = invitation.pk
        obj.email = invitation.email
        obj.invited_by = invitation.invited_by
        obj.expires_at = invitation.expires_at
        obj.created_at = invitation.created_at
        obj._state.adding = False
