"""The hexagonal-cell rollup gains the matter type (the county map's density layer filters by
matter). Its old buckets cannot be split by matter, so they are emptied; each case that
counted in them loses its old cell entries from its memo and is queued, and the next refresh
(after the commit, or the minute sweep) adds its cell counts again with the matter.
`huying analytics verify` agrees once the queue is empty."""

from django.db import migrations, models

CHUNK = 2000


def forget_old_cells(apps, schema_editor):
    CellDay = apps.get_model("analytics", "CellDay")
    RollupMemo = apps.get_model("analytics", "RollupMemo")
    RollupQueue = apps.get_model("analytics", "RollupQueue")
    CellDay.objects.all().delete()
    last = -1
    while True:
        memos = list(RollupMemo.objects.filter(case_id__gt=last).order_by("case_id")[:CHUNK])
        if not memos:
            break
        last = memos[-1].case_id
        changed = []
        for memo in memos:
            kept = [entry for entry in memo.entries if entry[0] != "CellDay"]
            if len(kept) != len(memo.entries):
                memo.entries = kept
                changed.append(memo)
        RollupMemo.objects.bulk_update(changed, ["entries"])
        RollupQueue.objects.bulk_create([RollupQueue(case_id=m.case_id) for m in changed],
                                        ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0003_reportissue'),
    ]

    operations = [
        migrations.RunPython(forget_old_cells, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name='cellday',
            options={'verbose_name': 'cases by day, hexagonal cell and matter type'},
        ),
        migrations.RemoveConstraint(
            model_name='cellday',
            name='cellday_key',
        ),
        migrations.AddField(
            model_name='cellday',
            name='matter_type_id',
            field=models.IntegerField(default=0),
        ),
        migrations.AddConstraint(
            model_name='cellday',
            constraint=models.UniqueConstraint(fields=('county_id', 'day', 'town_id', 'matter_type_id', 'cell'), name='cellday_key'),
        ),
    ]
