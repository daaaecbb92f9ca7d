"""A new report gets its suggestions in its own transaction; a failing model never loses
the report."""

from __future__ import annotations

from huying.cases import services as cs
from huying.cases.models import Case, Channel
from huying.routing.classifier import Classifier
from huying.routing.models import CaseSuggestion


def report(world, now, **extra):
    lon, lat = world.point_in(0)
    fields = {"title": "路灯不亮", "description": "小区门口的路灯坏了好几天，晚上黑乎乎的",
              "longitude": lon, "latitude": lat, **extra}
    return cs.case_report(actor=world.user("supervisor"), county=world.county,
                          channel=Channel.HOTLINE_12345, now=now, **fields)


def test_a_report_stores_its_top_three(world, now, trained):
    case = report(world, now)
    suggestion = CaseSuggestion.objects.get(case=case)
    assert next(s["code"] for s in suggestion.suggestions) == "M002"
    assert len(suggestion.suggestions) == 3 and 0 < suggestion.suggestions[0]["confidence"] <= 1
    assert suggestion.model_version == trained.version and suggestion.stale is False
    assert suggestion.created_at == now


def test_without_a_model_a_report_is_taken_in_without_suggestions(world, now):
    case = report(world, now)
    assert Case.objects.filter(pk=case.pk).exists()
    assert not CaseSuggestion.objects.exists()


def test_a_failing_model_is_logged_and_the_report_kept(world, now, trained, monkeypatch,
                                                      caplog):
    def broken(self, texts, **kwargs):
        raise RuntimeError("model broke")

    monkeypatch.setattr(Classifier, "top", broken)
    case = report(world, now)
    assert Case.objects.filter(pk=case.pk).exists()
    assert not CaseSuggestion.objects.exists()
    assert "no suggestion for case" in caplog.text
