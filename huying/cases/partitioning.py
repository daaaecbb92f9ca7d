"""Monthly partitions of the case record (`cases_caseevent`, by `at`), kept by pg_partman.

Opt-in and PostgreSQL only (`huying partition setup`). The record suits partitioning: it is
append-only (the triggers of migration 0002 refuse UPDATE and DELETE), read per case or by
time, and one table is all that references it. `cases_case` is not partitioned: about twenty
foreign keys point at it, and Django 5.2 has no composite foreign keys (docs/operations.md).

What the conversion changes, and why each is still sound:
- The primary key becomes (id, at) and the unique (case_id, seq) becomes (case_id, seq, at),
  under their old names: PostgreSQL refuses a unique constraint on a partitioned table that
  leaves out the partition key. `id` stays unique because only its sequence fills it; two
  events with one (case, seq) cannot be written because `event_append` runs with the case
  row locked, and a forged duplicate would break the hash chain (`huying audit verify`).
- A foreign key cannot reference (id) alone any more, so the one that did
  (`notifications_sourceupdate.event_id`) becomes a deferred constraint trigger under the
  same name that checks the event exists when a row is written. That is all a foreign key
  does here: the events it points at can never be updated or deleted.
- Month boundaries are midnight UTC (08:00 in Beijing on the 1st), whatever the server's time
  zone: maintenance computes the next month from the last one in its session's time zone,
  so every run must use the same zone, and UTC is what Django's connections use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection, transaction
from django.utils.translation import gettext_noop

TABLE = "cases_caseevent"
KEY = "at"
OLD = "cases_caseevent_unpartitioned"
PREMAKE = 4  # months made ahead; maintenance keeps it so

# Checks, for a referencing row, that the case event it names exists (TG_ARGV[0]: the column).
REFERENCE_CHECK = f"""
CREATE OR REPLACE FUNCTION huying_case_event_exists() RETURNS trigger AS $$
DECLARE
    ref bigint;
BEGIN
    EXECUTE format('SELECT ($1).%I', TG_ARGV[0]) USING NEW INTO ref;
    IF ref IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {TABLE} WHERE id = ref) THEN
        RAISE EXCEPTION 'insert or update on table "%" violates foreign key "%"',
            TG_TABLE_NAME, TG_NAME
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('Key (%s)=(%s) is not present in table "{TABLE}".',
                                  TG_ARGV[0], ref);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


class PartitioningUnavailable(Exception):
    """Partitioning cannot be set up here (not PostgreSQL, or pg_partman missing)."""


@dataclass(frozen=True)
class Partition:
    name: str
    bounds: str  # PostgreSQL's own text: FOR VALUES FROM (…) TO (…), or DEFAULT
    rows: int


def _one(sql: str, params: list | None = None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        row = cursor.fetchone()
    return row[0] if row else None


def _all(sql: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def _run(*statements: str) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def partitioning_active() -> bool:
    """Whether the case record is a partitioned table now."""
    if connection.vendor != "postgresql":
        return False
    return _one("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE]) == "p"


def _partman_schema() -> str | None:
    return _one("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n"
                " ON n.oid = e.extnamespace WHERE e.extname = 'pg_partman'")


def partitioning_check() -> None:
    """Raise PartitioningUnavailable unless this database could be partitioned."""
    if connection.vendor != "postgresql":
        raise PartitioningUnavailable("not_postgresql")
    if not _one("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_partman'"):
        raise PartitioningUnavailable("no_partman")


def caseevents_partition(*, premake: int = PREMAKE,
                         progress: Callable[[str, dict], None] = lambda msg, params: None
                         ) -> bool:
    """Convert the case record into a table partitioned by month of `at`, managed by
    pg_partman, in one transaction: every row, the id sequence's state, every index and
    constraint under its name (unique ones with `at` added), the append-only triggers.
    False, changing nothing, when it is partitioned already. `progress(message, params)` is
    told each step (English text with %-params, translated by the caller)."""
    partitioning_check()
    if partitioning_active():
        return False
    with transaction.atomic():
        # Deferred foreign-key checks still pending in the caller's transaction would forbid
        # the ALTERs: run them now (a command starts with none).
        _run("SET LOCAL TIME ZONE 'UTC'", "SET CONSTRAINTS ALL IMMEDIATE")
        # Writers wait here rather than append to a table about to be copied and dropped.
        _run(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        if partitioning_active():  # another setup got there while we waited for the lock
            return False
        schema = _partman_schema()
        if schema is None:
            schema = "partman"
            _run(f"CREATE SCHEMA IF NOT EXISTS {schema}",
                 f"CREATE EXTENSION pg_partman SCHEMA {schema}")
            progress(gettext_noop("Created the pg_partman extension in schema %(schema)s."),
                     {"schema": schema})
        table_schema = _one("SELECT current_schema()")
        parent = f"{table_schema}.{TABLE}"
        rows, first = _all(f"SELECT count(*), min({KEY}) FROM {TABLE}")[0]
        progress(gettext_noop("%(rows)d case events to move."), {"rows": rows})

        shape = _shape()
        sequence = _one("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
        last_value, is_called = _all(f"SELECT last_value, is_called FROM {sequence}")[0]

        # Free the names the new table takes: the old one keeps only its rows and columns.
        for table, name, _definition in shape.incoming:
            _run(f"ALTER TABLE {_q(table)} DROP CONSTRAINT {_q(name)}")
        for name, _columns, _kind in shape.unique:
            _run(f"ALTER TABLE {TABLE} DROP CONSTRAINT {_q(name)}")
        for name, _definition in shape.indexes:
            _run(f"DROP INDEX {_q(name)}")
        _run(f"ALTER TABLE {TABLE} RENAME TO {OLD}",
             f"ALTER SEQUENCE {sequence} RENAME TO {OLD}_id_seq",
             f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING CONSTRAINTS"
             f" INCLUDING IDENTITY INCLUDING STORAGE INCLUDING COMMENTS)"
             f" PARTITION BY RANGE ({KEY})")

        # From the first event's month; an empty record starts `premake` months back, so that
        # events dated a little in the past (a simulation, an import) still find their month.
        start = _month_start(first.astimezone(UTC) if first else datetime.now(UTC), 0 if first
                             else -premake)
        _all(f"SELECT {schema}.create_parent(p_parent_table => %s, p_control => %s,"
             f" p_type => 'native', p_interval => 'monthly', p_premake => %s,"
             f" p_start_partition => %s, p_jobmon => false)",
             [parent, KEY, premake, start])
        _run(f"UPDATE {schema}.part_config SET infinite_time_partitions = true,"
             f" retention = NULL WHERE parent_table = '{parent}'")
        made = _one(f"SELECT count(*) FROM pg_inherits WHERE inhparent = '{TABLE}'::regclass")
        progress(gettext_noop("Created %(n)d partitions (one a month from %(start)s,"
                              " and a default)."),
                 {"n": made, "start": start})

        _run(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")
        progress(gettext_noop("Copied %(rows)d case events into their months."), {"rows": rows})

        # Indexes and checks after the copy: one build per partition instead of row by row.
        for name, columns, kind in shape.unique:
            if KEY not in columns:
                columns = [*columns, KEY]
            cols = ", ".join(_q(c) for c in columns)
            _run(f"ALTER TABLE {TABLE} ADD CONSTRAINT {_q(name)} {kind} ({cols})")
        for _name, definition in shape.indexes:
            _run(definition)
        for name, definition in shape.outgoing:
            _run(f"ALTER TABLE {TABLE} ADD CONSTRAINT {_q(name)} {definition}")
        for definition in shape.triggers:
            _run(definition)
        progress(gettext_noop("Rebuilt %(indexes)d indexes, %(keys)d foreign keys and"
                              " %(triggers)d triggers."),
                 {"indexes": len(shape.unique) + len(shape.indexes),
                  "keys": len(shape.outgoing), "triggers": len(shape.triggers)})

        if shape.incoming:
            _run(REFERENCE_CHECK)
        for table, name, column in shape.incoming:
            _run(f"CREATE CONSTRAINT TRIGGER {_q(name)} AFTER INSERT OR UPDATE OF {_q(column)}"
                 f" ON {_q(table)} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
                 f" EXECUTE FUNCTION huying_case_event_exists('{column}')")

        _run(f"DROP TABLE {OLD}")
        new_sequence = _one("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
        _all("SELECT setval(%s, %s, %s)", [new_sequence, last_value, is_called])
        _run(f"ANALYZE {TABLE}")
        progress(gettext_noop("Case events are partitioned by month; the next id is"
                              " %(next)d."), {"next": last_value + int(is_called)})
    return True


def _month_start(instant: datetime, months: int) -> str:
    index = instant.year * 12 + instant.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}-01"


@dataclass(frozen=True)
class _Shape:
    unique: list[tuple[str, list[str], str]]  # name, columns, "PRIMARY KEY" or "UNIQUE"
    indexes: list[tuple[str, str]]  # name, CREATE INDEX …
    outgoing: list[tuple[str, str]]  # name, FOREIGN KEY … REFERENCES …
    incoming: list[tuple[str, str, str]]  # referencing table, constraint name, its column
    triggers: list[str]  # CREATE TRIGGER …


def _shape() -> _Shape:
    """What the plain table has that a LIKE copy does not: read from the catalogue, so an
    index or constraint a later migration added is carried over too."""
    unique = [(name, list(columns), "PRIMARY KEY" if kind == "p" else "UNIQUE")
              for name, kind, columns in _all(
                  "SELECT c.conname, c.contype, array_agg(a.attname ORDER BY k.n)"
                  " FROM pg_constraint c CROSS JOIN unnest(c.conkey) WITH ORDINALITY k(num, n)"
                  " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num"
                  " WHERE c.conrelid = %s::regclass AND c.contype IN ('p', 'u')"
                  " GROUP BY c.conname, c.contype ORDER BY c.contype, c.conname", [TABLE])]
    indexes = _all("SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x"
                   " JOIN pg_class i ON i.oid = x.indexrelid"
                   " WHERE x.indrelid = %s::regclass AND NOT EXISTS (SELECT 1 FROM"
                   " pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid ="
                   " x.indrelid) ORDER BY i.relname", [TABLE])
    unsupported = [name for name, definition in indexes if " UNIQUE " in definition
                   and KEY not in definition]
    if unsupported:
        raise PartitioningUnavailable("unique index without the partition key: "
                                      + ", ".join(unsupported))
    outgoing = _all("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                    " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                    [TABLE])
    incoming = _all("SELECT c.conrelid::regclass::text, c.conname, a.attname"
                    " FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid"
                    " AND a.attnum = c.conkey[1] WHERE c.confrelid = %s::regclass"
                    " AND c.contype = 'f' ORDER BY 1, 2", [TABLE])
    triggers = [definition for (definition,) in _all(
        "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = %s::regclass"
        " AND NOT tgisinternal ORDER BY tgname", [TABLE])]
    return _Shape(unique, indexes, outgoing, incoming, triggers)


def partitions_list() -> list[Partition]:
    """The record's partitions, oldest first, with their rows (empty when not partitioned)."""
    if not partitioning_active():
        return []
    found = _all("SELECT c.relname, pg_get_expr(c.relpartbound, c.oid)"
                 " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                 " WHERE i.inhparent = %s::regclass ORDER BY c.relname", [TABLE])
    # The default partition (rows outside every month) sorts last, by its name's suffix.
    found.sort(key=lambda row: (row[1] == "DEFAULT", row[0]))
    return [Partition(name, bounds, _one(f"SELECT count(*) FROM {_q(name)}"))
            for name, bounds in found]


def partitions_maintain() -> bool:
    """Make the months ahead (pg_partman's maintenance). False, doing nothing, when the
    record is not partitioned."""
    if not partitioning_active():
        return False
    schema = _partman_schema()
    if connection.in_atomic_block:
        # The procedure commits after each partition set, which a transaction forbids; the
        # function does the same work inside the caller's transaction.
        _run("SET LOCAL TIME ZONE 'UTC'", f"SELECT {schema}.run_maintenance(p_jobmon => false)")
    else:
        _run("SET TIME ZONE 'UTC'", f"CALL {schema}.run_maintenance_proc(p_jobmon => false)")
    return True
