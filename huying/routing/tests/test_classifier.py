"""The classifier without Django: features, the fast path against scikit-learn's, the
allowed codes, calibration."""

from __future__ import annotations

import numpy as np
import pytest

from huying.routing.classifier import (
    Classifier,
    Sample,
    classifier_fit,
    figures_of,
    held_out_split,
    pipeline_fit,
    softmax,
    temperature_fit,
)
from huying.routing.features import char_ngrams, text_normalise

SAMPLES = [Sample(t, c) for c, texts in {
    "A": ["路灯不亮", "路灯坏了晚上很黑", "街边的灯一直不亮", "路灯闪烁", "灯杆倒了不亮"],
    "B": ["井盖丢了", "井盖破损下沉", "下水道盖子被偷", "井口敞着没盖", "井盖松动响"],
    "C": ["垃圾没人收", "垃圾桶满了", "垃圾堆成山臭气熏天", "垃圾站没人清运", "垃圾满溢"],
}.items() for t in texts]


def test_ngrams_fold_full_width_case_and_digit_runs_and_stop_at_punctuation():
    assert text_normalise("３号楼ABC") == "0号楼abc"
    grams = char_ngrams("12号楼，灯")
    assert "0号" in grams and "楼灯" not in grams and "灯" in grams


def test_the_fast_path_scores_as_the_pipeline_does():
    pipeline = pipeline_fit(SAMPLES)
    classifier = Classifier(pipeline, 1.0)
    texts = ["晚上路灯不亮", "有个井盖丢了", "这是一段和什么都无关的话", "垃圾"]
    expected = pipeline.decision_function(texts)
    assert np.allclose(classifier.scores(texts), expected, atol=1e-4)
    for n, text in enumerate(texts):  # one text goes through the gathered rows
        assert np.allclose(classifier.scores([text])[0], expected[n], atol=1e-4)


def test_top_gives_calibrated_probabilities_most_likely_first():
    classifier = Classifier(pipeline_fit(SAMPLES), 0.1)
    [top] = classifier.top(["小区门口路灯不亮"])
    assert next(s.code for s in top) == "A" and len(top) == 3
    assert top[0].confidence >= top[1].confidence >= top[2].confidence
    assert sum(s.confidence for s in top) == pytest.approx(1.0, abs=1e-3)


def test_top_among_allowed_codes_renormalises_and_never_names_others():
    classifier = Classifier(pipeline_fit(SAMPLES), 0.1)
    [top] = classifier.top(["小区门口路灯不亮"], allowed={"B", "C"})
    assert {s.code for s in top} == {"B", "C"}
    assert sum(s.confidence for s in top) == pytest.approx(1.0, abs=1e-3)
    assert classifier.top(["路灯"], allowed=set()) == [[]]


def test_the_temperature_lowers_the_held_out_log_loss():
    scores = np.array([[2.0, 0.0, -1.0], [0.5, 0.4, 0.0], [0.0, 1.0, 0.2], [1.0, 0.0, 0.9]])
    truth = np.array([0, 0, 1, 2])
    t = temperature_fit(scores, truth)

    def nll(temperature: float) -> float:
        return float(-np.log(softmax(scores, temperature)[np.arange(4), truth]).mean())

    assert nll(t) <= min(nll(1.0), nll(0.1), nll(5.0)) + 1e-6


def test_the_split_holds_out_written_texts_only_and_catalogue_texts_always_train():
    samples = [*SAMPLES, Sample("路灯 照明", "A", source="catalogue")]
    train, held = held_out_split(samples, fraction=0.2)
    assert len(held) == 3 and all(s.source == "corpus" for s in held)
    assert any(s.source == "catalogue" for s in train)
    assert not {id(s) for s in held} & {id(s) for s in train}


def test_figures_count_top1_and_top3_hits():
    fitted = classifier_fit(SAMPLES)
    figures = figures_of(fitted.classifier, ["路灯不亮了", "井盖不见了"], ["A", "C"])
    assert figures.n == 2 and figures.top1 == 0.5 and figures.top3 == 1.0


def test_training_needs_two_matter_types():
    with pytest.raises(ValueError):
        classifier_fit([Sample("路灯", "A"), Sample("灯", "A")])
