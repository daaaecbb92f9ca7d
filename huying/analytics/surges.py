"""Surges (激增): a key's latest window of counts against its own trailing baseline.

Pure: no database, no clock. The input is what `figures.daily_series` answers — per key
(a unit, a hexagonal cell, a matter type) a mapping day → count, absent days being 0.

The rule, for the window of `window_days` days ending on `last`:

* **Baseline.** The same window shifted back by whole weeks, `baseline_weeks` times
  (1, 2, … weeks earlier). A shift by whole weeks keeps the same weekdays in every
  window, so a unit that is busy every Monday is compared with its own Mondays and weekly
  rhythm is never taken for a surge. Weeks before `history_start` (before the platform
  had data) are left out; fewer than `min_baseline_weeks` of them and the key is not judged.
* **Robust z-score.** `z = (current − median) / scale` where `median` is the median of
  the baseline windows and `scale` the larger of 1.4826 · MAD (the robust standard
  deviation), √median (the noise of a Poisson count of that size: reports arrive one by
  one, so a series that happened to be very regular does not make a small rise look
  large) and 1 (so that a flat zero series is not infinitely sensitive).
* **A surge** is `z ≥ z_threshold` and at least `min_current` reports in the window and
  at least `min_excess` more than the median and, when the median is not 0, `current ≥
  min_ratio × median`. The floors keep small numbers quiet: a grid going from 0 to 2
  reports a week is not a warning.
* **Since when.** A change point by CUSUM: each day's excess over its own expected value
  (the mean of the same weekday in the baseline weeks, plus an allowance of half a Poisson
  standard deviation) is summed backwards from `last`; the start of the run with the
  largest sum within `since_lookback_days` is the first day of the surge.

`expected_low`–`expected_high` is the range of window counts the rule considers normal
(median ± z_threshold · scale, never below 0).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

Series = Mapping[date, int]
MAD_TO_SD = 1.4826  # MAD × this estimates the standard deviation of a normal sample


@dataclass(frozen=True)
class SurgeRules:
    """The thresholds of one kind of surge (see the module's docstring and
    `docs/analytics.md` for why these values)."""

    window_days: int = 7
    baseline_weeks: int = 8
    min_baseline_weeks: int = 4
    z_threshold: float = 3.5
    min_current: int = 5
    min_excess: int = 3
    min_ratio: float = 1.5
    since_lookback_days: int = 28

    def __post_init__(self) -> None:
        if not 1 <= self.window_days <= 7:
            raise ValueError("the window is one to seven days (baseline windows are whole "
                             "weeks apart and must not overlap)")
        if not 1 <= self.min_baseline_weeks <= self.baseline_weeks:
            raise ValueError("min_baseline_weeks must be between 1 and baseline_weeks")

    @property
    def days_needed(self) -> int:
        """How many days of series ending on `last` the rule reads."""
        return max(self.window_days + 7 * self.baseline_weeks,
                   self.since_lookback_days + 7 * self.baseline_weeks)

    def first_day(self, last: date) -> date:
        return last - timedelta(days=self.days_needed - 1)


@dataclass(frozen=True)
class Judgement:
    """What the rule found for one key, surge or not."""

    key: Hashable
    first: date           # the window, inclusive
    last: date
    current: int          # reports in the window
    baseline: float       # median of the baseline windows
    scale: float
    expected_low: int
    expected_high: int
    z: float
    ratio: float | None   # current / baseline; None when the baseline is 0
    weeks: int            # baseline windows used
    since: date | None    # first day of the current run above baseline (surges only)
    surge: bool



def _count(series: Series, day: date) -> int:
    return int(series.get(day, 0) or 0)


def _window_total(series: Series, last: date, days: int) -> int:
    return sum(_count(series, last - timedelta(days=i)) for i in range(days))


def _baseline(series: Series, last: date, rules: SurgeRules,
              history_start: date | None) -> list[int]:
    totals = []
    for week in range(1, rules.baseline_weeks + 1):
        end = last - timedelta(days=7 * week)
        start = end - timedelta(days=rules.window_days - 1)
        if history_start is not None and start < history_start:
            break
        totals.append(_window_total(series, end, rules.window_days))
    return totals


def _scale(values: list[int], centre: float) -> float:
    mad = median(abs(v - centre) for v in values)
    return max(MAD_TO_SD * mad, math.sqrt(max(centre, sum(values) / len(values)) + 1))


def surge_since(series: Series, *, last: date, rules: SurgeRules,
                history_start: date | None = None) -> date | None:
    """The first day of the current run above the key's own daily baseline (a CUSUM change
    point): the start of the suffix, ending on `last`, whose summed excess is largest.

    A day's excess is its count less its expected count (the mean of the same weekday in
    the baseline weeks) less an allowance of half a Poisson standard deviation, so that
    the ordinary ups and downs before a surge do not add up into an earlier start. None when
    no suffix has a positive excess."""
    best, best_sum, running = None, 0.0, 0.0
    for back in range(rules.since_lookback_days):
        day = last - timedelta(days=back)
        if history_start is not None and day < history_start:
            break
        same_weekdays = [_count(series, day - timedelta(days=7 * w))
                         for w in range(1, rules.baseline_weeks + 1)
                         if history_start is None
                         or day - timedelta(days=7 * w) >= history_start]
        expected = sum(same_weekdays) / len(same_weekdays) if same_weekdays else 0.0
        running += _count(series, day) - expected - 0.5 * math.sqrt(max(expected, 1.0))
        if running > best_sum:  # strictly: of equal sums, the later (shorter) run
            best, best_sum = day, running
    return best


def surge_judge(key: Hashable, series: Series, *, last: date, rules: SurgeRules,
                history_start: date | None = None) -> Judgement | None:
    """The rule applied to one key's series; None when it has too little history."""
    baseline = _baseline(series, last, rules, history_start)
    if len(baseline) < rules.min_baseline_weeks:
        return None
    current = _window_total(series, last, rules.window_days)
    centre = float(median(baseline))
    scale = _scale(baseline, centre)
    z = (current - centre) / scale
    ratio = None if centre == 0 else current / centre
    surge = (z >= rules.z_threshold and current >= rules.min_current
             and current - centre >= rules.min_excess
             and (ratio is None or ratio >= rules.min_ratio))
    return Judgement(
        key=key, first=last - timedelta(days=rules.window_days - 1), last=last,
        current=current, baseline=centre, scale=scale,
        expected_low=max(0, math.ceil(centre - rules.z_threshold * scale)),
        expected_high=math.floor(centre + rules.z_threshold * scale),
        z=z, ratio=ratio, weeks=len(baseline),
        since=surge_since(series, last=last, rules=rules, history_start=history_start)
        if surge else None,
        surge=surge)


def surges_find(series_by_key: Mapping[Hashable, Series], *, last: date,
                rules: SurgeRules = SurgeRules(),
                history_start: date | None = None) -> list[Judgement]:
    """The surging keys, the largest z first (ties by key for a stable order)."""
    found = [j for key, series in series_by_key.items()
             if (j := surge_judge(key, series, last=last, rules=rules,
                                  history_start=history_start)) is not None and j.surge]
    return sorted(found, key=lambda j: (-j.z, str(j.key)))

