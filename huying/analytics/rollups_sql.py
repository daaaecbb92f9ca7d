"""Rebuilding the rollups inside PostgreSQL: the tables and memos `rollups_rebuild` writes,
by one INSERT … SELECT … GROUP BY per table instead of a contribution per case in Python.

`rollups_rebuild` holds every bucket and every memo of the county in memory and computes
about two thousand cases a second: hours and gigabytes at a city's ten million cases. Here
the database does the work in a few minutes per million, reading each table once.

`contribution.py` stays the definition of every count: this module restates each measure
as SQL (`CASE_SQL`, `ASSIGNMENT_SQL`, and the outcome rows), and
`tests/test_rollups_sql.py` proves on PostgreSQL that the tables and the memos it writes
equal those of the Python rebuild, bucket for bucket and case for case. The two things SQL
cannot compute are computed in Python and handed over in temporary tables: the H3 cell of
each distinct point (`cell_of`), and the working time of each replied lead assignment (the
working calendar, holidays included).

It relies on what `supervision.sla.clocks_start` guarantees: one clock per assignment and
metric (the contribution reads "the" sign clock of an assignment).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from huying.analytics import models as tables
from huying.analytics.contribution import NOT_ACCEPTED, OPEN_ASSIGNMENT, cell_of
from huying.analytics.models import ASSIGNMENT_MEASURES, CASE_MEASURES, OUTCOME_MEASURES
from huying.analytics.rollups import BOUNCED_CALL, TABLES, Contributor
from huying.cases.models import AssignmentStatus, CaseLevel, CaseStatus, Rating
from huying.cases.states import DONE_CASE, OPEN_CASE
from huying.citizens.models import CitizenRatingChoice
from huying.supervision.models import ClockState

Say = Callable[[str], None]
# Rows fetched and copied per round trip when Python computes cells and working times.
BATCH = 20_000


def _in(column: str, values: Iterable[str], *, negate: bool = False) -> str:
    listed = ", ".join(f"'{value}'" for value in sorted(str(v) for v in values))
    return f"{column} {'NOT IN' if negate else 'IN'} ({listed})"


# What each case measure is, as a condition on the case row `c` and its assignments' summary
# `s` (see `_FACTS_SQL`). Keys must be exactly CASE_MEASURES (checked below).
_ACCEPTED = _in("c.status", NOT_ACCEPTED, negate=True)
CASE_SQL: dict[str, str] = {
    "received": "TRUE",
    "accepted": _ACCEPTED,
    "rejected": f"c.status = '{CaseStatus.REJECTED}'",
    "merged": f"c.status = '{CaseStatus.MERGED}'",
    "resolved": f"c.status = '{CaseStatus.RESOLVED}'",
    "resolved_grid": f"c.status = '{CaseStatus.RESOLVED}' AND c.level = '{CaseLevel.GRID}'",
    "resolved_community": (f"c.status = '{CaseStatus.RESOLVED}' "
                           f"AND c.level = '{CaseLevel.COMMUNITY}'"),
    "resolved_town": f"c.status = '{CaseStatus.RESOLVED}' AND c.level = '{CaseLevel.TOWN}'",
    "transferred": (f"{_ACCEPTED} AND (c.level <> '{CaseLevel.GRID}' "
                    "OR c.dispatched_at IS NOT NULL)"),
    "called": "c.called_by_id IS NOT NULL",
    "call_approved": f"c.called_by_id IS NOT NULL AND c.level = '{CaseLevel.COUNTY}'",
    "call_bounced": "c.called_by_id IS NOT NULL AND b.case_id IS NOT NULL",
    "dispatched": "c.dispatched_at IS NOT NULL",
    "dispatch_accurate": "c.dispatched_at IS NOT NULL AND NOT coalesce(s.any_returned, FALSE)",
    "signed": "coalesce(s.lead_signed, FALSE)",
    "responded": "coalesce(s.lead_responded, FALSE)",
    "replied": "c.replied_at IS NOT NULL",
    "closed": f"c.status = '{CaseStatus.CLOSED}'",
    "done": _in("c.status", DONE_CASE),
    "open": _in("c.status", OPEN_CASE),
    "overdue": f"{_in('c.status', OPEN_CASE)} AND coalesce(s.overdue_now, FALSE)",
    "sensitive": "c.sensitive",
    "urgent": "c.urgent",
    **{f"status_{status}": f"c.status = '{status}'" for status in CaseStatus.values},
}

# Each assignment measure as a condition on an assignment row `a` of `rb_assignment`.
_RETURNED = f"a.status = '{AssignmentStatus.RETURNED}'"
_OPEN_ASSIGNMENT = _in("a.status", OPEN_ASSIGNMENT)
ASSIGNMENT_SQL: dict[str, str] = {
    "dispatched_all": "TRUE",
    "returned": _RETURNED,
    "cancelled": f"a.status = '{AssignmentStatus.CANCELLED}'",
    "dispatched": f"NOT {_RETURNED}",
    "signed": f"NOT {_RETURNED} AND coalesce(a.sign_stopped, FALSE)",
    "signed_on_time": f"NOT {_RETURNED} AND coalesce(a.sign_met, FALSE)",
    "responded": f"NOT {_RETURNED} AND coalesce(a.respond_stopped, FALSE)",
    "responded_on_time": f"NOT {_RETURNED} AND coalesce(a.respond_met, FALSE)",
    "replied": f"a.status = '{AssignmentStatus.REPLIED}'",
    "replied_on_time": (f"a.status = '{AssignmentStatus.REPLIED}' "
                        "AND coalesce(a.complete_met, FALSE)"),
    "open": _OPEN_ASSIGNMENT,
    "pending": f"a.status = '{AssignmentStatus.PENDING}'",
    "overdue": f"{_OPEN_ASSIGNMENT} AND a.any_overdue",
}

if set(CASE_SQL) != set(CASE_MEASURES) or set(ASSIGNMENT_SQL) != set(ASSIGNMENT_MEASURES):
    raise ImportError("rollups_sql.py must define every rollup measure: a measure was added "
                      "to analytics/models.py without its SQL")

_STOPPED = f"state = '{ClockState.STOPPED}'"
_MET = f"{_STOPPED} AND stopped_at IS NOT NULL AND stopped_at <= due_at"
_LATE = f"{_STOPPED} AND stopped_at IS NOT NULL AND stopped_at > due_at"

# One row per assignment with what its clocks say (a clock's facts as `ClockFacts`).
_ASSIGNMENTS_SQL = f"""
CREATE TEMP TABLE rb_assignment ON COMMIT DROP AS
SELECT a.id, a.case_id, a.department_id, a.role, a.cycle, a.status, a.dispatched_at,
       a.signed_at, a.replied_at, k.sign_stopped, k.sign_met, k.respond_stopped,
       k.respond_met, k.complete_met, k.complete_late, coalesce(k.any_overdue, FALSE)
       AS any_overdue
FROM cases_assignment a
LEFT JOIN (
    SELECT assignment_id,
           bool_or({_STOPPED}) FILTER (WHERE metric = 'sign') AS sign_stopped,
           bool_or({_MET}) FILTER (WHERE metric = 'sign') AS sign_met,
           bool_or({_STOPPED}) FILTER (WHERE metric = 'respond') AS respond_stopped,
           bool_or({_MET}) FILTER (WHERE metric = 'respond') AS respond_met,
           bool_or({_MET}) FILTER (WHERE metric = 'complete') AS complete_met,
           bool_or({_LATE}) FILTER (WHERE metric = 'complete') AS complete_late,
           bool_or(breached_at IS NOT NULL AND NOT {_STOPPED}) AS any_overdue
    FROM supervision_slaclock GROUP BY assignment_id
) k ON k.assignment_id = a.id
"""

# The department answerable for each cycle of a case (`_lead_of_cycle`): its newest lead not
# returned or cancelled; of two dispatched at the same instant, the first created.
_LEADS_SQL = f"""
CREATE TEMP TABLE rb_lead ON COMMIT DROP AS
SELECT DISTINCT ON (case_id, cycle) case_id, cycle, department_id
FROM rb_assignment
WHERE role = 'lead'
  AND {_in('status', (AssignmentStatus.RETURNED, AssignmentStatus.CANCELLED), negate=True)}
ORDER BY case_id, cycle, dispatched_at DESC, id
"""

_SUMMARY_SQL = f"""
SELECT a.case_id,
       bool_or(a.role = 'lead' AND a.signed_at IS NOT NULL) AS lead_signed,
       bool_or(a.role = 'lead' AND (coalesce(a.respond_stopped, FALSE)
                                    OR a.replied_at IS NOT NULL)) AS lead_responded,
       bool_or({_RETURNED}) AS any_returned,
       bool_or(a.role = 'lead' AND coalesce(a.complete_late, FALSE)) AS lead_late,
       bool_or(a.cycle = c.cycle AND a.any_overdue) AS overdue_now
FROM rb_assignment a JOIN cases_case c ON c.id = a.case_id
GROUP BY a.case_id
"""


def _day(column: str, tz: str) -> str:
    return f"({column} AT TIME ZONE '{tz}')::date"


def _facts_sql(tz: str) -> str:
    """One row per case: its keys and every case measure as 0 or 1."""
    measures = ",\n       ".join(f"({sql})::int AS {name}" for name, sql in CASE_SQL.items())
    return f"""
CREATE TEMP TABLE rb_case ON COMMIT DROP AS
SELECT c.id, c.county_id, {_day('c.reported_at', tz)} AS day,
       coalesce(c.town_id, 0) AS town_id, coalesce(c.community_id, 0) AS community_id,
       coalesce(c.grid_id, 0) AS grid_id, coalesce(c.unit_id, 0) AS unit_id, c.channel,
       coalesce(c.matter_type_id, 0) AS matter_type_id, coalesce(c.colour, '') AS colour,
       coalesce(cell.cell, '') AS cell, c.status, c.cycle, c.closed_at,
       c.dispatched_at IS NOT NULL AS was_dispatched, coalesce(s.lead_late, FALSE) AS late,
       {measures}
FROM cases_case c
LEFT JOIN ({_SUMMARY_SQL}) s ON s.case_id = c.id
LEFT JOIN (SELECT DISTINCT case_id FROM cases_caseevent
           WHERE {_in('action', BOUNCED_CALL)}) b ON b.case_id = c.id
LEFT JOIN rb_cell cell ON cell.longitude = c.longitude AND cell.latitude = c.latitude
"""


def _department_sql(tz: str) -> str:
    measures = ",\n       ".join(f"({sql})::int AS {name}"
                                 for name, sql in ASSIGNMENT_SQL.items())
    return f"""
CREATE TEMP TABLE rb_department ON COMMIT DROP AS
SELECT a.case_id, c.county_id, {_day('a.dispatched_at', tz)} AS day, c.town_id,
       a.department_id, a.role, c.matter_type_id,
       {measures}
FROM rb_assignment a JOIN rb_case c ON c.id = a.case_id
"""


def _outcome_row(conditions: dict[str, str], amounts: dict[str, str] | None = None) -> str:
    """Every outcome measure of one row: 1 where its condition holds, the amount, or 0."""
    amounts = amounts or {}

    def value(name: str) -> str:
        if name in amounts:
            return f"({amounts[name]})::bigint"
        if name in conditions:
            return f"({conditions[name]})::int::bigint"
        return "0::bigint"
    return ", ".join(f"{value(name)} AS {name}" for name in OUTCOME_MEASURES)


def _outcome_sql(tz: str) -> str:
    """One row per closure, evaluation, citizen's rating and lead reply (the outcome rows of
    `contribution`), each on the day it happened, under the cycle's lead department."""
    lapsed = "e.automatic"
    made = "NOT e.automatic"
    ratings = {Rating.VERY_SATISFIED: "eval_very_satisfied", Rating.SATISFIED: "eval_satisfied",
               Rating.BASICALLY_SATISFIED: "eval_basic", Rating.UNSATISFIED: "eval_unsatisfied"}
    citizen = {CitizenRatingChoice.SATISFIED: "citizen_satisfied",
               CitizenRatingChoice.BASICALLY_SATISFIED: "citizen_basic",
               CitizenRatingChoice.UNSATISFIED: "citizen_unsatisfied"}
    closure = _outcome_row({"closed": "TRUE", "closed_dispatched": "c.was_dispatched",
                            "closed_on_time": "c.was_dispatched AND NOT c.late"})
    evaluation = _outcome_row({"evaluated": "TRUE", "evaluated_by_town": made,
                               "eval_lapsed": lapsed,
                               **{column: f"{made} AND e.rating = '{rating}'"
                                  for rating, column in ratings.items()}})
    rating = _outcome_row({"citizen_rated": "TRUE",
                           **{column: f"r.rating = '{value}'"
                              for value, column in citizen.items()}})
    reply = _outcome_row({"lead_replied": "TRUE"}, {"handling_seconds": "h.seconds"})
    keys = ("c.id AS case_id, c.county_id, {day} AS day, c.town_id, "
            "{department} AS department_id, c.matter_type_id")
    return f"""
CREATE TEMP TABLE rb_outcome ON COMMIT DROP AS
SELECT {keys.format(day=_day('c.closed_at', tz), department='coalesce(l.department_id, 0)')},
       {closure}
FROM rb_case c LEFT JOIN rb_lead l ON l.case_id = c.id AND l.cycle = c.cycle
WHERE c.status = '{CaseStatus.CLOSED}' AND c.closed_at IS NOT NULL
UNION ALL
SELECT {keys.format(day=_day('e.evaluated_at', tz), department='coalesce(l.department_id, 0)')},
       {evaluation}
FROM cases_evaluation e JOIN rb_case c ON c.id = e.case_id
LEFT JOIN rb_lead l ON l.case_id = e.case_id AND l.cycle = e.cycle
UNION ALL
SELECT {keys.format(day=_day('r.rated_at', tz), department='coalesce(l.department_id, 0)')},
       {rating}
FROM citizens_citizenrating r JOIN rb_case c ON c.id = r.case_id
LEFT JOIN rb_lead l ON l.case_id = r.case_id AND l.cycle = r.cycle
UNION ALL
SELECT {keys.format(day=_day('a.replied_at', tz), department='a.department_id')},
       {reply}
FROM rb_handling h JOIN rb_assignment a ON a.id = h.assignment_id
JOIN rb_case c ON c.id = a.case_id
"""


# Where each table's rows come from: the source temporary table, and the SQL of each key
# column (a month table's day is the first of its month).
_MONTH = "date_trunc('month', day)::date"
_SOURCES: dict[str, tuple[str, dict[str, str]]] = {
    "CountyDay": ("rb_case", {}),
    "FlowDay": ("rb_case", {}),
    "FlowMonth": ("rb_case", {"day": _MONTH}),
    "PlaceDay": ("rb_case", {}),
    "PlaceMonth": ("rb_case", {"day": _MONTH}),
    "CellDay": ("rb_case", {}),
    "CellMonth": ("rb_case", {"day": _MONTH}),
    "DepartmentDay": ("rb_department", {}),
    "OutcomeDay": ("rb_outcome", {}),
}
_WHERE = {"CellDay": "cell <> ''", "CellMonth": "cell <> ''"}


def _key_sql(name: str) -> list[str]:
    model = TABLES[name]
    expressions = _SOURCES[name][1]
    return [expressions.get(column, column) for column in model.KEY]


def _table_sql(name: str) -> str:
    model = TABLES[name]
    source = _SOURCES[name][0]
    quote = connection.ops.quote_name
    keys = _key_sql(name)
    columns = ", ".join(quote(c) for c in (*model.KEY, *model.MEASURES))
    sums = ", ".join(f"sum({m})" for m in model.MEASURES)
    where = f"WHERE {_WHERE[name]}" if name in _WHERE else ""
    return (f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
            f"SELECT {', '.join(keys)}, {sums} FROM {source} {where} "
            f"GROUP BY {', '.join(keys)}")


def _measures_text(measures: Iterable[str], value: Callable[[str], str]) -> str:
    """The JSON text of a bucket's measures without its zeros (as `entries_to_json`)."""
    pairs = ", ".join(f"CASE WHEN {value(m)} <> 0 THEN '\"{m}\": ' || {value(m)} END"
                      for m in measures)
    return f"'{{' || concat_ws(', ', {pairs}) || '}}'"


def _key_text(name: str) -> str:
    """The JSON text of a bucket's key: ids as numbers, the day as YYYY-MM-DD."""
    parts = []
    for column, sql in zip(TABLES[name].KEY, _key_sql(name), strict=True):
        field = TABLES[name]._meta.get_field(column)
        if column == "day":
            parts.append(f"'\"' || to_char({sql}, 'YYYY-MM-DD') || '\"'")
        elif field.get_internal_type() == "CharField":
            parts.append(f"to_json({sql})::text")
        else:
            parts.append(f"{sql}::text")
    joined = " || ', ' || ".join(parts)
    return f"'[' || {joined} || ']'"


def _entry_text(name: str, measures: str) -> str:
    return f"'[\"{name}\", ' || {_key_text(name)} || ', ' || {measures} || ']'"


def _memos_sql() -> str:
    """Each case's contribution as `RollupMemo.entries`: one entry per case table (the same
    measures in each), and its assignments' and outcomes' buckets summed per key. Written as
    JSON text and parsed once per case: building it with the jsonb functions re-encodes every
    nested value at each level, several times slower. (OFFSET 0 keeps the planner from
    pulling the subquery up, which would build the measures once per table.)"""
    case_entries = " || ', ' || ".join(
        _entry_text(name, "m.measures")
        for name in ("CountyDay", "FlowDay", "FlowMonth", "PlaceDay", "PlaceMonth"))
    case_measures = _measures_text(CASE_MEASURES, lambda m: m)

    def gathered(name: str) -> str:
        source = _SOURCES[name][0]
        keys = ", ".join(_key_sql(name))
        measures = _measures_text(TABLES[name].MEASURES, lambda m: f"sum({m})")
        return (f"SELECT case_id, string_agg(entry, ', ') AS entries FROM "
                f"(SELECT case_id, {_entry_text(name, measures)} AS entry FROM {source} "
                f"GROUP BY case_id, {keys}) p GROUP BY case_id")

    return f"""
INSERT INTO {tables.RollupMemo._meta.db_table} (case_id, entries, computed_at)
SELECT m.id,
       ('[' || concat_ws(', ', {case_entries},
                         CASE WHEN m.cell <> '' THEN {_entry_text('CellDay', 'm.measures')} END,
                         CASE WHEN m.cell <> '' THEN {_entry_text('CellMonth', 'm.measures')}
                              END,
                         d.entries, o.entries) || ']')::jsonb,
       %s
FROM (SELECT *, {case_measures} AS measures FROM rb_case OFFSET 0) m
LEFT JOIN ({gathered('DepartmentDay')}) d ON d.case_id = m.id
LEFT JOIN ({gathered('OutcomeDay')}) o ON o.case_id = m.id
"""


def _copy_computed(cursor, select: str, table: str, compute: Callable[[tuple], tuple | None]
                   ) -> int:
    """Stream `select` through `compute` into the temporary `table`, a batch at a time (the
    server-side cursor and the COPY take turns on the one connection)."""
    raw = cursor.cursor.connection
    written = 0
    with raw.cursor(name=f"{table}_source") as source:
        source.execute(select)
        while rows := source.fetchmany(BATCH):
            out = [row for row in map(compute, rows) if row is not None]
            with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                for row in out:
                    copy.write_row(row)
            written += len(out)
    return written


def rollups_rebuild_sql(*, now: datetime, say: Say = lambda _text: None) -> int:
    """Empty the tables and the memos and fill them again from the cases, in the database
    (PostgreSQL only). Answers the number of cases. Like `rollups_rebuild` it runs in one
    transaction, deleting rather than truncating so that readers keep the old figures until
    the commit; stop writes meanwhile."""
    if connection.vendor != "postgresql":
        raise NotImplementedError("the SQL rebuild of the rollups needs PostgreSQL")
    tz = settings.TIME_ZONE
    contributor = Contributor.now()
    with transaction.atomic(), connection.cursor() as cursor:
        # Sorts and hashes of a million rows: enough memory to keep them off the disk, for
        # this transaction only.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        for model in [*TABLES.values(), tables.RollupMemo, tables.RollupQueue]:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
        say(_("cells of the points"))
        cursor.execute("CREATE TEMP TABLE rb_cell (longitude float8, latitude float8, "
                       "cell varchar(16), PRIMARY KEY (longitude, latitude)) ON COMMIT DROP")

        def cell(row: tuple) -> tuple | None:
            found = cell_of(*row)
            return (*row, found) if found else None

        _copy_computed(cursor, "SELECT DISTINCT longitude, latitude FROM cases_case "
                       "WHERE longitude IS NOT NULL AND latitude IS NOT NULL", "rb_cell", cell)
        cursor.execute("ANALYZE rb_cell")
        say(_("working time of the replied lead assignments"))
        cursor.execute("CREATE TEMP TABLE rb_handling (assignment_id bigint PRIMARY KEY, "
                       "seconds bigint) ON COMMIT DROP")
        _copy_computed(
            cursor, "SELECT id, dispatched_at, replied_at FROM cases_assignment "
            f"WHERE role = 'lead' AND status = '{AssignmentStatus.REPLIED}' "
            "AND replied_at IS NOT NULL", "rb_handling",
            lambda row: (row[0], round(contributor.working_seconds(row[1], row[2]))))
        say(_("assignments and their clocks"))
        cursor.execute(_ASSIGNMENTS_SQL)
        cursor.execute(_LEADS_SQL)
        say(_("the cases' counts"))
        cursor.execute(_facts_sql(tz))
        cursor.execute("ANALYZE rb_case")
        cursor.execute(_department_sql(tz))
        cursor.execute(_outcome_sql(tz))
        for name in TABLES:
            say(_("table %(table)s") % {"table": name})
            cursor.execute(_table_sql(name))
        say(_("the memos of the incremental refresh"))
        cursor.execute(_memos_sql(), [now])
        cursor.execute("SELECT count(*) FROM rb_case")
        count = cursor.fetchone()[0]
    return count
