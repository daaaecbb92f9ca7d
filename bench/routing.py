"""Routing throughput on one core: texts classified per second, one at a time (as the
report form and the subscriber ask) and in batches (as `huying routing classify` does),
against two references measured in the same run on the same texts:

- the TF-IDF vectoriser's `transform` alone (scikit-learn, batch): the cost of turning text
  into features, without any scoring;
- a plain keyword lookup: every catalogue keyword searched in the text, the matter with
  most hits wins (what a rule-based router would do).

Then top-1/top-3 on the bundled evaluation set, which the model never trains on, beside
the keyword lookup's, and the held-out figures of training.
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.sweep import setup_django

TZ = ZoneInfo("Asia/Shanghai")


def one_core() -> None:
    """Pin the process to one CPU (and numpy's BLAS to one thread)."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds else float("inf")


SECOND_AUTHOR = Path(__file__).parent / "data" / "routing_second_author.jsonl"


def run(*, rows: int) -> None:
    one_core()
    setup_django()
    from huying.catalog.reference import reference_data
    from huying.routing.corpus import EVALUATION_PATH, labelled_read
    from huying.routing.training import model_train

    now = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
    t0 = time.perf_counter()
    model = model_train(now=now)
    train_seconds = time.perf_counter() - t0
    classifier = model.classifier
    evaluation = labelled_read(EVALUATION_PATH)
    texts = [evaluation[i % len(evaluation)]["text"] for i in range(rows)]
    print(f"routing benchmark: {rows:,} report texts (the evaluation set's {len(evaluation)} "
          f"repeated), one core; trained in {train_seconds:.1f} s on "
          f"{model.meta['samples']['total']:,} samples")

    classifier.top(texts[:50])  # warm up
    t0 = time.perf_counter()
    for text in texts:
        classifier.top([text])
    single = time.perf_counter() - t0

    batch_size = 1000
    t0 = time.perf_counter()
    for start in range(0, rows, batch_size):
        classifier.top(texts[start:start + batch_size])
    batch = time.perf_counter() - t0

    vectoriser = classifier.pipeline.named_steps["tfidf"]
    t0 = time.perf_counter()
    for start in range(0, rows, batch_size):
        vectoriser.transform(texts[start:start + batch_size])
    transform = time.perf_counter() - t0

    keywords = [(m["code"], [m["name"], *m["keywords"]]) for m in reference_data()["matter_types"]]

    def keyword_top(text: str) -> list[str]:
        hits = [(sum(k in text for k in words), code) for code, words in keywords]
        hits.sort(key=lambda h: -h[0])
        return [code for n, code in hits[:3] if n]

    t0 = time.perf_counter()
    for text in texts:
        keyword_top(text)
    lookup = time.perf_counter() - t0

    print(f"  single text     {rate(rows, single):>10,.0f} texts/s  "
          f"({single / rows * 1e6:,.0f} µs each)")
    print(f"  batches of {batch_size:,} {rate(rows, batch):>10,.0f} texts/s")
    print(f"  reference: TF-IDF transform alone (batch) {rate(rows, transform):>10,.0f} texts/s"
          f"  → classifying in batches costs {batch / transform:.2f}× the transform, "
          f"one at a time {single / transform:.2f}×")
    print(f"  reference: keyword lookup (one at a time) {rate(rows, lookup):>10,.0f} texts/s"
          f"  → the model is {lookup / single:.2f}× its speed one at a time, "
          f"{lookup / batch:.2f}× in batches")

    tops = classifier.top([r["text"] for r in evaluation])
    codes = [r["code"] for r in evaluation]
    top1 = sum(t[0].code == c for t, c in zip(tops, codes, strict=True)) / len(codes)
    top3 = sum(c in {s.code for s in t} for t, c in zip(tops, codes, strict=True)) / len(codes)
    guesses = [keyword_top(r["text"]) for r in evaluation]
    k1 = sum(bool(g) and g[0] == c for g, c in zip(guesses, codes, strict=True)) / len(codes)
    k3 = sum(c in g for g, c in zip(guesses, codes, strict=True)) / len(codes)
    held = model.meta["held_out"]
    print(f"  evaluation set ({len(codes)} texts): model top-1 {top1:.1%} top-3 {top3:.1%}; "
          f"keyword lookup top-1 {k1:.1%} top-3 {k3:.1%}")
    print(f"  held-out split of the training corpus ({held['n']} texts): top-1 "
          f"{held['top1']:.1%} top-3 {held['top3']:.1%}, calibration error {held['ece']:.3f}")
    second = labelled_read(SECOND_AUTHOR)
    tops = classifier.top([r["text"] for r in second])
    top1 = sum(t[0].code == r["code"] for t, r in zip(tops, second, strict=True)) / len(second)
    top3 = sum(r["code"] in {s.code for s in t}
               for t, r in zip(tops, second, strict=True)) / len(second)
    print(f"  second author's texts ({len(second)}, bench/data, written apart from the corpus): "
          f"top-1 {top1:.1%} top-3 {top3:.1%}")
