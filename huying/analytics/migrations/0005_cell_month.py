"""The hexagonal-cell rollup by month (`CellMonth`), so that a year of the density panel
reads twelve months of cells instead of 365 days.

The incremental refresh keeps it by each case's difference, as every other table: a case's
contribution now holds a `CellMonth` entry beside its `CellDay` one, with the same measures.
So the new table starts as the day table summed by month over the matter types, and each
memo that has a cell entry
gains the month entry it implies; the next refresh of a case then subtracts exactly what was
added here. Memos and the day table agree at any commit (a refresh locks the memos before
it changes a bucket), and the memo table is locked first so that no refresh runs meanwhile.
Stop the workers during the deploy, as for any migration: a refresh by the old code after
this commit would write memos without the month entry (`huying analytics verify` would tell,
`huying analytics rebuild` would mend it).
"""

from django.db import migrations, models

CHUNK = 2000
MEASURES = ("received", "accepted", "rejected", "merged", "resolved", "resolved_grid",
            "resolved_community", "resolved_town", "transferred", "called", "call_approved",
            "call_bounced", "dispatched", "dispatch_accurate", "signed", "responded",
            "replied", "closed", "done", "open", "overdue", "sensitive", "urgent",
            "status_reported", "status_registered", "status_rejected", "status_merged",
            "status_local", "status_resolved", "status_awaiting_approval", "status_triage",
            "status_dispatched", "status_replied", "status_closed")
# The month table's key; the day table's has the matter type too (between town and cell).
KEY = ("county_id", "day", "town_id", "cell")


def _month_sql(vendor: str) -> str:
    if vendor == "postgresql":
        return "date_trunc('month', day)::date"
    return "date(day, 'start of month')"


# Each memo's cell entry, ["CellDay", [county, day, town, matter, cell], measures], gains its
# month twin ["CellMonth", [county, month, town, cell], measures], in one statement (the
# Python loop below does the same elsewhere).
_MEMOS_SQL = """
UPDATE analytics_rollupmemo m SET entries = m.entries || x.added
FROM (SELECT r.case_id, jsonb_agg(jsonb_build_array(
          'CellMonth',
          jsonb_build_array(e -> 1 -> 0,
                            to_char(date_trunc('month', (e -> 1 ->> 1)::date), 'YYYY-MM-DD'),
                            e -> 1 -> 2, e -> 1 -> 4),
          e -> 2)) AS added
      FROM analytics_rollupmemo r, jsonb_array_elements(r.entries) e
      WHERE e ->> 0 = 'CellDay'
      GROUP BY r.case_id) x
WHERE x.case_id = m.case_id
"""


def _month_entry(entry: list) -> list:
    table, key, measures = entry
    county, day, town, _matter, cell = key
    return ["CellMonth", [county, day[:8] + "01", town, cell], measures]


def cell_months_fill(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    CellDay = apps.get_model("analytics", "CellDay")
    CellMonth = apps.get_model("analytics", "CellMonth")
    RollupMemo = apps.get_model("analytics", "RollupMemo")
    month = _month_sql(connection.vendor)
    keys = ", ".join(quote(c) for c in KEY)
    grouped = ", ".join(month if c == "day" else quote(c) for c in KEY)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {quote(RollupMemo._meta.db_table)} IN EXCLUSIVE MODE")
        cursor.execute(
            f"INSERT INTO {quote(CellMonth._meta.db_table)} "
            f"({keys}, {', '.join(quote(m) for m in MEASURES)}) "
            f"SELECT {grouped}, {', '.join(f'sum({quote(m)})' for m in MEASURES)} "
            f"FROM {quote(CellDay._meta.db_table)} GROUP BY {grouped}")
        if connection.vendor == "postgresql":
            cursor.execute(_MEMOS_SQL)
            # the planner's figures for the new table now, not at autovacuum's next round:
            # without them it sorts a year of cells instead of hashing them
            cursor.execute(f"ANALYZE {quote(CellMonth._meta.db_table)}")
            return
    last = -1
    while True:
        memos = list(RollupMemo.objects.filter(case_id__gt=last).order_by("case_id")[:CHUNK])
        if not memos:
            break
        last = memos[-1].case_id
        changed = []
        for memo in memos:
            added = [_month_entry(e) for e in memo.entries if e[0] == "CellDay"]
            if added:
                memo.entries = [*memo.entries, *added]
                changed.append(memo)
        RollupMemo.objects.bulk_update(changed, ["entries"])


def cell_months_forget(apps, schema_editor):
    """Backwards: the memos lose their month entries (the table goes with the model)."""
    RollupMemo = apps.get_model("analytics", "RollupMemo")
    last = -1
    while True:
        memos = list(RollupMemo.objects.filter(case_id__gt=last).order_by("case_id")[:CHUNK])
        if not memos:
            break
        last = memos[-1].case_id
        changed = []
        for memo in memos:
            kept = [e for e in memo.entries if e[0] != "CellMonth"]
            if len(kept) != len(memo.entries):
                memo.entries = kept
                changed.append(memo)
        RollupMemo.objects.bulk_update(changed, ["entries"])



class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0004_cell_matter_type'),
    ]

    operations = [
        migrations.CreateModel(
            name='CellMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('county_id', models.IntegerField()),
                ('day', models.DateField()),
                ('town_id', models.IntegerField(default=0)),
                ('cell', models.CharField(default='', max_length=16)),
                ('received', models.BigIntegerField(default=0)),
                ('accepted', models.BigIntegerField(default=0)),
                ('rejected', models.BigIntegerField(default=0)),
                ('merged', models.BigIntegerField(default=0)),
                ('resolved', models.BigIntegerField(default=0)),
                ('resolved_grid', models.BigIntegerField(default=0)),
                ('resolved_community', models.BigIntegerField(default=0)),
                ('resolved_town', models.BigIntegerField(default=0)),
                ('transferred', models.BigIntegerField(default=0)),
                ('called', models.BigIntegerField(default=0)),
                ('call_approved', models.BigIntegerField(default=0)),
                ('call_bounced', models.BigIntegerField(default=0)),
                ('dispatched', models.BigIntegerField(default=0)),
                ('dispatch_accurate', models.BigIntegerField(default=0)),
                ('signed', models.BigIntegerField(default=0)),
                ('responded', models.BigIntegerField(default=0)),
                ('replied', models.BigIntegerField(default=0)),
                ('closed', models.BigIntegerField(default=0)),
                ('done', models.BigIntegerField(default=0)),
                ('open', models.BigIntegerField(default=0)),
                ('overdue', models.BigIntegerField(default=0)),
                ('sensitive', models.BigIntegerField(default=0)),
                ('urgent', models.BigIntegerField(default=0)),
                ('status_reported', models.BigIntegerField(default=0)),
                ('status_registered', models.BigIntegerField(default=0)),
                ('status_rejected', models.BigIntegerField(default=0)),
                ('status_merged', models.BigIntegerField(default=0)),
                ('status_local', models.BigIntegerField(default=0)),
                ('status_resolved', models.BigIntegerField(default=0)),
                ('status_awaiting_approval', models.BigIntegerField(default=0)),
                ('status_triage', models.BigIntegerField(default=0)),
                ('status_dispatched', models.BigIntegerField(default=0)),
                ('status_replied', models.BigIntegerField(default=0)),
                ('status_closed', models.BigIntegerField(default=0)),
            ],
            options={
                'verbose_name': 'cases by month and hexagonal cell',
                'indexes': [models.Index(fields=['county_id', 'day'], name='cellmonth_day')],
                'constraints': [models.UniqueConstraint(fields=('county_id', 'day', 'town_id', 'cell'), name='cellmonth_key')],
            },
        ),
        migrations.RunPython(cell_months_fill, cell_months_forget),
    ]
