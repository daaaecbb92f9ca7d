"""The stability-sensitive lexicon (涉稳词库) and what it flagged on each case.

A rule names words of which any flags a report; a rule may also ask for a condition (one of
its `requires` words, or at least `min_people` people mentioned), so that words common in
ordinary reports ("工资", "聚集") flag only when many are concerned. `excludes` are phrases
whose presence cancels the rule ("已劝返", "没有扬言"). The rules are edited in the admin and
apply to reports taken in from then on.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class SensitiveCategory(models.TextChoices):
    GROUP = "group", _("Group petition or gathering")
    WAGES = "wages", _("Wage arrears of many workers")
    SELF_HARM = "self_harm", _("Threat of self-harm or extreme acts")
    PUBLIC_SAFETY = "public_safety", _("Public-safety hazard")
    PUBLIC_OPINION = "public_opinion", _("Public-opinion risk")
    OTHER = "other", _("Other")


def _word_list(value: object, label: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
        raise ValidationError({label: _("Give a list of words.")})
    return [w.strip() for w in value if w.strip()]


class SensitiveRule(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=SensitiveCategory.choices)
    words = models.JSONField(_("words"), default=list,
                             help_text=_("Any of these words flags a report."))
    requires = models.JSONField(
        _("only together with"), default=list, blank=True,
        help_text=_("If given, the rule flags only when one of these words is present too, "
                    "or enough people are mentioned."))
    min_people = models.PositiveIntegerField(
        _("people at least"), null=True, blank=True,
        help_text=_("If given, the rule flags when at least this many people are mentioned "
                    "(“三十多名工人”, “上百人”), or one of the words above is present."))
    excludes = models.JSONField(_("not when"), default=list, blank=True,
                                help_text=_("Phrases that cancel the rule."))
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("sensitive rule")
        verbose_name_plural = _("sensitive rules")
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.words = _word_list(self.words, "words")
        self.requires = _word_list(self.requires, "requires")
        self.excludes = _word_list(self.excludes, "excludes")
        if not self.words:
            raise ValidationError({"words": _("Give at least one word.")})
        if self.min_people is not None and self.min_people < 2:
            raise ValidationError({"min_people": _("Count at least two people.")})

    @property
    def conditional(self) -> bool:
        return bool(self.requires) or self.min_people is not None


class SensitiveFlag(models.Model):
    """What flagged a case: the rules (as they were named then) and the words matched."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE,
                                related_name="sensitive_flag", verbose_name=_("case"))
    hits = models.JSONField(_("rules matched"), default=list)  # [{rule, name, category, words}]
    people = models.PositiveIntegerField(_("people mentioned"), null=True, blank=True)
    flagged_at = models.DateTimeField(_("flagged at"))

    class Meta:
        verbose_name = _("sensitive flag")
        verbose_name_plural = _("sensitive flags")

    def __str__(self) -> str:
        return f"{self.case_id}: {', '.join(h['name'] for h in self.hits)}"

    @property
    def words(self) -> list[str]:
        seen: dict[str, None] = {}
        for hit in self.hits:
            seen.update(dict.fromkeys(hit["words"]))
        return list(seen)
