"""The classifier itself, without Django: text → matter code with a calibrated confidence.

A TF-IDF of character n-grams (`features.char_ngrams`) and a linear SVM (one-vs-rest),
whose scores become probabilities by temperature scaling: softmax(score / T), with T fitted
on held-out texts to minimise their negative log-likelihood. Temperature scaling keeps the
ranking of the linear model and makes "0.8" mean right about four times in five; it costs
one division at inference, where CalibratedClassifierCV would run a calibrator per class
and fold.

Inference does not go through scikit-learn's pipeline: `Classifier` keeps the vocabulary,
the idf weights and the transposed coefficients as plain arrays, and scores a text by
looking up its n-grams, which is what makes one text in a few tens of microseconds. The
fitted pipeline is kept beside them (`pipeline`) for inspection and for the test that both
paths agree.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import minimize_scalar
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from huying.routing.features import char_ngrams

TOP_K = 3
# The SVM's regularisation: chosen on a split of the bundled corpus (never the evaluation
# set); larger fits the short catalogue texts too closely, smaller blurs similar matters.
SVM_C = 0.5
# The temperature when too few texts are held out to fit one (a handful of right answers
# would drive it to its bound and the confidences to 1): the value fitted on the bundled
# corpus's held-out split.
DEFAULT_TEMPERATURE = 0.08
CALIBRATION_MIN = 20


@dataclass(frozen=True)
class Sample:
    text: str
    code: str
    weight: float = 1.0
    source: str = "corpus"  # catalogue | generated | corpus | confirmed


# Texts somebody wrote as a report: only these are held out to measure and calibrate. The
# catalogue's names and the sentences made from the lexicon always train.
HELD_OUT_SOURCES = frozenset({"corpus", "confirmed"})


@dataclass(frozen=True)
class Suggestion:
    code: str
    confidence: float


def pipeline_fit(samples: Sequence[Sample]) -> Pipeline:
    pipeline = Pipeline([
        ("tfidf", TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True, min_df=1,
                                  dtype=np.float32)),
        ("svm", LinearSVC(C=SVM_C, class_weight="balanced")),
    ])
    pipeline.fit([s.text for s in samples], [s.code for s in samples],
                 svm__sample_weight=np.array([s.weight for s in samples]))
    return pipeline


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def temperature_fit(scores: np.ndarray, truth: np.ndarray) -> float:
    """The T minimising the held-out negative log-likelihood of softmax(scores / T)."""
    rows = np.arange(len(truth))

    def nll(log_t: float) -> float:
        p = softmax(scores, math.exp(log_t))[rows, truth]
        return float(-np.log(np.clip(p, 1e-12, None)).mean())

    found = minimize_scalar(nll, bounds=(math.log(0.01), math.log(10.0)), method="bounded")
    return float(math.exp(found.x))


class Classifier:
    """A fitted model: the arrays the fast path needs, the classes, the temperature."""

    def __init__(self, pipeline: Pipeline, temperature: float) -> None:
        vectoriser: TfidfVectorizer = pipeline.named_steps["tfidf"]
        svm: LinearSVC = pipeline.named_steps["svm"]
        self.pipeline = pipeline
        self.temperature = temperature
        self.classes: list[str] = [str(c) for c in svm.classes_]
        self.vocabulary: dict[str, int] = {str(k): int(v)
                                           for k, v in vectoriser.vocabulary_.items()}
        self.idf = vectoriser.idf_.astype(np.float32)
        self.weights = np.ascontiguousarray(svm.coef_.T, dtype=np.float32)  # features × classes
        self.intercept = svm.intercept_.astype(np.float32)

    def _vector(self, text: str) -> tuple[list[int], np.ndarray]:
        counts = Counter(self.vocabulary.get(g, -1) for g in char_ngrams(text))
        counts.pop(-1, None)
        if not counts:
            return [], np.zeros(0, dtype=np.float32)
        index = list(counts)
        tf = np.fromiter(counts.values(), dtype=np.float32, count=len(index))
        values = (np.log(tf) + 1.0) * self.idf[index]
        return index, values / np.linalg.norm(values)

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """The linear scores, texts × classes (one text: the gathered rows, no matrix)."""
        if len(texts) == 1:
            index, values = self._vector(texts[0])
            row = self.intercept.copy()
            if index:
                row += values @ self.weights[index]
            return row[np.newaxis, :]
        rows, columns, data = [], [], []
        for n, text in enumerate(texts):
            index, values = self._vector(text)
            rows.extend([n] * len(index))
            columns.extend(index)
            data.append(values)
        matrix = sparse.csr_matrix(
            (np.concatenate(data) if data else np.zeros(0, dtype=np.float32), (rows, columns)),
            shape=(len(texts), len(self.vocabulary)), dtype=np.float32)
        return np.asarray(matrix @ self.weights) + self.intercept

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        return softmax(self.scores(texts), self.temperature)

    def top(self, texts: Sequence[str], *, k: int = TOP_K,
            allowed: Iterable[str] | None = None) -> list[list[Suggestion]]:
        """The k most likely codes of each text, among `allowed` codes when given (the
        probabilities renormalised over them)."""
        if not texts:
            return []
        probabilities = self.probabilities(texts)
        if allowed is not None:
            keep = set(allowed)
            mask = np.array([c in keep for c in self.classes])
            probabilities = probabilities * mask
            totals = probabilities.sum(axis=1, keepdims=True)
            probabilities = np.divide(probabilities, totals, where=totals > 0,
                                      out=np.zeros_like(probabilities))
        k = min(k, len(self.classes))
        best = np.argsort(-probabilities, axis=1)[:, :k]
        return [[Suggestion(self.classes[j], round(float(probabilities[i, j]), 4))
                 for j in best[i] if probabilities[i, j] > 0]
                for i in range(len(texts))]


@dataclass(frozen=True)
class Figures:
    """Top-1 and top-3 accuracy, and the calibration error, on a set of labelled texts."""

    n: int
    top1: float
    top3: float
    # Expected calibration error of the top-1 confidence over ten bins: the mean gap
    # between how sure the model said it was and how often it was right.
    ece: float

    def as_dict(self) -> dict[str, float | int]:
        return {"n": self.n, "top1": round(self.top1, 4), "top3": round(self.top3, 4),
                "ece": round(self.ece, 4)}


def figures_of(classifier: Classifier, texts: Sequence[str], codes: Sequence[str]) -> Figures:
    if not texts:
        return Figures(0, 0.0, 0.0, 0.0)
    tops = classifier.top(texts, k=TOP_K)
    hit1 = [bool(t) and t[0].code == c for t, c in zip(tops, codes, strict=True)]
    hit3 = [c in {s.code for s in t} for t, c in zip(tops, codes, strict=True)]
    confidence = np.array([t[0].confidence if t else 0.0 for t in tops])
    bins = np.minimum((confidence * 10).astype(int), 9)
    ece = sum(abs(confidence[bins == b].mean() - np.mean(np.array(hit1)[bins == b]))
              * (bins == b).sum() for b in range(10) if (bins == b).any()) / len(texts)
    return Figures(len(texts), float(np.mean(hit1)), float(np.mean(hit3)), float(ece))


def held_out_split(samples: Sequence[Sample], *, fraction: float = 0.2, seed: int = 12345
                   ) -> tuple[list[Sample], list[Sample]]:
    """(train, held out): a stratified share of each code's written report texts (corpus,
    confirmed dispatches) is held out; the rest always trains."""
    by_code: dict[str, list[Sample]] = defaultdict(list)
    train: list[Sample] = []
    for sample in samples:
        (by_code[sample.code] if sample.source in HELD_OUT_SOURCES else train).append(sample)
    held: list[Sample] = []
    rng = random.Random(seed)
    for code in sorted(by_code):
        group = by_code[code][:]
        rng.shuffle(group)
        n = int(len(group) * fraction) if len(group) >= 5 else 0
        held.extend(group[:n])
        train.extend(group[n:])
    return train, held


@dataclass(frozen=True)
class Fitted:
    classifier: Classifier
    held_out: Figures


def classifier_fit(samples: Sequence[Sample], *, fraction: float = 0.2) -> Fitted:
    """Fit on a split to measure and calibrate, then refit on every sample with the
    temperature found. With fewer than `CALIBRATION_MIN` held-out texts the temperature is
    `DEFAULT_TEMPERATURE`."""
    if len({s.code for s in samples}) < 2:
        raise ValueError("at least two matter types are needed to train")
    train, held = held_out_split(samples, fraction=fraction)
    temperature = DEFAULT_TEMPERATURE
    figures = Figures(0, 0.0, 0.0, 0.0)
    if held and len({s.code for s in train}) >= 2:
        trial = Classifier(pipeline_fit(train), 1.0)
        known = [s for s in held if s.code in set(trial.classes)]
        if len(known) >= CALIBRATION_MIN:
            truth = np.array([trial.classes.index(s.code) for s in known])
            temperature = temperature_fit(trial.scores([s.text for s in known]), truth)
        trial.temperature = temperature
        figures = figures_of(trial, [s.text for s in held], [s.code for s in held])
    return Fitted(Classifier(pipeline_fit(samples), temperature), figures)
