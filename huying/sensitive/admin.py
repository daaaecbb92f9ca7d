from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from huying.sensitive.models import SensitiveFlag, SensitiveRule


@admin.register(SensitiveRule)
class SensitiveRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "word_count", "min_people", "active", "updated_at")
    list_filter = ("category", "active")
    search_fields = ("name",)
    fields = ("name", "category", "words", "requires", "min_people", "excludes", "active")

    @admin.display(description=_("words"))
    def word_count(self, rule: SensitiveRule) -> int:
        return len(rule.words)


@admin.register(SensitiveFlag)
class SensitiveFlagAdmin(admin.ModelAdmin):
    list_display = ("case", "rule_names", "people", "flagged_at")
    search_fields = ("case__number",)
    readonly_fields = ("case", "hits", "people", "flagged_at")

    @admin.display(description=_("rules matched"))
    def rule_names(self, flag: SensitiveFlag) -> str:
        return "、".join(h["name"] for h in flag.hits)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
