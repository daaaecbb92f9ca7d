"""Admin pages of the gazetteer: place names are edited here and saved through
`services.place_save`, so the page refuses exactly what the service refuses; how cases
were located is read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huying.common.errors import DomainError
from huying.gazetteer import services
from huying.gazetteer.models import CaseLocation, Place
from huying.org.models import Level, OrgUnit
from huying.org.selectors import is_admin

FIELDS = ("county", "name", "kind", "unit", "aliases", "longitude", "latitude", "geometry")


class PlaceForm(forms.ModelForm):
    aliases = forms.CharField(
        label=_("other names"), required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("One per line, or separated by 、 or commas: 俗称, 简称, old names."))
    geometry = forms.JSONField(
        label=_("outline (GeoJSON)"), required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=_("Optional: a GeoJSON Polygon or MultiPolygon (longitude, latitude)."))

    class Meta:
        model = Place
        fields = [*FIELDS, "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "county" in self.fields:
            self.fields["county"].queryset = OrgUnit.objects.filter(level=Level.COUNTY)
        if isinstance(self.initial.get("aliases"), list):
            self.initial["aliases"] = "\n".join(self.initial["aliases"])

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        try:
            cleaned = services.place_validate(**{f: data.get(f) for f in FIELDS})
        except DomainError as exc:
            field = exc.details.get("field")
            if exc.code == "invalid_geometry":
                field = "geometry"
            self.add_error(field if field in self.fields else None, exc.message)
            return data
        data.update(cleaned)
        return data


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    form = PlaceForm
    list_display = ["name", "kind", "unit", "alias_list", "has_point", "active", "updated_at"]
    list_filter = ["kind", "active", "county", "unit__level"]
    search_fields = ["name", "unit__name", "unit__code"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
    list_per_page = 50

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Place],
                           search_term: str) -> tuple[QuerySet[Place], bool]:
        # Other names are a JSON list (stored escaped): matched here, not by the database.
        found, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            ids = [pk for pk, aliases in queryset.values_list("pk", "aliases")
                   if any(term in alias for alias in aliases or [])]
            found = found | queryset.filter(pk__in=ids)
        return found, duplicates

    @admin.display(description=_("other names"))
    def alias_list(self, obj: Place) -> str:
        return "、".join(obj.aliases or [])

    @admin.display(description=_("point"), boolean=True)
    def has_point(self, obj: Place) -> bool:
        return obj.longitude is not None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_admin(request.user)

    def save_model(self, request: HttpRequest, obj: Place, form: forms.ModelForm,
                   change: bool) -> None:
        data = form.cleaned_data
        saved = services.place_save(actor=request.user, now=timezone.now(),
                                    place=obj if change else None,
                                    active=data.get("active", True),
                                    **{f: data.get(f) for f in FIELDS})
        obj.pk = saved.pk
        obj._state.adding = False


@admin.register(CaseLocation)
class CaseLocationAdmin(admin.ModelAdmin):
    list_display = ["case", "source", "text_unit", "confidence", "conflict", "located_at"]
    list_filter = ["source", "conflict"]
    search_fields = ["case__number", "text_unit__name"]
    list_select_related = ["case", "text_unit"]
    readonly_fields = ["case", "source", "text_unit", "words", "confidence", "conflict",
                       "reason", "located_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
