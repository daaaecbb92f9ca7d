"""Admin pages for the organisation model. Units and memberships are saved through
`huying.org.services`, so the admin refuses exactly what the services refuse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huying.common.errors import DomainError
from huying.org import services
from huying.org.geometry import geometry_validate
from huying.org.models import (
    Department,
    GridStaffing,
    Membership,
    OrgUnit,
    User,
    VolunteerMember,
    VolunteerTeam,
)


class OrgUnitForm(forms.ModelForm):
    geometry = forms.JSONField(label=_("boundary (GeoJSON)"), required=False,
                               widget=forms.Textarea(attrs={"rows": 6, "cols": 80}))

    class Meta:
        model = OrgUnit
        fields = ["parent", "level", "code", "name", "is_street", "is_sea", "geometry",
                  "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "code" in self.fields:
            # Left empty, the next free code under the parent is generated.
            self.fields["code"].required = False
            self.fields["code"].help_text = _("Leave empty to generate the next code.")

    def clean_geometry(self) -> dict | None:
        value = self.cleaned_data.get("geometry")
        if value in (None, "", {}):
            return None
        try:
            return geometry_validate(value)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None

    def clean(self) -> dict:
        data = super().clean()
        if self.instance.pk is None and not self.errors:
            try:
                data["code"] = services.unit_validate_new(
                    parent=data.get("parent"), level=data.get("level", ""),
                    code=data.get("code") or None, is_street=bool(data.get("is_street")))
            except DomainError as exc:
                raise forms.ValidationError(exc.message) from None
        return data


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    form = OrgUnitForm
    list_display = ["code", "name", "level", "parent", "is_street", "is_sea", "active"]
    list_filter = ["level", "is_street", "is_sea", "active"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path"]
    list_per_page = 50

    def get_readonly_fields(self, request: HttpRequest, obj: OrgUnit | None = None) -> list[str]:
        # A unit's place in the tree and its code are fixed once created.
        return ["path", "parent", "level", "code"] if obj else ["path"]

    def save_model(self, request: HttpRequest, obj: OrgUnit, form: forms.ModelForm,
                   change: bool) -> None:
        data = form.cleaned_data
        now = timezone.now()
        if change:
            services.unit_update(actor=request.user, unit=obj, now=now, **{
                f: data[f] for f in ("name", "is_street", "is_sea", "active", "geometry")
                if f in form.changed_data})
            return
        created = services.unit_create(
            actor=request.user, parent=data.get("parent"), level=data["level"],
            name=data["name"], code=data.get("code") or None, geometry=data.get("geometry"),
            is_street=data.get("is_street", False), is_sea=data.get("is_sea", False), now=now)
        if not data.get("active", True):
            services.unit_update(actor=request.user, unit=created, active=False, now=now)
        # The admin goes on with `obj` (messages, redirect): make it the saved unit.
        obj.pk, obj.code, obj.path = created.pk, created.code, created.path
        obj._state.adding = False


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "kind", "unit", "leader_in_charge", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name", "short_name"]
    autocomplete_fields = ["unit", "leader_in_charge"]


class MembershipInlineForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "unit", "department", "active"]

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors:
            try:
                services.membership_validate_place(role=data.get("role", ""),
                                                   unit=data.get("unit"),
                                                   department=data.get("department"))
            except DomainError as exc:
                raise forms.ValidationError(exc.message) from None
        return data


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipInlineForm
    extra = 0
    can_delete = False  # memberships are ended (active off), not erased
    autocomplete_fields = ["unit", "department"]

    # Only administrators may grant roles (the services refuse anyone else), so other staff
    # see memberships read-only instead of a form that would fail on save.
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return services.is_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return services.is_admin(request.user)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "phone", "is_staff", "is_active"]
    search_fields = ["username", "full_name", "phone"]
    inlines = [MembershipInline]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Personal data"), {"fields": ["full_name", "phone", "id_number"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        (_("Personal data"), {"fields": ["full_name", "phone", "id_number"]}),
    ]

    def save_formset(self, request: HttpRequest, form: forms.ModelForm,
                     formset: forms.BaseModelFormSet, change: bool) -> None:
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        now = timezone.now()
        # The admin's history message reads these lists, which formset.save() would fill.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if not inline_form.has_changed() or not inline_form.cleaned_data:
                continue
            data = inline_form.cleaned_data
            membership = inline_form.instance
            if membership.pk is None:
                granted = services.membership_grant(
                    actor=request.user, user=form.instance, role=data["role"],
                    unit=data.get("unit"), department=data.get("department"), now=now)
                if not data.get("active", True):
                    services.membership_revoke(actor=request.user, membership=granted, now=now)
                formset.new_objects.append(granted)
            else:
                services.membership_update(
                    actor=request.user, membership=membership, role=data["role"],
                    unit=data.get("unit"), department=data.get("department"),
                    active=data.get("active", True), now=now)
                formset.changed_objects.append((membership, inline_form.changed_data))


@admin.register(GridStaffing)
class GridStaffingAdmin(admin.ModelAdmin):
    list_display = ["grid", "position", "user", "department"]
    list_filter = ["position"]
    search_fields = ["grid__name", "grid__code", "user__full_name", "user__username"]
    autocomplete_fields = ["grid", "user", "department"]
    list_select_related = ["grid", "user", "department"]


class VolunteerMemberInline(admin.TabularInline):
    model = VolunteerMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(VolunteerTeam)
class VolunteerTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "leader", "speciality", "active"]
    list_filter = ["active"]
    search_fields = ["name", "speciality"]
    autocomplete_fields = ["unit", "leader"]
    inlines = [VolunteerMemberInline]

