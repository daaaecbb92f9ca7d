"""Duplicate finding: how well the scorer judges the labelled pairs, how fast it scores,
and what finding the candidates of one report costs in a busy county against the raw SQL
of the same window query, in the same run.

    python -m bench duplicates [CASES]        quality, pairs/s, candidate finding
    python -m bench duplicates --fit          fit the weights on the training split only

Quality is reported on the held-out scenes (never used for fitting) and on the whole set,
at `HUYING_DUPLICATE_SUGGEST_SCORE`.
"""

from __future__ import annotations

import time
from dataclasses import fields
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bench.sweep import setup_django

TZ = ZoneInfo("Asia/Shanghai")


def fit() -> None:
    """Weights of the logistic combination fitted on the training split: L2-regularised,
    the weights of signals that can only speak for a duplicate kept non-negative (a fit on
    pairs that are all near would otherwise learn that nearness speaks against it). Nearness
    keeps a floor of 1: inside the radius nearer is likelier, which a set of near pairs
    cannot measure. A guessed different matter speaks against at least -1.5 (the set has
    no guessed matters to measure it by)."""
    setup_django()
    import numpy as np
    from scipy.optimize import minimize

    from huying.catalog.selectors import matter_relations
    from huying.duplicates import evaluation as ev
    from huying.duplicates import scoring as sc

    relations = matter_relations()
    items = [i for i in ev.labelled_pairs() if not i.held_out]
    found = [sc.signals(i.a, i.b, relations=relations) for i in items]
    keep = [not s.capped for s in found]
    names = [f.name for f in fields(sc.Weights) if f.name != "bias"]
    x = np.array([[sc.features(s)[n] for n in names] for s, k in zip(found, keep, strict=True)
                  if k])
    y = np.array([i.duplicate for i, k in zip(items, keep, strict=True) if k], dtype=float)
    penalty = 0.002

    def loss(w: np.ndarray) -> float:
        z = w[0] + x @ w[1:]
        return float(np.mean(np.logaddexp(0, z) - y * z) + penalty * np.sum(w[1:] ** 2) / 2)

    floors = {"place": 1.0, "matter_different": -1.5}
    bounds = [(None, None)] + [(None, floors[n]) if n == "matter_different"
                               else (floors.get(n, 0), None) for n in names]
    start = np.array([0.0] + [floors.get(n, 0.0) for n in names])
    result = minimize(loss, start, method="L-BFGS-B", bounds=bounds)
    weights = dict(zip(["bias", *names], (round(float(v), 2) for v in result.x), strict=True))
    print(f"fitted on {len(y)} training pairs (of {len(items)}; the capped ones are "
          f"decided by the caps): loss {result.fun:.4f}")
    print("Weights(" + ", ".join(f"{k}={v}" for k, v in weights.items()) + ")")


def run(*, rows: int) -> None:
    setup_django()
    from django.conf import settings

    from huying.catalog.selectors import matter_relations
    from huying.duplicates import evaluation as ev
    from huying.duplicates import scoring as sc

    relations = matter_relations()
    threshold = settings.HUYING_DUPLICATE_SUGGEST_SCORE
    items = ev.labelled_pairs()
    judgements = [sc.judge(i.a, i.b, relations=relations) for i in items]
    print(f"duplicates benchmark: {len(items)} labelled pairs, threshold {threshold}")
    for label, chosen in (("held-out", [i.held_out for i in items]),
                          ("training", [not i.held_out for i in items]),
                          ("whole set", [True] * len(items))):
        part = [(i, j) for i, j, c in zip(items, judgements, chosen, strict=True) if c]
        q = ev.quality([i for i, _ in part], [j for _, j in part], threshold)
        print(f"  {label:9}: {q.pairs} pairs  precision {q.precision:.3f}  recall "
              f"{q.recall:.3f}  F1 {q.f1:.3f}  (TP {q.true_positive}, FP {q.false_positive},"
              f" FN {q.false_negative})")
    by_kind: dict[str, list[bool]] = {}
    for i, j in zip(items, judgements, strict=True):
        by_kind.setdefault(i.kind, []).append((j.score >= threshold) == i.duplicate)
    print("  right by kind: " + ", ".join(f"{k} {sum(v)}/{len(v)}"
                                         for k, v in sorted(by_kind.items())))

    # Scoring speed: fresh sides (the text profile is computed per report, as in finding).
    raw = ev.pairs_from_json(__import__("json").loads(ev.EVALUATION.read_text("utf-8")))
    t0 = time.perf_counter()
    repeat = 5
    for _ in range(repeat):
        for a, b in raw:
            sc.judge(a, b, relations=relations)
    elapsed = time.perf_counter() - t0
    print(f"  scoring: {len(raw) * repeat / elapsed:,.0f} pairs/s (text profiles included)")
    finding(cases=rows)


def finding(*, cases: int) -> None:
    """A county with `cases` reports over a month, a quarter of them on one busy street;
    the candidate finding of one more report there, against the raw window query."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from huying.cases.models import Case
    from huying.duplicates import selectors
    from huying.duplicates.models import DuplicateCandidate
    from huying.duplicates.services import duplicates_find
    from tests.factories import build_world

    now = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
    world = build_world(now - timedelta(days=40))
    lon0, lat0 = world.point_in(0)
    template = {"channel": "12345", "title": "路面坑洼", "description": "人民路邮政局门前路面塌陷",
                "county": world.county, "town": world.towns[0], "community": world.communities[0],
                "grid": world.grids[0], "unit": world.grids[0], "status": "registered",
                "updated_at": now}
    batch = []
    for i in range(cases):
        busy = i % 4 == 0
        lon = lon0 + ((i * 7919) % 1000 - 500) * (0.000003 if busy else 0.0009)
        lat = lat0 + ((i * 104729) % 1000 - 500) * (0.000003 if busy else 0.0009)
        batch.append(Case(number=f"BENCH{i:08d}", longitude=lon, latitude=lat,
                          reported_at=now - timedelta(minutes=(i * 43) % (30 * 24 * 60)),
                          **template))
    with transaction.atomic():
        Case.objects.bulk_create(batch, batch_size=2000)
    probe = Case.objects.create(number="PROBE", longitude=lon0, latitude=lat0, reported_at=now,
                                **template)

    within = selectors.limits()
    west, east, south, north = selectors.bounding_box(lon0, lat0, within.radius_m)
    window = timedelta(hours=within.window_hours)
    sql = (f"SELECT * FROM {Case._meta.db_table} WHERE county_id = %s AND id <> %s "
           "AND reported_at >= %s AND reported_at <= %s "
           "AND status NOT IN ('rejected', 'merged') "
           "AND longitude BETWEEN %s AND %s AND latitude BETWEEN %s AND %s "
           "ORDER BY reported_at DESC LIMIT %s")
    params = [world.county.pk, probe.pk, now - window, now + window, west, east, south, north,
              selectors.SCAN_LIMIT]
    adapt = connection.ops.adapt_datetimefield_value
    params = [adapt(p) if isinstance(p, datetime) else p for p in params]
    repeat = 20

    t0 = time.perf_counter()
    for _ in range(repeat):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            window_rows = cursor.fetchall()
    raw_time = (time.perf_counter() - t0) / repeat

    t0 = time.perf_counter()
    for _ in range(repeat):
        query_rows = list(selectors.earlier_cases_near(probe, now=now, within=within))
    query_time = (time.perf_counter() - t0) / repeat

    t0 = time.perf_counter()
    for _ in range(repeat):
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                duplicates_find(case=probe, now=now)
            transaction.set_rollback(True)
    find_time = (time.perf_counter() - t0) / repeat
    stored = DuplicateCandidate.objects.count()
    print(f"  candidate finding, a county of {cases:,} cases ({len(window_rows)} in the window "
          f"and the box of the busy street; {len(query_rows)} read):")
    print(f"    reference: the raw SQL of the window query {raw_time * 1000:.2f} ms")
    print(f"    earlier_cases_near (ORM, same query): {query_time * 1000:.2f} ms "
          f"→ ratio {query_time / raw_time:.1f}×")
    print(f"    duplicates_find (query, {len(query_rows)} pairs scored, candidates stored): "
          f"{find_time * 1000:.1f} ms per report → ratio {find_time / raw_time:.1f}× the raw "
          f"query, {len(queries.captured_queries)} queries ({stored} rows kept after rollback)")
