"""Stored texts become message keys with parameters (common/messages.py), rendered when
read. Existing rows keep their already-rendered text as a literal message: {"text": ...}.
"""

import huying.common.messages
from django.db import migrations, models


FIELDS = {'slip': ['number', 'title', 'body', 'recipients', 'copied_to']}


def to_literals(apps, schema_editor):
    for model_name, names in FIELDS.items():
        model = apps.get_model("supervision", model_name)
        for row in model.objects.all().iterator(chunk_size=500):
            for name in names:
                setattr(row, f"{name}_msg", {"text": getattr(row, name) or ""})
            model.objects.filter(pk=row.pk).update(
                **{f"{name}_msg": getattr(row, f"{name}_msg") for name in names})


def to_text(apps, schema_editor):
    for model_name, names in FIELDS.items():
        model = apps.get_model("supervision", model_name)
        for row in model.objects.all().iterator(chunk_size=500):
            model.objects.filter(pk=row.pk).update(**{
                name: huying.common.messages.render(getattr(row, f"{name}_msg"))
                for name in names})


class Migration(migrations.Migration):

    dependencies = [("supervision", "0002_interview_ladderstep_leaderpost_listedcase_slip_and_more")]

    operations = [
        migrations.RemoveConstraint("slip", "slip_number_unique"),
        migrations.AddField("slip", "number_msg", huying.common.messages.MessageField(default=huying.common.messages.empty, verbose_name="number")),
        migrations.AddField("slip", "title_msg", huying.common.messages.MessageField(default=huying.common.messages.empty, verbose_name="title")),
        migrations.AddField("slip", "body_msg", huying.common.messages.MessageField(default=huying.common.messages.empty, verbose_name="body")),
        migrations.AddField("slip", "recipients_msg", huying.common.messages.MessageField(blank=True, default=huying.common.messages.empty, verbose_name="recipients")),
        migrations.AddField("slip", "copied_to_msg", huying.common.messages.MessageField(blank=True, default=huying.common.messages.empty, verbose_name="copied_to")),
        migrations.RunPython(to_literals, to_text),
        migrations.RemoveField("slip", "number"),
        migrations.RemoveField("slip", "title"),
        migrations.RemoveField("slip", "body"),
        migrations.RemoveField("slip", "recipients"),
        migrations.RemoveField("slip", "copied_to"),
        migrations.RenameField("slip", "number_msg", "number"),
        migrations.RenameField("slip", "title_msg", "title"),
        migrations.RenameField("slip", "body_msg", "body"),
        migrations.RenameField("slip", "recipients_msg", "recipients"),
        migrations.RenameField("slip", "copied_to_msg", "copied_to"),
        migrations.AddConstraint("slip", models.UniqueConstraint(fields=["county", "number"], name="slip_number_unique")),
        migrations.AlterField(
            model_name='slip',
            name='body',
            field=huying.common.messages.MessageField(verbose_name='body'),
        ),
        migrations.AlterField(
            model_name='slip',
            name='copied_to',
            field=huying.common.messages.MessageField(blank=True, default=huying.common.messages.empty, verbose_name='copied to'),
        ),
        migrations.AlterField(
            model_name='slip',
            name='number',
            field=huying.common.messages.MessageField(verbose_name='number'),
        ),
        migrations.AlterField(
            model_name='slip',
            name='title',
            field=huying.common.messages.MessageField(verbose_name='title'),
        ),
    ]
