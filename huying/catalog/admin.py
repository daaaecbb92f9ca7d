"""Admin for the lists. Drafts are edited here through the services; a published version,
its matter types and its items are read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huying.catalog import excel, selectors, services
from huying.catalog.data_types import ListItemData, MatterTypeData
from huying.catalog.models import (
    Domain,
    GridCategory,
    ListItem,
    ListKind,
    ListVersion,
    MatterRelation,
    MatterType,
    VersionStatus,
)
from huying.catalog.validation import Lookups, item_problems, matter_type_problems
from huying.common.errors import DomainError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _published(obj: ListVersion | MatterType | None) -> bool:
    if obj is None:
        return False
    version = obj if isinstance(obj, ListVersion) else obj.version
    return version.status == VersionStatus.PUBLISHED


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(GridCategory)
class GridCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class ListItemForm(forms.ModelForm):
    class Meta:
        model = ListItem
        fields = ["position", "matter_code", "title", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # list_item_add fills these in: the matter's name, the next number.
        self.fields["title"].required = False
        self.fields["position"].required = False

    def clean(self) -> dict[str, Any]:
        # The service's check, shown next to the field instead of failing on save.
        data = super().clean()
        # In an inline formset the parent (perhaps not saved yet) rides on the fk field.
        version = getattr(self.fields.get("version"), "parent_instance", None)
        code = data.get("matter_code")
        if code and version is not None and version.county_id and version.effective_from:
            catalogue = selectors.list_in_force(county=version.county,
                                                kind=ListKind.CATALOGUE,
                                                on=version.effective_from)
            names = (set(catalogue.matter_types.values_list("code", flat=True))
                     if catalogue else None)
            for problem in item_problems(ListItemData(matter_code=code), names,
                                         str(catalogue or "")):
                self.add_error(problem.field if problem.field in self.fields else None,
                               problem.message)
        return data


class ListItemInline(admin.TabularInline):
    model = ListItem
    form = ListItemForm
    extra = 0
    fields = ["position", "matter_code", "title", "note"]

    def _editable(self, obj: ListVersion | None) -> bool:
        return obj is None or (not _published(obj) and obj.kind != ListKind.CATALOGUE)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(ListVersion)
class ListVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "county", "kind", "number", "title", "effective_from", "status",
                    "published_at"]
    list_filter = ["kind", "status", "county"]
    search_fields = ["county__name"]  # the title is a stored message (JSON), not text
    inlines = [ListItemInline]
    actions = ["publish_selected", "export_excel"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        always = ["number", "status", "created_at", "published_at", "published_by"]
        if obj is None:
            return always
        return [*always, "county", "kind", "effective_from", "title", "note"] \
            if _published(obj) else [*always, "county", "kind"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _published(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: ListVersion, form: forms.ModelForm,
                   change: bool) -> None:
        now = timezone.now()
        data = form.cleaned_data
        if change:
            saved = services.list_version_update(
                actor=request.user, version=obj, title=data["title"],
                effective_from=data["effective_from"], note=data.get("note", ""), now=now)
        else:
            saved = services.list_version_create(
                actor=request.user, county=data["county"], kind=data["kind"],
                title=data["title"], effective_from=data["effective_from"],
                note=data.get("note", ""), now=now)
        obj.pk, obj.number, obj.created_at = saved.pk, saved.number, saved.created_at

    def save_formset(self, request: HttpRequest, form: forms.ModelForm, formset: Any,
                     change: bool) -> None:
        version = form.instance
        now = timezone.now()
        # The admin's change message reads what formset.save() would have recorded.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for item_form in formset.deleted_forms:
            if item_form.instance.pk:
                services.list_item_remove(actor=request.user, version=version,
                                          matter_code=item_form.initial["matter_code"], now=now)
        for item_form in formset.forms:
            if item_form in formset.deleted_forms or not item_form.has_changed():
                continue
            data = item_form.cleaned_data
            if not data.get("matter_code"):
                continue
            # Validation has copied the new values onto the instance: the old code is initial.
            old_code = item_form.initial.get("matter_code")
            if item_form.instance.pk and old_code != data["matter_code"]:
                services.list_item_remove(actor=request.user, version=version,
                                          matter_code=old_code, now=now)
            services.list_item_add(actor=request.user, version=version,
                                   matter_code=data["matter_code"], title=data.get("title", ""),
                                   note=data.get("note", ""), position=data.get("position"),
                                   now=now)

    def delete_model(self, request: HttpRequest, obj: ListVersion) -> None:
        services.list_version_discard(actor=request.user, version=obj, now=timezone.now())

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ListVersion]) -> None:
        for version in queryset:
            self.delete_model(request, version)

    @admin.action(description=gettext_lazy("Publish"))
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[ListVersion]) -> None:
        drafts = queryset.filter(status=VersionStatus.DRAFT)
        for version in sorted(drafts, key=lambda v: v.kind != ListKind.CATALOGUE):
            try:
                services.list_version_publish(actor=request.user, version=version,
                                              now=timezone.now())
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(request, _("%(version)s published.") % {"version": version})

    @admin.action(description=gettext_lazy("Export to Excel"))
    def export_excel(self, request: HttpRequest,
                     queryset: QuerySet[ListVersion]) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one version to export."),
                              messages.WARNING)
            return None
        version = queryset.get()
        response = HttpResponse(excel.list_version_export(version), content_type=XLSX)
        filename = f"{version.kind}-v{version.number}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def matter_data(data: dict[str, Any], *, code: str) -> MatterTypeData:
    """The service's input from a cleaned admin form."""
    return MatterTypeData(
        code=code, name=data.get("name") or "",
        domain=data["domain"].code if data.get("domain") else "",
        grid_category=data["grid_category"].code if data.get("grid_category") else None,
        lead_department=data["lead_department"].code if data.get("lead_department") else "",
        co_departments=tuple(d.code for d in data.get("co_departments") or []),
        colour=data.get("colour") or "", urgent=bool(data.get("urgent")),
        sign_amount=data.get("sign_amount"), sign_unit=data.get("sign_unit") or "",
        respond_amount=data.get("respond_amount"), respond_unit=data.get("respond_unit") or "",
        complete_amount=data.get("complete_amount"),
        complete_unit=data.get("complete_unit") or "",
        standard=data.get("standard") or "", keywords=tuple(data.get("keywords") or ()),
        examples=tuple(data.get("examples") or ()))


class MatterTypeForm(forms.ModelForm):
    class Meta:
        model = MatterType
        fields = ["version", "code", "name", "domain", "grid_category", "lead_department",
                  "co_departments", "colour", "urgent", "sign_amount", "sign_unit",
                  "respond_amount", "respond_unit", "complete_amount", "complete_unit",
                  "standard", "keywords", "examples"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "version" in self.fields:
            # A matter type can only be added to a draft catalogue.
            self.fields["version"].queryset = ListVersion.objects.filter(
                kind=ListKind.CATALOGUE, status=VersionStatus.DRAFT)

    def clean(self) -> dict[str, Any]:
        # Show the service's checks next to the fields instead of failing on save.
        data = super().clean()
        if self.errors:
            return data
        code = self.instance.code if self.instance.pk else data.get("code", "")
        for problem in matter_type_problems(matter_data(data, code=code), Lookups()):
            field = problem.field if problem.field in self.fields else None
            self.add_error(field, problem.message)
        return data


@admin.register(MatterType)
class MatterTypeAdmin(admin.ModelAdmin):
    form = MatterTypeForm
    list_display = ["code", "name", "version", "domain", "lead_department", "colour", "urgent"]
    list_filter = ["version", "domain", "grid_category", "colour", "urgent"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["domain", "grid_category"]
    filter_horizontal = ["co_departments"]
    list_select_related = ["version", "domain", "lead_department"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None:
            # The code identifies the matter across versions; the version cannot move.
            return ["version", "code"]
        return []

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _published(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: MatterType, form: forms.ModelForm,
                   change: bool) -> None:
        data = form.cleaned_data
        version = obj.version if change else data["version"]
        saved = services.matter_type_save(
            actor=request.user, version=version, now=timezone.now(),
            data=matter_data(data, code=obj.code if change else data["code"]))
        obj.pk = saved.pk

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any,
                     change: bool) -> None:
        # matter_type_save has set the co-departments already.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request: HttpRequest, obj: MatterType) -> None:
        services.matter_type_remove(actor=request.user, version=obj.version, code=obj.code,
                                    now=timezone.now())

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[MatterType]) -> None:
        for matter in queryset.select_related("version"):
            self.delete_model(request, matter)


@admin.register(MatterRelation)
class MatterRelationAdmin(admin.ModelAdmin):
    """Related matter types (相关事项) for duplicate finding: either order may be typed;
    the pair is stored once."""

    list_display = ["code_a", "name_a", "code_b", "name_b", "note"]
    search_fields = ["code_a", "code_b", "note"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[MatterRelation]:
        def name_of(field: str) -> Subquery:
            return Subquery(MatterType.objects.filter(code=OuterRef(field))
                            .order_by("-version__effective_from", "-version__number")
                            .values("name")[:1])

        return super().get_queryset(request).annotate(name_of_a=name_of("code_a"),
                                                      name_of_b=name_of("code_b"))

    @admin.display(description=gettext_lazy("matter type"))
    def name_a(self, obj: MatterRelation) -> str:
        return getattr(obj, "name_of_a", None) or ""

    @admin.display(description=gettext_lazy("related matter type"))
    def name_b(self, obj: MatterRelation) -> str:
        return getattr(obj, "name_of_b", None) or ""
