"""The hand-built March (`scenario.py`) made ready for a report: the sweep and the nightly
deductions run at the start of April, and one case reported in the last week of February
(the previous week and month of the reports of 2 March)."""

from __future__ import annotations

from datetime import datetime

from huying.analytics.rollups import rollups_refresh_queued
from huying.analytics.tests.scenario import AFTER_MARCH, MARCH, TZ, Scenario, build_march
from huying.assessment.services import deductions_from_facts
from huying.cases.tests.conftest import report
from huying.supervision.sweep import sweep_run
from tests.factories import World

FEBRUARY_CASE_AT = datetime(2026, 2, 25, 10, 0, tzinfo=TZ)


def build_report_month(world: World) -> Scenario:
    scenario = build_march(world)
    scenario.cases["FEB"] = report(world, now=FEBRUARY_CASE_AT)
    sweep_run(now=AFTER_MARCH)
    deductions_from_facts(county=world.county, start=MARCH[0], end=MARCH[1], now=AFTER_MARCH)
    rollups_refresh_queued(now=AFTER_MARCH)
    return scenario
