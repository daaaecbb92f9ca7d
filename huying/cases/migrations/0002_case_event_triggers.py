"""Database triggers that refuse changes to case events, so the record holds even against
SQL that bypasses the ORM. PostgreSQL refuses UPDATE and DELETE (TRUNCATE, used only by test
flushes, is not a row change); SQLite refuses UPDATE — Django's SQLite flush deletes rows, so
deletes there are refused by the ORM layer only."""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION huying_refuse_event_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'case events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER cases_caseevent_append_only BEFORE UPDATE OR DELETE ON cases_caseevent
    FOR EACH ROW EXECUTE FUNCTION huying_refuse_event_change();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS cases_caseevent_append_only ON cases_caseevent;
DROP FUNCTION IF EXISTS huying_refuse_event_change();
"""
SQLITE_UP = """
CREATE TRIGGER cases_caseevent_no_update BEFORE UPDATE ON cases_caseevent
BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS cases_caseevent_no_update;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
